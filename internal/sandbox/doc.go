// Package sandbox is a local stand-in for WeChat Pay APIv3, for developing
// and testing merchant code without touching WeChat Pay: every operation of
// a spec folder (the bundled spec/ by default), the discount card (微信先享卡)
// with its business rules. cmd/wxpay-sandbox is its command-line shell.
//
// A Server answers the operations of the spec folder over plain HTTP on
// loopback, through the front door shared with the test kit
// (internal/front), checking every request in the order WeChat Pay does:
//
//  1. the Authorization header: scheme, mchid, the merchant certificate
//     serial, a timestamp within 5 minutes and the RSA-SHA256 signature over
//     the request-target exactly as received (401 SIGN_ERROR);
//  2. the request against the document with openapi3filter, routed on a copy
//     whose servers are "/" and with path parameters percent-decoded once
//     (400 PARAM_ERROR with detail.field and detail.location);
//  3. a programmed answer (SetAnswer, POST /sandbox/answers), else the
//     business rules of the card (handlers.go, user.go) or of the payment
//     core (internal/payments, shared with the test kit, stored by
//     payments.go), else the operation's example.
//
// Every answer, errors included, is signed with the platform key
// (Wechatpay-Timestamp, -Nonce, -Serial, -Signature, -Signature-Type) and
// carries a Request-ID. Claiming and ending a card, which WeChat Pay does on
// the user's side, are simulated by the unsigned control endpoints under
// /sandbox/ (and Server.Accept, Server.End), as are the user paying an order
// and refunds settling (Server.Pay, PayError, FinishRefund, or by
// themselves after Config.RefundDelay); the notifications they cause are
// encrypted with the APIv3 key, signed and POSTed to the card's notify_url
// until acknowledged. Faults (latency, 202, 429, 500, dropped connections, bad
// signatures, stale timestamps) can be injected for the merchant's own tests.
//
// The wire rules and their order come from internal/gateway and
// internal/front, which the test kit and the test double share; this package
// adds the card's business rules, the control endpoints, notification
// delivery and the store.
//
// State lives in a bbolt file (store.go): every change is one transaction,
// committed before it is acknowledged, together with the notifications it
// causes (a transactional outbox), so that a 2xx means stored and a queued
// notification survives a crash. Without Config.DataFile the file is
// temporary.
//
// Init writes a development setup (keys, certificates, APIv3 key, card
// template, and the wxpay.json that apiv3.LoadConfigFile reads); LoadDir reads
// it back into a Config.
package sandbox
