package sandbox_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/payments"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/spec"
)

// TestServesEveryBundledSpecFile calls, through the generated client, an
// operation of every bundled spec file besides the discount card's: each
// answers a validated request with its signed example, or with what
// SetAnswer programmed; a request the spec refuses is refused.
func TestServesEveryBundledSpecFile(t *testing.T) {
	e := newEnv(t, withMode(sandbox.ModeBoth))
	ctx := ctxT(t)
	c := e.client
	seen := map[string]bool{}
	mark := func(file string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", file, err)
		}
		seen[file] = true
	}

	// The payment core plays its state machines: an order exists once
	// prepaid, and can be refunded once paid.
	if _, _, err := c.V3.Pay.Transactions.Jsapi.Post(ctx, e.jsapi("1217752501201407033233368018", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Pay("1217752501201407033233368018", payments.PayOptions{}); err != nil {
		t.Fatal(err)
	}
	order, _, err := c.V3.Pay.Transactions.OutTradeNo.OutTradeNo("1217752501201407033233368018").Get(ctx, nil)
	mark("pay-transactions.yaml", err)
	if err == nil && order.TradeState == "" {
		t.Errorf("order example without trade_state: %+v", order)
	}
	refund, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{
		OutTradeNo: apiv3.Ptr("1217752501201407033233368018"), OutRefundNo: "R-1",
		Amount: wechatpay.CreateRefundRequestAmount{Refund: 1, Total: 1, Currency: "CNY"},
	})
	mark("refund.yaml", err)
	if err == nil && refund.RefundID == "" {
		t.Errorf("refund example without refund_id: %+v", refund)
	}
	img := []byte("\x89PNG\r\n\x1a\n fake")
	media, _, err := c.V3.Merchant.Media.Upload.Post(ctx, &wechatpay.UploadImageRequest{
		Meta: wechatpay.MediaMeta{Filename: "a.png", SHA256: sha256Hex(img)}, File: img})
	mark("media.yaml", err)
	if err == nil && media.MediaID == "" {
		t.Error("upload example without media_id")
	}
	_, _, err = c.V3.Certificates.Get(ctx, nil)
	mark("certificates.yaml", err)

	// The bill: the example's hash cannot be the example file's, so the
	// test programs the announcing call, as a user would.
	bill, _, err := c.V3.Bill.Tradebill.Get(ctx, &wechatpay.V3BillTradebillGetParams{BillDate: "2019-06-11"})
	mark("bill.yaml", err)
	file := []byte("交易时间,商户号,金额\n`2015-05-20 13:29:35,`1230000109,`1.00\n")
	sum := sha1.Sum(file)
	if err := e.srv.SetAnswer("getTradeBill", sandbox.Answer{Body: []byte(`{"hash_type":"SHA1","hash_value":"` +
		hex.EncodeToString(sum[:]) + `","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=t"}`)}); err != nil {
		t.Fatal(err)
	}
	bill, _, err = c.V3.Bill.Tradebill.Get(ctx, &wechatpay.V3BillTradebillGetParams{BillDate: "2019-06-11"})
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := c.V3.Billdownload.File.Get(ctx, &wechatpay.V3BilldownloadFileGetParams{Token: "t"},
		apiv3.Digest{Type: string(bill.HashType), Value: bill.HashValue})
	if err != nil || len(data) == 0 {
		t.Errorf("download: %v (%d bytes)", err, len(data))
	}

	files, _ := spec.FS.ReadDir(".")
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".yaml") && f.Name() != "discount-card.yaml" && !seen[f.Name()] {
			t.Errorf("spec/%s: no operation of it is called here", f.Name())
		}
	}

	// A programmed error code, for the next call only.
	if err := e.srv.SetAnswer("queryOrderByOutTradeNo", sandbox.Answer{Status: 404, Code: "ORDER_NOT_EXIST", Message: "订单不存在", Times: 1}); err != nil {
		t.Fatal(err)
	}
	q := c.V3.Pay.Transactions.OutTradeNo.OutTradeNo("1217752501201407033233368018")
	_, _, err = q.Get(ctx, nil)
	apiErr(t, err, 404, "ORDER_NOT_EXIST")
	if _, _, err := q.Get(ctx, nil); err != nil {
		t.Errorf("after the one programmed answer: %v", err)
	}
	// Validation still applies to operations without business rules.
	_, _, err = c.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{OutRefundNo: "R-2"}, apiv3.SkipValidation())
	apiErr(t, err, 400, "PARAM_ERROR")
	// An unknown operation cannot be programmed.
	if err := e.srv.SetAnswer("noSuchOperation", sandbox.Answer{}); err == nil {
		t.Error("SetAnswer accepted an unknown operation")
	}
}

// TestServesTheUsersSpecFolder: a user adds an endpoint to a spec folder
// (the README's "Extending the spec" example, the fund-flow bill) and points
// the sandbox at it; the new endpoint is served, validated and signed, next
// to the discount card.
func TestServesTheUsersSpecFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, spec.FS); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fund-flow-bill.yaml"), []byte(readmeSpec(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *sandbox.Config) { c.SpecDir = dir })
	ctx := ctxT(t)
	get := func(query string) (map[string]any, error) {
		var out map[string]any
		_, err := e.client.Runtime().Do(ctx, &apiv3.Request{Method: http.MethodGet, Path: "/v3/bill/fundflowbill", Query: query, Idempotent: true}, &out)
		return out, err
	}
	if bill, err := get("bill_date=2019-06-11"); err != nil || bill["download_url"] == nil {
		t.Fatalf("getFundFlowBill: %v %v", bill, err)
	}
	_, err := get("") // bill_date is required
	apiErr(t, err, 400, "PARAM_ERROR")
	e.claim("still-served") // the discount card keeps its rules

	// A spec folder that does not load is refused at start, naming it.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.yaml"), []byte("openapi: 3.0.3\npaths: {\n"), 0o644)
	cfg := e.cfg
	cfg.SpecDir = bad
	if s, err := sandbox.New(cfg); err == nil {
		s.Close()
		t.Error("a broken spec folder was accepted")
	} else if !strings.Contains(err.Error(), "x.yaml") {
		t.Errorf("error does not name the file: %v", err)
	}
}

// readmeSpec is the file the README's "Extending the spec" adds.
func readmeSpec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)1\\. Write `spec/fund-flow-bill.yaml`:\n\n   ```yaml\n(.*?)   ```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md, Extending the spec: no fund-flow-bill.yaml")
	}
	return regexp.MustCompile("(?m)^   ").ReplaceAllString(string(m[1]), "")
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
