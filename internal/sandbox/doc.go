// Package sandbox is a local stand-in for the WeChat Pay APIv3 discount-card
// (微信先享卡) service, for developing and testing merchant code without
// touching WeChat Pay. cmd/wxpay-sandbox is its command-line shell.
//
// A Server answers the operations of the embedded OpenAPI documents (package
// spec) over plain HTTP on loopback, checking every request in the order
// WeChat Pay does:
//
//  1. the Authorization header: scheme, mchid, the merchant certificate
//     serial, a timestamp within 5 minutes and the RSA-SHA256 signature over
//     the request-target exactly as received (401 SIGN_ERROR);
//  2. the request against the document with openapi3filter, routed on a copy
//     whose servers are "/" and with path parameters percent-decoded once
//     (400 PARAM_ERROR with detail.field and detail.location);
//  3. the business rules of the card (store.go).
//
// Every answer, errors included, is signed with the platform key
// (Wechatpay-Timestamp, -Nonce, -Serial, -Signature, -Signature-Type) and
// carries a Request-ID. Claiming and ending a card, which WeChat Pay does on
// the user's side, are simulated by the unsigned control endpoints under
// /sandbox/ (and Server.Accept, Server.End); the notifications they cause are
// encrypted with the APIv3 key, signed and POSTed to the card's notify_url
// until acknowledged. Faults (latency, 202, 429, 500, dropped connections, bad
// signatures, stale timestamps) can be injected for the merchant's own tests.
//
// The wire rules (Authorization, signatures, routing and validation, the
// error body, encryption) come from internal/gateway, which the test double
// internal/wxtest shares; this package adds the card's business rules, the
// control endpoints, faults, notification delivery and persistence.
//
// State lives in memory and, with Config.DataFile, in a JSON file that is
// replaced atomically after every change, before the change is acknowledged.
//
// Init writes a development setup (keys, certificates, APIv3 key, card
// template, and the wxpay.json that apiv3.LoadConfigFile reads); LoadDir reads
// it back into a Config.
package sandbox
