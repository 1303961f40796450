// Package payments is WeChat Pay's payment core as the sandbox and the test
// kit play it: the state machines of payment orders (prepay, the simulated
// payment, expiry, close, queries) and of refunds (create, settle, query),
// with the notifications they cause. The rules live here once; where the
// state is kept is the caller's (the sandbox's bbolt file, the kit's
// memory) behind [Store].
//
// An order moves NOTPAY → SUCCESS (Pay) | PAYERROR (PayError) | CLOSED
// (closeOrder, or time_expire passed), and SUCCESS → REFUND once a refund
// is made. A refund moves PROCESSING → SUCCESS | ABNORMAL | CLOSED
// (FinishRefund, or SUCCESS by itself after Config.RefundDelay). Every
// change is one Store transaction, with the notifications it causes
// (TRANSACTION.SUCCESS, REFUND.SUCCESS / ABNORMAL / CLOSED) queued in it.
//
// What WeChat Pay's exact behaviour is where the facts do not say (codes,
// idempotency comparisons, expiry) is the README's "Sandbox assumptions".
package payments
