package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/docsnippet"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// startSandbox writes a setup into a temporary directory and serves it on
// loopback, with the given faults, answers checked against the spec.
func startSandbox(t *testing.T, faults string) (dir, baseURL string) {
	t.Helper()
	dir = t.TempDir()
	if _, err := sandbox.Init(dir, sandbox.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := sandbox.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Faults, err = sandbox.ParseFaults(faults); err != nil {
		t.Fatal(err)
	}
	cfg.CheckResponses = func(op string, status int, err error) {
		if err != nil {
			t.Errorf("%s answered %d, not as the spec says: %v", op, status, err)
		}
	}
	srv, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return dir, hs.URL
}

func runDemo(t *testing.T, faults string) string {
	t.Helper()
	dir, baseURL := startSandbox(t, faults)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, options{dir: dir, baseURL: baseURL, appID: "wxd678efh567hg6787", total: 100, refund: 30}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	return out.String()
}

// TestDemo runs the example in process against the sandbox, as
// scripts/demo.sh does with the binaries; a query answered 500 is retried.
// (A dropped prepay answer is an unknown outcome, not retried by the
// runtime: TestDemoAfterALostPrepayAnswer.)
func TestDemo(t *testing.T) {
	for _, faults := range []string{"", "500,times=1,op=queryOrderByOutTradeNo;latency=5ms,op=jsapiPrepay"} {
		got := runDemo(t, faults)
		for _, want := range []string{
			"1. jsapiPrepay       out_trade_no=demo",
			`2. front end         {"appId":"wxd678efh567hg6787","timeStamp":"`,
			`"package":"prepay_id=wx`, `"signType":"RSA","paySign":"`,
			"4. TRANSACTION.SUCCESS transaction_id=42",
			"trade_state=SUCCESS payer_total=100",
			"5. queryOrder        trade_state=SUCCESS (支付成功)",
			"refund=30 of 100 status=PROCESSING",
			"8. REFUND.SUCCESS    refund_id=50",
			"refund_status=SUCCESS refund=30 to 支付用户零钱",
			"9. queryOrder        trade_state=REFUND (转入退款)",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("faults %q: output lacks %q:\n%s", faults, want, got)
			}
		}
	}
}

// TestDemoAfterALostPrepayAnswer: the sandbox creates the order and drops
// the answer; the client does not resend, the example asks WeChat Pay, finds
// the order unpaid and sends the very same prepay again, which answers the
// same order, and the flow goes on.
func TestDemoAfterALostPrepayAnswer(t *testing.T) {
	got := runDemo(t, "drop-after,times=1,op=jsapiPrepay")
	for _, want := range []string{
		"1. jsapiPrepay       outcome unknown: asking queryOrderByOutTradeNo (GET /v3/pay/transactions/out-trade-no/{out_trade_no})",
		"1. jsapiPrepay       out_trade_no=demo",
		"4. TRANSACTION.SUCCESS transaction_id=42",
		"9. queryOrder        trade_state=REFUND (转入退款)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestREADMEShowsWhatRuns: the quickstart's output of the payment example
// is the output of a run, but for ids, times and ports.
func TestREADMEShowsWhatRuns(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := docsnippet.ShownOutput(string(readme), "## Quickstart", "==> examples/payment", "==> demo passed")
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	got := strings.Split(strings.TrimRight(runDemo(t, ""), "\n"), "\n")
	if len(got) != len(shown) {
		t.Fatalf("README.md shows %d lines, a run prints %d:\n%s\n---\n%s", len(shown), len(got), strings.Join(shown, "\n"), strings.Join(got, "\n"))
	}
	for i := range got {
		if docsnippet.Shape(shown[i]) != docsnippet.Shape(got[i]) {
			t.Errorf("README.md line %d:\n  shown %s\n  runs  %s", i+1, shown[i], got[i])
		}
	}
}

func TestDemoFails(t *testing.T) {
	dir, baseURL := startSandbox(t, "429,op=jsapiPrepay")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, &out, options{dir: dir, baseURL: baseURL, appID: "wxd678efh567hg6787", total: 100, refund: 30})
	if err == nil || !strings.Contains(err.Error(), "jsapiPrepay") || !strings.Contains(err.Error(), "RATELIMIT_EXCEEDED") {
		t.Errorf("err = %v, want jsapiPrepay's 429", err)
	}
	if err := run(ctx, &out, options{dir: dir, baseURL: baseURL, total: 100, refund: 100}); err == nil || !strings.Contains(err.Error(), "-refund") {
		t.Errorf("a refund of everything: err = %v", err)
	}
	if err := run(ctx, &out, options{dir: dir, total: 100, refund: 30}); err == nil || !strings.Contains(err.Error(), "WXPAY_BASE_URL") {
		t.Errorf("no base URL: err = %v", err)
	}
}
