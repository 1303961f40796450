package wechatpay_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// paymentDoc is pay-transactions.yaml with the paths of refund.yaml added:
// the payment core as one document for one test server. The two files'
// shared components are identical copies, so each path keeps its own
// resolved schemas.
func paymentDoc(t testing.TB) *openapi3.T {
	doc := specDoc(t, "pay-transactions.yaml")
	for path, item := range specDoc(t, "refund.yaml").Paths.Map() {
		doc.Paths.Set(path, item)
	}
	return doc
}

// The payment core through the chains the PHP SDK spells the same way, each
// request signed and validated by the double against the spec, each answer
// verified and decoded into its type.
func TestPaymentCoreChains(t *testing.T) {
	srv, c := newServerAndClient(t, "", wxtest.Options{Spec: paymentDoc(t)})
	ctx := ctxT(t)
	tx := c.V3.Pay.Transactions

	jsapi := &wechatpay.JsapiPrepayRequest{
		AppID:       "wxd678efh567hg6787",
		MchID:       testkeys.MchID,
		Description: "Image形象店-深圳腾大-QQ公仔",
		OutTradeNo:  "1217752501201407033233368018",
		NotifyURL:   "https://www.weixin.qq.com/wxpay/pay.php",
		Amount:      wechatpay.PrepayAmount{Total: 100, Currency: apiv3.Ptr("CNY")},
		Payer:       wechatpay.PrepayPayer{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	}
	prepay, resp, err := tx.Jsapi.Post(ctx, jsapi)
	if err != nil {
		t.Fatalf("Jsapi.Post: %v", err)
	}
	if prepay.PrepayID != "wx201410272009395522657a690389285100" || resp.StatusCode != 200 {
		t.Errorf("prepay %+v, status %d", prepay, resp.StatusCode)
	}
	// The page's parameters, signed from the answer with the same client's key.
	fe, err := c.Runtime().JSAPIPayParams(jsapi.AppID, prepay.PrepayID)
	if err != nil {
		t.Fatalf("JSAPIPayParams: %v", err)
	}
	if fe.Package != "prepay_id="+prepay.PrepayID || fe.SignType != "RSA" {
		t.Errorf("front-end parameters %+v", fe)
	}
	verifyMerchantSignature(t, fe.AppID+"\n"+fe.TimeStamp+"\n"+fe.NonceStr+"\n"+fe.Package+"\n", fe.PaySign)

	app := &wechatpay.AppPrepayRequest{AppID: jsapi.AppID, MchID: jsapi.MchID, Description: jsapi.Description,
		OutTradeNo: "A-1", NotifyURL: jsapi.NotifyURL, Amount: jsapi.Amount,
		LimitPay: []wechatpay.LimitPay{wechatpay.LimitPayNoCredit}}
	if out, _, err := tx.App.Post(ctx, app); err != nil || out.PrepayID == "" {
		t.Errorf("App.Post: %v %+v", err, out)
	} else if p, err := c.Runtime().AppPayParams(app.AppID, out.PrepayID); err != nil || p.PartnerID != testkeys.MchID || p.Package != "Sign=WXPay" {
		t.Errorf("AppPayParams: %v %+v", err, p)
	}
	h5 := &wechatpay.H5PrepayRequest{AppID: jsapi.AppID, MchID: jsapi.MchID, Description: jsapi.Description,
		OutTradeNo: "H-1", NotifyURL: jsapi.NotifyURL, Amount: jsapi.Amount,
		SceneInfo: wechatpay.H5SceneInfo{PayerClientIP: "14.23.150.211", H5Info: wechatpay.H5Info{Type: wechatpay.H5InfoTypeWap}}}
	if out, _, err := tx.H5.Post(ctx, h5); err != nil || !strings.HasPrefix(out.H5URL, "https://") {
		t.Errorf("H5.Post: %v %+v", err, out)
	}
	native := &wechatpay.NativePrepayRequest{AppID: jsapi.AppID, MchID: jsapi.MchID, Description: jsapi.Description,
		OutTradeNo: "N-1", NotifyURL: jsapi.NotifyURL, Amount: jsapi.Amount}
	if out, _, err := tx.Native.Post(ctx, native); err != nil || !strings.HasPrefix(out.CodeURL, "weixin://") {
		t.Errorf("Native.Post: %v %+v", err, out)
	}

	// Queries: mchid defaults to the configured merchant.
	order, _, err := tx.OutTradeNo.OutTradeNo(jsapi.OutTradeNo).Get(ctx, nil)
	if err != nil || order.TradeState != wechatpay.TransactionTradeStateSuccess {
		t.Errorf("OutTradeNo.Get: %v %+v", err, order)
	}
	byID, _, err := tx.ID.TransactionID("4200000985202103031441826014").Get(ctx, nil)
	if err != nil || byID.TransactionID == nil || byID.TradeType == nil || *byID.TradeType != wechatpay.TransactionTradeTypeJsapi {
		t.Errorf("ID.Get: %v %+v", err, byID)
	}
	resp, err = tx.OutTradeNo.OutTradeNo(native.OutTradeNo).Close.Post(ctx, &wechatpay.CloseOrderRequest{MchID: testkeys.MchID})
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Errorf("Close.Post: %v (%v)", err, resp)
	}

	// Refunds: the out_refund_no travels escaped once, as signed.
	refunds := c.V3.Refund.Domestic.Refunds
	refund, _, err := refunds.Post(ctx, &wechatpay.CreateRefundRequest{
		OutTradeNo:  apiv3.Ptr(jsapi.OutTradeNo),
		OutRefundNo: "R-20240601|1",
		Amount:      wechatpay.CreateRefundRequestAmount{Refund: 60, Total: 100, Currency: "CNY"},
	})
	if err != nil || refund.Status != wechatpay.RefundStatusProcessing {
		t.Errorf("Refunds.Post: %v %+v", err, refund)
	}
	got, _, err := refunds.OutRefundNo("R-20240601|1").Get(ctx)
	if err != nil || got.Status != wechatpay.RefundStatusSuccess {
		t.Errorf("OutRefundNo.Get: %v %+v", err, got)
	}

	want := []struct{ op, target string }{
		{"jsapiPrepay", "/v3/pay/transactions/jsapi"},
		{"appPrepay", "/v3/pay/transactions/app"},
		{"h5Prepay", "/v3/pay/transactions/h5"},
		{"nativePrepay", "/v3/pay/transactions/native"},
		{"queryOrderByOutTradeNo", "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + testkeys.MchID},
		{"queryOrderByTransactionID", "/v3/pay/transactions/id/4200000985202103031441826014?mchid=" + testkeys.MchID},
		{"closeOrder", "/v3/pay/transactions/out-trade-no/N-1/close"},
		{"createRefund", "/v3/refund/domestic/refunds"},
		{"queryRefundByOutRefundNo", "/v3/refund/domestic/refunds/R-20240601%7C1"},
	}
	reqs := srv.Requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Route == nil || r.Route.OperationID != w.op || r.RequestURI != w.target || !r.Verified || r.StatusCode/100 != 2 {
			op := ""
			if r.Route != nil {
				op = r.Route.OperationID
			}
			t.Errorf("request %d: %s %s (verified %v, %d), want %s %s", i, op, r.RequestURI, r.Verified, r.StatusCode, w.op, w.target)
		}
	}
	if !strings.Contains(string(reqs[0].Body), `"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`) ||
		!strings.Contains(string(reqs[1].Body), `"limit_pay":["no_credit"]`) || string(reqs[6].Body) != `{"mchid":"`+testkeys.MchID+`"}` {
		t.Errorf("bodies sent:\n%s\n%s\n%s", reqs[0].Body, reqs[1].Body, reqs[6].Body)
	}
}

// A prepay breaking the spec is refused before anything is sent. A valid
// one is sent once: answered 500 it fails (the caller decides, the runtime
// does not repeat a payment), and when its answer never comes the error
// says the outcome is unknown and names the query that settles it.
func TestPrepayValidationAndSentOnce(t *testing.T) {
	var mode atomic.Int32 // 0: 500, 1: the connection closes after the request, 2: the spec's example
	var dropped atomic.Int32
	examples := wxtest.ExampleHandler(paymentDoc(t))
	srv, c := newServerAndClient(t, "", wxtest.Options{Spec: paymentDoc(t), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"code":"SYSTEM_ERROR","message":"系统错误"}`))
		case 1: // read and checked, then no answer: net/http closes the connection
			dropped.Add(1)
			panic(http.ErrAbortHandler)
		default:
			examples.ServeHTTP(w, r)
		}
	})})
	req := &wechatpay.NativePrepayRequest{AppID: "wxd678efh567hg6787", MchID: testkeys.MchID, Description: "QQ公仔",
		OutTradeNo: "N 1", NotifyURL: "https://www.weixin.qq.com/wxpay/pay.php", Amount: wechatpay.PrepayAmount{Total: -5}}
	_, _, err := c.V3.Pay.Transactions.Native.Post(ctxT(t), req)
	var verr *apiv3.ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "out_trade_no") || !strings.Contains(err.Error(), "amount.total") {
		t.Fatalf("invalid prepay: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for an invalid prepay", n)
	}
	req.OutTradeNo, req.Amount.Total = "N-1", 1
	if _, _, err := c.V3.Pay.Transactions.Native.Post(ctxT(t), req); !apiv3.IsCode(err, "SYSTEM_ERROR") || errors.Is(err, apiv3.ErrOutcomeUnknown) {
		t.Fatalf("Native.Post answered 500: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("a prepay answered 500 was sent %d times, want once", n)
	}

	mode.Store(1)
	_, _, err = c.V3.Pay.Transactions.Native.Post(ctxT(t), req)
	var oe *apiv3.OutcomeUnknownError
	if !errors.Is(err, apiv3.ErrOutcomeUnknown) || !errors.As(err, &oe) ||
		oe.SettledBy != "queryOrderByOutTradeNo (GET /v3/pay/transactions/out-trade-no/{out_trade_no})" {
		t.Fatalf("Native.Post without an answer: %v", err)
	}
	if n := dropped.Load(); n != 1 {
		t.Fatalf("a prepay without an answer was sent %d times, want once", n)
	}

	mode.Store(2)
	out, _, err := c.V3.Pay.Transactions.Native.Post(ctxT(t), req)
	if err != nil || out.CodeURL == "" {
		t.Fatalf("Native.Post: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || string(reqs[0].Body) != string(reqs[1].Body) || reqs[0].StatusCode != 500 || !reqs[1].Verified ||
		reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Errorf("attempts: %d", len(reqs))
	}
}

// Each new event type reaches its typed handler: the runtime verifies and
// decrypts, the generated dispatcher decodes the payload of the spec's
// examples.
func TestPaymentNotificationsDispatch(t *testing.T) {
	client, err := wechatpay.NewClient(testConfig("https://api.mch.weixin.qq.com"))
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	record := func(event string, n *apiv3.Notification) {
		if n.EventType != event {
			t.Errorf("%s handler got %s", event, n.EventType)
		}
		calls = append(calls, event)
	}
	var paid *wechatpay.Transaction
	refunds := map[string]*wechatpay.RefundResource{}
	onRefund := func(event string) func(context.Context, *apiv3.Notification, *wechatpay.RefundResource) error {
		return func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
			record(event, n)
			refunds[event] = r
			return nil
		}
	}
	handler := httptest.NewServer(client.NotificationHandler(wechatpay.NotificationHandlers{
		OnTransactionSuccess: func(_ context.Context, n *apiv3.Notification, tx *wechatpay.Transaction) error {
			record(wechatpay.EventTypeTransactionSuccess, n)
			paid = tx
			return nil
		},
		OnRefundSuccess:  onRefund(wechatpay.EventTypeRefundSuccess),
		OnRefundAbnormal: onRefund(wechatpay.EventTypeRefundAbnormal),
		OnRefundClosed:   onRefund(wechatpay.EventTypeRefundClosed),
	}))
	defer handler.Close()

	transaction := schemaExample(t, "pay-transactions.yaml", "Transaction", nil)
	refund := func(status string) []byte {
		return schemaExample(t, "refund.yaml", "RefundResource", func(m map[string]any) {
			m["refund_status"] = status
			if status != "SUCCESS" {
				delete(m, "success_time")
			}
		})
	}
	for _, n := range []struct {
		event     string
		plaintext []byte
	}{
		{"TRANSACTION.SUCCESS", transaction},
		{"REFUND.SUCCESS", refund("SUCCESS")},
		{"REFUND.ABNORMAL", refund("ABNORMAL")},
		{"REFUND.CLOSED", refund("CLOSED")},
	} {
		header, body := wxtest.EncryptNotification(t, testkeys.APIv3Key, n.event, n.plaintext)
		if resp := wxtest.PostNotification(t, handler.URL, header, body); resp.StatusCode != http.StatusNoContent {
			t.Errorf("%s: status %d", n.event, resp.StatusCode)
		}
	}
	if want := []string{"TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"}; strings.Join(calls, " ") != strings.Join(want, " ") {
		t.Errorf("handlers called %v, want %v", calls, want)
	}
	if paid == nil || paid.TradeState != wechatpay.TransactionTradeStateSuccess || paid.OutTradeNo != "1217752501201407033233368018" ||
		paid.Payer == nil || paid.Payer.OpenID == nil || paid.Amount == nil || paid.Amount.Total == nil || *paid.Amount.Total != 100 || paid.SuccessTime == nil {
		t.Errorf("TRANSACTION.SUCCESS decoded %+v", paid)
	}
	for event, status := range map[string]wechatpay.RefundResourceRefundStatus{
		"REFUND.SUCCESS":  wechatpay.RefundResourceRefundStatusSuccess,
		"REFUND.ABNORMAL": wechatpay.RefundResourceRefundStatusAbnormal,
		"REFUND.CLOSED":   wechatpay.RefundResourceRefundStatusClosed,
	} {
		r := refunds[event]
		if r == nil || r.RefundStatus != status || r.OutRefundNo == "" || r.Amount.Refund != 999 || (r.SuccessTime != nil) != (event == "REFUND.SUCCESS") {
			t.Errorf("%s decoded %+v", event, r)
		}
	}
}

// schemaExample is the JSON of a component schema's example in a bundled
// spec file, changed by edit when it is not nil.
func schemaExample(t *testing.T, file, schema string, edit func(map[string]any)) []byte {
	t.Helper()
	s := specDoc(t, file).Components.Schemas[schema]
	if s == nil || s.Value.Example == nil {
		t.Fatalf("%s: %s has no example", file, schema)
	}
	b, err := json.Marshal(s.Value.Example)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		if b, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// verifyMerchantSignature checks a front-end signature the way WeChat Pay
// does: SHA256withRSA by the merchant's key over the message.
func verifyMerchantSignature(t *testing.T, message, sig string) {
	t.Helper()
	block, _ := pem.Decode(testkeys.MerchantPublicKeyPEM)
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(message))
	if err := rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, sum[:], raw); err != nil {
		t.Errorf("signature over %q does not verify: %v", message, err)
	}
}
