package payments

import (
	"net/url"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// fuzzOps are the engine's operations in a fixed order, for the fuzzer to
// pick by index.
var fuzzOps = []string{"jsapiPrepay", "nativePrepay", "queryOrderByOutTradeNo", "queryOrderByTransactionID",
	"closeOrder", "createRefund", "queryRefundByOutRefundNo"}

// FuzzEngine drives the state machines with bodies and path parameters
// from outside, as the front door hands them over after its checks (which
// the fuzzer skips, to reach the engine with anything): a prepay, then the
// fuzzed operation, then a simulated payment and refund settling. Nothing
// may panic, and no input may get a 5xx: with the memory store nothing can
// fail but the input, and bad input is the caller's 4xx.
func FuzzEngine(f *testing.F) {
	f.Add(uint8(0), `{"appid":"wx1","mchid":"m","description":"d","out_trade_no":"T","notify_url":"https://a.example/n","amount":{"total":10},"payer":{"openid":"o"}}`, "T")
	f.Add(uint8(5), `{"out_trade_no":"T","out_refund_no":"R","amount":{"refund":4,"total":10,"currency":"CNY"}}`, "R")
	f.Add(uint8(5), `{"out_trade_no":"T","out_refund_no":"R","amount":{"refund":40,"total":10,"currency":"CNY"}}`, "R")
	f.Add(uint8(4), `{"mchid":"m"}`, "T")
	f.Add(uint8(1), `{"out_trade_no":"T","amount":{"total":-1}} trailing`, "")
	f.Add(uint8(2), `null`, "../T")
	f.Fuzz(func(t *testing.T, which uint8, body, param string) {
		now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
		e := New(&MemStore{}, Config{MchID: "m", Clock: func() time.Time { return now }})
		serve := func(op, body string, params map[string]string) {
			rt := &gateway.Route{OperationID: op, PathParams: params}
			res := e.Serve(rt, url.Values{"mchid": {"m"}}, []byte(body))
			if res == nil {
				t.Fatalf("%s: no answer", op)
			}
			if res.Status >= 500 {
				t.Fatalf("%s %q (path %q): HTTP %d %s", op, body, params, res.Status, res.Body)
			}
		}
		serve("jsapiPrepay", `{"appid":"wx1","mchid":"m","description":"d","out_trade_no":"T","notify_url":"https://a.example/n","amount":{"total":10},"payer":{"openid":"o"}}`, nil)
		op := fuzzOps[int(which)%len(fuzzOps)]
		params := map[string]string{"out_trade_no": param, "transaction_id": param, "out_refund_no": param}
		serve(op, body, params)
		e.Pay(param, PayOptions{})
		e.Pay("T", PayOptions{})
		serve(op, body, params)
		e.FinishRefund(param, RefundSuccess)
		now = now.Add(3 * time.Hour) // past any time_expire the body set
		serve(op, body, params)
		if _, err := e.Order("T"); err != nil {
			t.Fatalf("Order: %v", err)
		}
	})
}
