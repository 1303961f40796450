package wechatpay_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// The order query sends the configured merchant ID as mchid when it is not
// set, and signs the query exactly as sent.
func TestQueryOrderByOutTradeNo(t *testing.T) {
	srv, c := newServerAndClient(t, "pay-transactions.yaml", wxtest.Options{})
	order := c.V3.Pay.Transactions.OutTradeNo.OutTradeNo("1217752501201407033233368018")
	tx, resp, err := order.Get(ctxT(t), nil)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if tx.TradeState != wechatpay.TransactionTradeStateSuccess || resp.StatusCode != 200 {
		t.Errorf("trade_state %q, status %d", tx.TradeState, resp.StatusCode)
	}
	_, _, err = order.Get(ctxT(t), &wechatpay.V3PayTransactionsOutTradeNoOutTradeNoGetParams{MchID: "1900000109"})
	if err != nil {
		t.Fatalf("Get with mchid: %v", err)
	}
	reqs := srv.Requests()
	if got, want := reqs[0].RequestURI, "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid="+testkeys.MchID; got != want || !reqs[0].Verified {
		t.Errorf("request-target %s (verified %v), want %s", got, reqs[0].Verified, want)
	}
	if got := reqs[1].RequestURI; !strings.HasSuffix(got, "?mchid=1900000109") {
		t.Errorf("explicit mchid: %s", got)
	}
}

func TestCreateRefund(t *testing.T) {
	srv, c := newServerAndClient(t, "refund.yaml", wxtest.Options{})
	req := &wechatpay.CreateRefundRequest{
		OutTradeNo:  apiv3.Ptr("1217752501201407033233368018"),
		OutRefundNo: "R-1",
		Amount:      wechatpay.CreateRefundRequestAmount{Refund: 1, Total: 1, Currency: "CNY"},
	}
	refund, _, err := c.V3.Refund.Domestic.Refunds.Post(ctxT(t), req)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if refund.Status != wechatpay.RefundStatusProcessing || refund.Channel != wechatpay.RefundChannelOriginal {
		t.Errorf("refund %+v", refund)
	}
	if r := srv.Requests()[0]; !r.Verified || !strings.Contains(string(r.Body), `"out_refund_no":"R-1"`) {
		t.Errorf("request %s verified %v", r.Body, r.Verified)
	}
}

// The upload is multipart/form-data; the server verifies the signature
// over the meta JSON only, as WeChat Pay does.
func TestUploadImage(t *testing.T) {
	srv, c := newServerAndClient(t, "media.yaml", wxtest.Options{})
	img := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake png")
	sum := sha256.Sum256(img)
	body := &wechatpay.UploadImageRequest{
		Meta: wechatpay.MediaMeta{Filename: "a.png", SHA256: hex.EncodeToString(sum[:])},
		File: img,
	}
	out, _, err := c.V3.Merchant.Media.Upload.Post(ctxT(t), body)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if out.MediaID == "" {
		t.Error("no media_id")
	}
	r := srv.Requests()[0]
	if !r.Verified {
		t.Fatalf("signature over the meta part refused: %v", r.AuthError)
	}
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
	meta, _ := mr.NextPart()
	metaJSON, _ := io.ReadAll(meta)
	file, _ := mr.NextPart()
	content, _ := io.ReadAll(file)
	if meta.FormName() != "meta" || string(metaJSON) != `{"filename":"a.png","sha256":"`+body.Meta.SHA256+`"}` {
		t.Errorf("meta part %q: %s", meta.FormName(), metaJSON)
	}
	if file.FormName() != "file" || file.FileName() != "a.png" || file.Header.Get("Content-Type") != "image/png" || string(content) != string(img) {
		t.Errorf("file part %q %q %q", file.FormName(), file.FileName(), file.Header.Get("Content-Type"))
	}
	// Validation runs on the parts' value before anything is sent.
	body.Meta.SHA256 = "x"
	if _, _, err := c.V3.Merchant.Media.Upload.Post(ctxT(t), body); err == nil {
		t.Error("invalid meta accepted")
	}
}

// The bill: step 1 is signed JSON naming the hash; step 2 is an unsigned
// download checked against that hash, refused when tampered with.
func TestTradeBillDownload(t *testing.T) {
	bill := "交易时间,公众账号ID,商户号\n`2019-06-11 10:00:00,`wxd678efh567hg6787,`1230000109\n"
	sum := sha1.Sum([]byte(bill))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/bill/tradebill", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"hash_type":"SHA1","hash_value":"`+hex.EncodeToString(sum[:])+`","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=t0k"}`)
	})
	mux.HandleFunc("GET /v3/billdownload/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, bill)
	})
	srv, c := newServerAndClient(t, "bill.yaml", wxtest.Options{Handler: mux})
	tb, _, err := c.V3.Bill.Tradebill.Get(ctxT(t), &wechatpay.V3BillTradebillGetParams{BillDate: "2019-06-11", TarType: apiv3.Ptr(wechatpay.TarTypeGzip)})
	if err != nil {
		t.Fatalf("tradebill: %v", err)
	}
	digest := apiv3.Digest{Type: string(tb.HashType), Value: tb.HashValue}
	params := &wechatpay.V3BilldownloadFileGetParams{Token: "t0k"}
	data, resp, err := c.V3.Billdownload.File.Get(ctxT(t), params, digest)
	if err != nil || string(data) != bill {
		t.Fatalf("download: %v (%q)", err, data)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	reqs := srv.Requests()
	if reqs[0].RequestURI != "/v3/bill/tradebill?bill_date=2019-06-11&tar_type=GZIP" || reqs[1].RequestURI != "/v3/billdownload/file?token=t0k" {
		t.Errorf("request-targets %s, %s", reqs[0].RequestURI, reqs[1].RequestURI)
	}
	if reqs[1].Header.Get("Accept") != "*/*" || !reqs[1].Verified {
		t.Errorf("download request: Accept %q, verified %v", reqs[1].Header.Get("Accept"), reqs[1].Verified)
	}
	// Unsigned: a dropped signature does not matter, a changed byte does.
	srv.SetTamper(func(tr *wxtest.TamperedResponse) {
		tr.Header.Del("Wechatpay-Signature")
	})
	if _, _, err := c.V3.Billdownload.File.Get(ctxT(t), params, digest); err != nil {
		t.Errorf("unsigned download refused: %v", err)
	}
	srv.SetTamper(func(tr *wxtest.TamperedResponse) {
		tr.Body[len(tr.Body)-2] ^= 1
	})
	data, _, err = c.V3.Billdownload.File.Get(ctxT(t), params, digest)
	if !errors.Is(err, apiv3.ErrDigestMismatch) || data != nil {
		t.Errorf("tampered download: %v (%d bytes)", err, len(data))
	}
}
