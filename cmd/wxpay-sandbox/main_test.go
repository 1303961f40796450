package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// serve starts `wxpay-sandbox serve` and returns its address once it printed
// "listening on", and a function that stops it and returns its exit code.
func serve(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"serve"}, args...), pw, &errb)
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve printed %q (%v); stderr: %s", line, err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on http://")
	if !ok {
		cancel()
		t.Fatalf("first line %q", line)
	}
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Logf("serve stderr: %s", errb.String())
			}
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	return addr, stop
}

func TestCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dev")
	if code, out, errs := runCmd(t, "init", dir, "-mchid", "1900000002"); code != 0 || !strings.Contains(out, "wxpay.json") {
		t.Fatalf("init: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "init", dir); code != 1 || !strings.Contains(errs, "not empty") {
		t.Errorf("init into a non-empty dir: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "serve", "-dir", dir, "-addr", "0.0.0.0:0"); code != 2 || !strings.Contains(errs, "loopback") {
		t.Errorf("serve on 0.0.0.0: %d %s", code, errs)
	}
	if code, _, _ := runCmd(t, "serve", "-dir", dir, "-fault", "teapot"); code != 2 {
		t.Errorf("bad fault: %d", code)
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: %d", code)
	}

	data := filepath.Join(t.TempDir(), "sandbox.db")
	addr, stop := serve(t, "-dir", dir, "-addr", "127.0.0.1:0", "-data", data, "-mode", "cert", "-fault", "latency=1ms", "-check-responses")

	cfg, err := apiv3.LoadConfigFile(filepath.Join(dir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+addr, "http://"+addr
	client, err := wechatpay.NewClient(cfg, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan string, 10)
	nh := httptest.NewServer(client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUnknown: func(_ context.Context, n *apiv3.Notification) error { events <- n.EventType; return nil },
	}))
	defer nh.Close()
	tmpl, err := sandbox.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := client.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{
		OutCardCode: "cli-1", CardTemplateID: tmpl.Template.CardTemplateID, AppID: "wxd678efh567hg6787", NotifyURL: nh.URL,
	}); err != nil {
		t.Fatal(err)
	}
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-events:
			if got != want {
				t.Errorf("notification %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s", want)
		}
	}
	if code, out, errs := runCmd(t, "accept", "-addr", addr, "cli-1"); code != 0 || !strings.Contains(out, `"ONGOING"`) {
		t.Fatalf("accept: %d %s %s", code, out, errs)
	}
	expect(wechatpay.EventTypeUserAccepted)
	if code, _, errs := runCmd(t, "accept", "cli-1", "-addr", addr); code != 1 || !strings.Contains(errs, "409") {
		t.Errorf("accept twice: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "fault", "-addr", addr, "500,times=1,op=getCard"); code != 0 {
		t.Fatalf("fault: %d %s", code, errs)
	}
	_, _, err = client.V3.DiscountCard.Cards.OutCardCode("cli-1").Get(ctx)
	if !apiv3.IsCode(err, "SYSTEM_ERROR") {
		t.Errorf("after the fault: %v", err)
	}
	// answer: a programmed error code once, then the rules again (no such
	// order); misuse is refused before anything is sent.
	order := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo("1217752501201407033233368018")
	if code, _, errs := runCmd(t, "answer", "-addr", addr, "-status", "500", "-code", "SYSTEM_ERROR", "-message", "系统繁忙", "-times", "1", "queryOrderByOutTradeNo"); code != 0 {
		t.Fatalf("answer: %d %s", code, errs)
	}
	if _, _, err := order.Get(ctx, nil); !apiv3.IsCode(err, "SYSTEM_ERROR") {
		t.Errorf("after answer: %v", err)
	}
	if _, _, err := order.Get(ctx, nil); !apiv3.IsCode(err, "ORDER_NOT_EXIST") {
		t.Errorf("after the one answer: %v", err)
	}
	if code, _, errs := runCmd(t, "answer", "-addr", addr, "-body", `{"trade_state":`, "queryOrderByOutTradeNo"); code != 2 || !strings.Contains(errs, "JSON") {
		t.Errorf("answer with a broken body: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "answer", "-addr", addr, "-code", "X", "noSuchOperation"); code != 1 || !strings.Contains(errs, "noSuchOperation") {
		t.Errorf("answer for an unknown operation: %d %s", code, errs)
	}
	if code, out, errs := runCmd(t, "answer", "-addr", addr, "-clear"); code != 0 || strings.TrimSpace(out) != "{}" {
		t.Errorf("answer -clear: %d %q %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "end", "-addr", addr, "-state", "UNFINISHED", "-reason", "EARLY_QUIT", "-pay-amount", "250", "cli-1"); code != 0 || !strings.Contains(out, `"EARLY_QUIT"`) {
		t.Fatalf("end: %d %s %s", code, out, errs)
	}
	expect(wechatpay.EventTypeAgreementEnded)
	expect(wechatpay.EventTypeUserPaid)
	if code, _, errs := runCmd(t, "end", "-addr", addr, "-state", "FINISHED", "nope"); code != 1 || !strings.Contains(errs, "404") {
		t.Errorf("end unknown: %d %s", code, errs)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}

	// Restart on the same data file.
	addr, stop = serve(t, "-dir", dir, "-addr", "127.0.0.1:0", "-data", data, "-mode", "both")
	defer stop()
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+addr, "http://"+addr
	client, _ = wechatpay.NewClient(cfg, apiv3.WithoutRetry())
	card, _, err := client.V3.DiscountCard.Cards.OutCardCode("cli-1").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if card.State != wechatpay.CardStateUnfinished || card.PayInformation == nil || card.PayInformation.PayAmount != 250 {
		t.Errorf("after restart: %+v", card)
	}
	if _, err := os.Stat(data); err != nil {
		t.Error(err)
	}
	var ae *apiv3.APIError
	if _, _, err := client.V3.DiscountCard.Cards.OutCardCode("cli-2").Get(ctx); !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Errorf("unknown card: %v", err)
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"-version", "--version", "version"} {
		code, stdout, stderr := runCmd(t, arg)
		if code != 0 || !strings.HasPrefix(stdout, "wxpay-sandbox devel (go") || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, stdout, stderr)
		}
	}
}
