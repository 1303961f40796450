package main

import (
	"bufio"
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
)

// usersOwnTestsAndSandbox is issue 11's "done when", in the temporary
// module of TestFromTheUsersOwnModule (set up by the README's own-module
// recipe; sharing it saves a build of the generator): the user's code (a
// discount-card call, a refund call of the bundled spec, an endpoint the
// user added to the spec folder, a notification handler) is tested by the
// user's own go test against wxpaytest, offline; then the sandbox runs from
// the user's module (go run, as the README says) serving the user's spec
// folder, added endpoint included.
func usersOwnTestsAndSandbox(t *testing.T, m *userModule) {
	for _, f := range []string{"discount-card.yaml", "refund.yaml", "pay-transactions.yaml", "bill.yaml"} {
		m.write("api/"+f, m.checkoutFile("spec/"+f))
	}
	m.write("api/fund-flow-bill.yaml", addedSpec(t, m.checkoutFile("README.md")))
	m.run("generate", "./...")
	m.write("internal/shop/shop.go", userCode)
	m.write("internal/shop/shop_test.go", userTest)
	for _, c := range readmeBlock(t, m.checkoutFile("README.md"), "Testing your integration", "wxpaytest") {
		m.run(c[1:]...)
	}
	if out := m.run("test", "-count=1", "-v", "./internal/shop/"); !strings.Contains(out, "--- PASS: TestShop") || strings.Contains(out, "FAIL") {
		t.Fatalf("the user's tests:\n%s", out)
	}

	// The sandbox, from the user's module, on the user's spec folder.
	var serve []string
	for _, c := range readmeBlock(t, m.checkoutFile("README.md"), "Sandbox", "go get github.com/wxpaygen/wxpaygen/cmd/wxpay-sandbox") {
		if len(c) > 3 && c[3] == "serve" {
			serve = c
			continue
		}
		m.run(c[1:]...)
	}
	if serve == nil {
		t.Fatal("README.md, Sandbox: no go run ... serve command")
	}
	for i, a := range serve {
		if strings.HasPrefix(a, "127.0.0.1:") {
			serve[i] = "127.0.0.1:0"
		}
	}
	addr := m.start(serve[1:]...)
	cfg, err := apiv3.LoadConfigFile(filepath.Join(m.dir, "sandbox", "wxpay.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.BackupBaseURL = "http://"+addr, "http://"+addr
	c, err := wechatpay.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var bill map[string]any
	resp, err := c.Runtime().Do(context.Background(), &apiv3.Request{Method: http.MethodGet, Path: "/v3/bill/fundflowbill", Query: "bill_date=2019-06-11", Idempotent: true}, &bill)
	if err != nil || resp.StatusCode != 200 || bill["download_url"] == nil {
		t.Fatalf("getFundFlowBill against the sandbox: %v %v %v", resp, err, bill)
	}
}

// start runs the go command in the background until the test ends and
// returns the address it printed ("listening on http://ADDR").
func (m *userModule) start(args ...string) string {
	m.t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
	cmd.Dir = m.dir
	cmd.Env = m.env
	// Its own process group: go run starts the program as a child, which
	// must go down with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		m.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	m.t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
	}()
	select {
	case line := <-lines:
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on http://")
		if !ok {
			m.t.Fatalf("go %s printed %q; stderr: %s", strings.Join(args, " "), line, stderr.String())
		}
		return addr
	case <-time.After(3 * time.Minute):
		m.t.Fatalf("go %s: no listening line", strings.Join(args, " "))
		return ""
	}
}

// readmeBlock returns the commands of the first sh block of the README's
// section that contains marker.
func readmeBlock(t *testing.T, readme, section, marker string) [][]string {
	t.Helper()
	start := strings.Index(readme, "\n## "+section+"\n")
	if start < 0 {
		t.Fatalf("README.md has no section %s", section)
	}
	text := readme[start+1:]
	if end := strings.Index(text[1:], "\n## "); end >= 0 {
		text = text[:end+1]
	}
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(text, -1) {
		if !strings.Contains(block[1], marker) {
			continue
		}
		var cmds [][]string
		for _, line := range strings.Split(block[1], "\n") {
			if line, _, _ = strings.Cut(line, "#"); strings.TrimSpace(line) != "" {
				f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(line), "&"))
				if f[0] != "go" {
					t.Fatalf("README.md, %s: unexpected command %q", section, line)
				}
				cmds = append(cmds, f)
			}
		}
		return cmds
	}
	t.Fatalf("README.md, %s: no sh block with %q", section, marker)
	return nil
}

// addedSpec is the file of the README's "Extending the spec", the endpoint
// a user adds.
func addedSpec(t *testing.T, readme string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)1\\. Write `spec/fund-flow-bill.yaml`:\n\n   ```yaml\n(.*?)   ```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README.md, Extending the spec: no fund-flow-bill.yaml")
	}
	return regexp.MustCompile("(?m)^   ").ReplaceAllString(m[1], "")
}

// userCode is the user's own code, calling WeChat Pay through the client
// generated into internal/wxpay.
const userCode = `// Package shop is the user's code under test.
package shop

import (
	"context"
	"net/http"

	"example.com/shop/internal/wxpay"
	"github.com/wxpaygen/wxpaygen/apiv3"
)

// CardState is the state of a discount card.
func CardState(ctx context.Context, c *wxpay.Client, code string) (string, error) {
	card, _, err := c.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx)
	if err != nil {
		return "", err
	}
	return string(card.State), nil
}

// Refund refunds amount fen of a paid order; ok false when WeChat Pay says
// the order does not exist.
func Refund(ctx context.Context, c *wxpay.Client, orderNo, refundNo string, amount int64) (id string, ok bool, err error) {
	r, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, &wxpay.CreateRefundRequest{
		OutTradeNo: apiv3.Ptr(orderNo), OutRefundNo: refundNo,
		Amount: wxpay.CreateRefundRequestAmount{Refund: amount, Total: amount, Currency: "CNY"},
	})
	if apiv3.IsCode(err, "RESOURCE_NOT_EXISTS") {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return r.RefundID, true, nil
}

// FundFlowBill asks where the fund-flow bill of a day is: the endpoint the
// user added to the spec.
func FundFlowBill(ctx context.Context, c *wxpay.Client, day string) (string, error) {
	b, _, err := c.V3.Bill.Fundflowbill.Get(ctx, &wxpay.V3BillFundflowbillGetParams{BillDate: day})
	if err != nil {
		return "", err
	}
	return b.DownloadURL, nil
}

// Notifications records the cards users claimed.
func Notifications(c *wxpay.Client, claimed chan<- string) http.Handler {
	return c.NotificationHandler(wxpay.NotificationHandlers{
		OnUserAccepted: func(_ context.Context, _ *apiv3.Notification, r *wxpay.UserAcceptedResource) error {
			claimed <- r.OutCardCode
			return nil
		},
	})
}
`

// userTest is the user's own test of it, against wxpaytest.
const userTest = `package shop

import (
	"context"
	"testing"

	"example.com/shop/internal/wxpay"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

func TestShop(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.Dir("../../api"))
	c, err := wxpay.NewClient(kit.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	if state, err := CardState(ctx, c, "6e8369071cd942c0476613f9d1ce9ca3"); err != nil || state != "UNFINISHED" {
		t.Errorf("CardState: %q %v", state, err)
	}

	// The kit plays the payment core: the order exists once prepaid, and
	// can be refunded once the test has the user pay it.
	if _, _, err := c.V3.Pay.Transactions.Native.Post(ctx, &wxpay.NativePrepayRequest{AppID: "wxd678efh567hg6787",
		MchID: "1230000109", Description: "d", OutTradeNo: "T1", NotifyURL: "https://shop.example.com/notify",
		Amount: wxpay.PrepayAmount{Total: 100}}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Refund(ctx, c, "T1", "R1", 100); err != nil || ok {
		t.Errorf("Refund of an unpaid order: %v %v", ok, err)
	}
	kit.Pay("T1")
	if id, ok, err := Refund(ctx, c, "T1", "R1", 100); err != nil || !ok || id == "" {
		t.Errorf("Refund: %q %v %v", id, ok, err)
	}
	if got := kit.LastCall("createRefund").JSON.(map[string]any)["out_refund_no"]; got != "R1" {
		t.Errorf("sent out_refund_no %v", got)
	}
	if r, ok := kit.Refund("R1"); !ok || r.Status != wxpaytest.RefundProcessing || r.Amount != 100 {
		t.Errorf("the kit's refund %+v", r)
	}
	kit.Respond("createRefund", wxpaytest.Error(404, "RESOURCE_NOT_EXISTS", "订单不存在"))
	if _, ok, err := Refund(ctx, c, "T1", "R2", 100); err != nil || ok {
		t.Errorf("Refund answered as programmed: %v %v", ok, err)
	}

	if url, err := FundFlowBill(ctx, c, "2019-06-11"); err != nil || url == "" {
		t.Errorf("FundFlowBill: %q %v", url, err)
	}
	if call := kit.LastCall("getFundFlowBill"); call.Query.Get("bill_date") != "2019-06-11" || !call.Verified {
		t.Errorf("fund-flow bill call %+v", call)
	}

	claimed := make(chan string, 1)
	resp := kit.Notify(Notifications(c, claimed), wxpaytest.Notification{
		EventType: "DISCOUNT_CARD.USER_ACCEPTED",
		Resource:  map[string]any{"out_card_code": "card-9", "state": "ONGOING"},
	})
	if resp.StatusCode != 204 || len(claimed) != 1 || <-claimed != "card-9" {
		t.Errorf("notification answered %d", resp.StatusCode)
	}
}
`
