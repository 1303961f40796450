// Package wxpaytest is a fake WeChat Pay APIv3 for the tests of code that
// calls it: a server on loopback, for the spec your client was generated
// from, with fresh keys, and the apiv3.Config that talks to it.
//
//	kit := wxpaytest.Start(t, wxpaytest.Dir("../../api")) // your spec folder (or wxpaytest.FS(fsys))
//	client, err := wxpay.NewClient(kit.Config())
//
// It checks every request as WeChat Pay does, in its order, with the rules
// the project's sandbox and its own tests use (internal/front): the
// Authorization signature (401 SIGN_ERROR), Accept and User-Agent, the
// route (404, 405), a JSON body that is exactly one value in UTF-8, the
// request against the spec with openapi3filter (400 PARAM_ERROR with
// detail.field and detail.location) and the 4-byte UTF-8 rule. Every answer
// is signed with the platform key (file downloads excepted, as WeChat Pay
// does), so the client's verification runs too.
//
// An operation answers with its spec example, completed from the schema
// where the example is missing or incomplete, unless the test programs it
// ([Kit.Respond]: a status and body, or an error code such as
// ORDER_NOT_EXIST) or injects a fault ([Kit.Inject]: latency, a dropped
// connection, 202/429/500, a bad signature, a stale timestamp). Every
// request is recorded ([Kit.Calls]) with its operation, path parameters,
// query and decoded JSON body. [Kit.Notify] sends a signed, encrypted
// notification to your handler, so that notification code is tested end to
// end.
//
// The payment core is played, not answered from examples: with the
// operations of the bundled pay-transactions.yaml and refund.yaml in the
// spec, a prepay creates an order (NOTPAY) that the test pays
// ([Kit.Pay], [Kit.PayError]), the queries answer its state, close and
// refund follow WeChat Pay's rules, and a refund stays PROCESSING until
// [Kit.FinishRefund] (or [WithRefundDelay]) settles it. TRANSACTION.SUCCESS
// and REFUND.* are delivered, signed and encrypted, before those calls
// return: to the notify_url on loopback, or to [WithNotificationHandler]'s
// handler; [Kit.Order], [Kit.Refund] and [Kit.Deliveries] show the state.
// These are the rules of the sandbox (internal/payments), kept in memory.
//
// A Kit is safe for concurrent use: parallel tests may share one. Its
// programmed answers and faults apply to every test using it, so tests that
// program answers are best given their own kit (Start costs a few
// milliseconds once the spec is loaded; keys are made once per test binary).
package wxpaytest
