package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestPaymentCommands drives an order and its refunds through the
// commands, over HTTP on loopback: pay, payerror, order, refund-closed, a
// refund that succeeds by itself (-refund-delay), refund, and the state
// after a restart on the same data file.
func TestPaymentCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dev")
	if code, _, errs := runCmd(t, "init", dir); code != 0 {
		t.Fatalf("init: %d %s", code, errs)
	}
	data := filepath.Join(t.TempDir(), "sandbox.db")
	addr, stop := serve(t, "-dir", dir, "-addr", "127.0.0.1:0", "-data", data, "-refund-delay", "200ms", "-check-responses")

	cfg, err := apiv3.LoadConfigFile(filepath.Join(dir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+addr, "http://"+addr
	client, err := wechatpay.NewClient(cfg, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	type event struct{ eventType, resource string }
	events := make(chan event, 10)
	nh := httptest.NewServer(client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUnknown: func(_ context.Context, n *apiv3.Notification) error {
			events <- event{n.EventType, string(n.Plaintext)}
			return nil
		},
	}))
	defer nh.Close()
	expect := func(want, in string) {
		t.Helper()
		select {
		case got := <-events:
			if got.eventType != want || !strings.Contains(got.resource, in) {
				t.Errorf("notification %s %s, want %s with %s", got.eventType, got.resource, want, in)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s", want)
		}
	}
	ctx := context.Background()
	if _, _, err := client.V3.Pay.Transactions.Jsapi.Post(ctx, &wechatpay.JsapiPrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: cfg.MchID, Description: "d", OutTradeNo: "T-cli", NotifyURL: nh.URL,
		Amount: wechatpay.PrepayAmount{Total: 10}, Payer: wechatpay.PrepayPayer{OpenID: "oJSAPI"},
	}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, "order", "-addr", addr, "T-cli"); code != 0 || !strings.Contains(out, `"NOTPAY"`) {
		t.Errorf("order: %d %s %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "pay", "T-cli", "-addr", addr, "-openid", "oPayer"); code != 0 || !strings.Contains(out, `"SUCCESS"`) {
		t.Fatalf("pay: %d %s %s", code, out, errs)
	}
	expect("TRANSACTION.SUCCESS", `"openid":"oPayer"`)
	if code, _, errs := runCmd(t, "payerror", "-addr", addr, "T-cli"); code != 1 || !strings.Contains(errs, "409 ORDER_NOT_PAYABLE") {
		t.Errorf("payerror of a paid order: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "pay", "-addr", addr, "T-none"); code != 1 || !strings.Contains(errs, "404 ORDER_NOT_EXIST") {
		t.Errorf("pay of no order: %d %s", code, errs)
	}
	if code, _, _ := runCmd(t, "pay", "-addr", addr); code != 2 {
		t.Errorf("pay without an order: %d", code)
	}

	refund := func(no string, amount int64) {
		t.Helper()
		if _, _, err := client.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{OutTradeNo: apiv3.Ptr("T-cli"),
			OutRefundNo: no, Amount: wechatpay.CreateRefundRequestAmount{Refund: amount, Total: 10, Currency: "CNY"}}); err != nil {
			t.Fatal(err)
		}
	}
	// Settled by a command before its delay is up, then by itself.
	refund("R-closed", 3)
	if code, out, errs := runCmd(t, "refund-closed", "-addr", addr, "R-closed"); code != 0 || !strings.Contains(out, `"CLOSED"`) {
		t.Fatalf("refund-closed: %d %s %s", code, out, errs)
	}
	expect("REFUND.CLOSED", `"out_refund_no":"R-closed"`)
	refund("R-auto", 10)
	expect("REFUND.SUCCESS", `"out_refund_no":"R-auto"`)
	if code, out, errs := runCmd(t, "refund", "-addr", addr, "R-auto"); code != 0 || !strings.Contains(out, `"SUCCESS"`) {
		t.Errorf("refund: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "refund-abnormal", "-addr", addr, "R-auto"); code != 1 || !strings.Contains(errs, "409 REFUND_NOT_PROCESSING") {
		t.Errorf("refund-abnormal of a settled refund: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "refund-success", "-addr", addr, "R-none"); code != 1 || !strings.Contains(errs, "404") {
		t.Errorf("refund-success of no refund: %d %s", code, errs)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}

	addr, stop = serve(t, "-dir", dir, "-addr", "127.0.0.1:0", "-data", data)
	defer stop()
	if code, out, errs := runCmd(t, "order", "-addr", addr, "T-cli"); code != 0 || !strings.Contains(out, `"REFUND"`) {
		t.Errorf("order after a restart: %d %s %s", code, out, errs)
	}
	if code, _, _ := runCmd(t, "serve", "-dir", dir, "-refund-delay", "-1s"); code != 2 {
		t.Errorf("a negative -refund-delay: %d", code)
	}
}
