// Package wxtest is a loopback test double of the WeChat Pay APIv3 gateway
// for the end-to-end tests of this repository: the generated client's tests,
// the runtime's tests, benchmarks and the sandbox.
//
// It serves through internal/front, the front door the test kit wxpaytest
// and the sandbox serve through too, so that the three check, answer and
// sign alike; what it adds is for this repository's own tests (committed
// keys from internal/testkeys, an http.Handler as business behaviour, the
// strict ExampleHandler, tampering with signed answers). Like gateway it
// deliberately does not import apiv3: a mistake in the runtime's signer or
// verifier must show up as a failed check here rather than being mirrored.
//
// A [Server] answers every request in the order WeChat Pay does:
//
//  1. Authorization: scheme WECHATPAY2-SHA256-RSA2048, the five fields
//     mchid, nonce_str, timestamp, serial_no and signature (any order, quoted
//     values, each exactly once), mchid and serial_no matching the merchant,
//     timestamp within 5 minutes of the server clock, and an RSA PKCS#1 v1.5
//     SHA-256 signature over "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n"
//     where REQUEST_TARGET is the request-target exactly as received
//     ([http.Request.RequestURI]). Failures answer 401 SIGN_ERROR. Then a
//     missing Accept or User-Agent answers 400 INVALID_REQUEST.
//  2. With [Options.Spec]: routing and openapi3filter request validation, on
//     a copy of the document whose servers are [{url: "/"}], with path
//     parameters percent-decoded once before validation. Failures answer 400
//     PARAM_ERROR with detail.field (a JSON Pointer for body fields, the
//     parameter name otherwise) and detail.location. Strings containing 4-byte
//     UTF-8 characters in a JSON body are refused the same way (a WeChat Pay
//     rule). Unknown paths answer 404 NOT_FOUND, unknown methods 405.
//  3. [Options.Handler], the business behaviour.
//
// Every answer, errors included, carries Request-ID, Wechatpay-Timestamp,
// Wechatpay-Nonce, Wechatpay-Serial, Wechatpay-Signature-Type and
// Wechatpay-Signature over "TIMESTAMP\nNONCE\nBODY\n" made with the platform
// key (with [Options.UnsignedFiles], but file downloads, which WeChat Pay
// does not sign). [Server.SetTamper] lets a test corrupt what is sent after it has been
// signed, to exercise the client's verifier. [Server.Requests] shows what
// arrived, byte for byte.
//
// Helpers: [ExampleHandler] answers every operation with its documented
// example; [ValidExampleHandler] answers every operation of any document
// with something the document accepts (the example completed from the
// schema, a file for a download); [Server.CheckRequest] asks the server's
// routing and validation about a request without sending it;
// [CertificatesHandler] answers GET /v3/certificates; [EncryptNotification]
// and [PostNotification] build and deliver signed, encrypted notifications;
// [Sign], [SignResponse], [SignRequest], [ParseAuthorization] and
// [VerifyAuthorization] expose the wire rules to other tests. Key material defaults to internal/testkeys.
package wxtest
