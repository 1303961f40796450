// Package gateway is the server side of the WeChat Pay APIv3 wire rules,
// which internal/front assembles into the one front door that the test kit
// wxpaytest, the test double internal/wxtest and the local sandbox
// internal/sandbox serve through. It holds no business behaviour and no testing.TB: only
// what WeChat Pay's gateway does to every request and answer.
//
// It implements the rules on its own, with the standard library and
// kin-openapi only, and must never import apiv3: the test double built on it
// has to catch the runtime's mistakes in signing, verification and
// encryption rather than mirror them.
//
// What it holds, one file a job:
//
//   - auth.go: parsing the Authorization header (scheme
//     WECHATPAY2-SHA256-RSA2048, the five items in any order, each once);
//   - verify.go: checking it (mchid, serial_no, timestamp skew, signature)
//     into an [AuthError], and the 401 SIGN_ERROR answer it becomes;
//   - message.go: the request and response messages and RSA-SHA256 signing;
//   - sign.go: the Wechatpay-* headers of an answer or notification, and
//     which serial to send ([Mode]);
//   - route.go, validate.go, paramerror.go, utf8mb4.go: routing on copies
//     of the documents with servers "/", path parameters percent-decoded
//     once, openapi3filter request and response validation, the 4-byte
//     UTF-8 rule, and the 400 PARAM_ERROR answer with
//     detail.field/location/issue/value;
//   - admit.go, body.go: the checks in WeChat Pay's order, before business
//     rules; bodies read within a deadline, and a JSON body that must be
//     exactly one value in UTF-8;
//   - faults.go, answers.go: injected faults and programmed answers, as the
//     test kit and the sandbox's control API set them;
//   - error.go: the error body and an answer before it is signed;
//   - multipart.go: the signed part of an upload;
//   - seal.go, certs.go, notify.go: AEAD_AES_256_GCM under the APIv3 key,
//     the body of GET /v3/certificates and notification envelopes;
//   - keys.go, keyset.go, random.go: PEM key material, fresh key sets (the
//     sandbox's init, the test kit), nonces and identifiers.
package gateway
