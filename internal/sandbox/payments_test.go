package sandbox_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/payments"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// jsapi prepays out_trade_no for total fen, notifications to the env.
func (e *env) jsapi(no string, total int64) *wechatpay.JsapiPrepayRequest {
	return &wechatpay.JsapiPrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID, Description: "QQ公仔", OutTradeNo: no,
		NotifyURL: e.notifyURL, Amount: wechatpay.PrepayAmount{Total: total, Currency: apiv3.Ptr("CNY")},
		Payer: wechatpay.PrepayPayer{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	}
}

func (e *env) refundReq(no, refundNo string, amount, total int64) *wechatpay.CreateRefundRequest {
	return &wechatpay.CreateRefundRequest{OutTradeNo: apiv3.Ptr(no), OutRefundNo: refundNo,
		Amount: wechatpay.CreateRefundRequestAmount{Refund: amount, Total: total, Currency: "CNY"}}
}

// nextEvent returns the next notification, which must be of eventType.
func (e *env) nextEvent(eventType string) received {
	e.t.Helper()
	n := e.next()
	if n.eventType != eventType {
		e.t.Fatalf("notification %s, want %s", n.eventType, eventType)
	}
	return n
}

func controlCode(t *testing.T, err error, code string) {
	t.Helper()
	ce, ok := err.(*sandbox.ControlError)
	if !ok || ce.Code != code {
		t.Errorf("err = %v, want the control error %s", err, code)
	}
}

// TestPaymentAndRefunds walks an order through its life over HTTP: prepay
// (idempotent by body), queries, the user's payment and its notification,
// close refused once paid, partial refunds up to the total, each settled
// by a control action with its notification. Every answer is checked
// against the spec (newEnv's CheckResponses).
func TestPaymentAndRefunds(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	tx := e.client.V3.Pay.Transactions
	req := e.jsapi("T-flow", 100)

	first, _, err := tx.Jsapi.Post(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := tx.Jsapi.Post(ctx, req)
	if err != nil || again.PrepayID != first.PrepayID {
		t.Errorf("the same prepay again: %+v %v, want prepay_id %s", again, err, first.PrepayID)
	}
	other := *req
	other.Amount.Total = 101
	_, _, err = tx.Jsapi.Post(ctx, &other)
	apiErr(t, err, 400, "INVALID_REQUEST")

	order := tx.OutTradeNo.OutTradeNo("T-flow")
	got, _, err := order.Get(ctx, nil)
	if err != nil || got.TradeState != wechatpay.TransactionTradeStateNotpay || got.TransactionID != nil {
		t.Fatalf("before payment: %+v %v", got, err)
	}
	_, _, err = e.client.V3.Refund.Domestic.Refunds.Post(ctx, e.refundReq("T-flow", "R-early", 10, 100))
	apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
	_, _, err = tx.OutTradeNo.OutTradeNo("T-none").Get(ctx, nil)
	apiErr(t, err, 404, "ORDER_NOT_EXIST")

	if _, err := e.srv.Pay("T-flow", payments.PayOptions{}); err != nil {
		t.Fatal(err)
	}
	n := e.nextEvent("TRANSACTION.SUCCESS")
	if n.tx.TradeState != wechatpay.TransactionTradeStateSuccess || n.tx.TransactionID == nil || n.tx.OutTradeNo != "T-flow" ||
		n.tx.Payer == nil || n.tx.Payer.OpenID == nil || *n.tx.Payer.OpenID != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" ||
		n.tx.Amount == nil || n.tx.Amount.PayerTotal == nil || *n.tx.Amount.PayerTotal != 100 || n.tx.SuccessTime == nil {
		t.Errorf("TRANSACTION.SUCCESS %+v", n.tx)
	}
	_, err = e.srv.Pay("T-flow", payments.PayOptions{})
	controlCode(t, err, "ORDER_NOT_PAYABLE")
	byID, _, err := tx.ID.TransactionID(*n.tx.TransactionID).Get(ctx, nil)
	if err != nil || byID.TradeState != wechatpay.TransactionTradeStateSuccess || byID.OutTradeNo != "T-flow" {
		t.Errorf("by transaction_id: %+v %v", byID, err)
	}
	_, err = order.Close.Post(ctx, &wechatpay.CloseOrderRequest{MchID: e.cfg.MchID})
	apiErr(t, err, 400, "ORDERPAID")
	_, _, err = tx.Jsapi.Post(ctx, req)
	apiErr(t, err, 400, "ORDERPAID")

	refunds := e.client.V3.Refund.Domestic.Refunds
	r1, _, err := refunds.Post(ctx, e.refundReq("T-flow", "R-1", 30, 100))
	if err != nil || r1.Status != wechatpay.RefundStatusProcessing || r1.Amount.Refund != 30 {
		t.Fatalf("refund: %+v %v", r1, err)
	}
	r1again, _, err := refunds.Post(ctx, e.refundReq("T-flow", "R-1", 30, 100))
	if err != nil || r1again.RefundID != r1.RefundID {
		t.Errorf("the same refund again: %+v %v, want refund_id %s", r1again, err, r1.RefundID)
	}
	_, _, err = refunds.Post(ctx, e.refundReq("T-flow", "R-1", 31, 100))
	apiErr(t, err, 400, "INVALID_REQUEST")
	_, _, err = refunds.Post(ctx, e.refundReq("T-flow", "R-2", 71, 100))
	apiErr(t, err, 400, "INVALID_REQUEST") // 30 + 71 > 100
	if got, _, err := order.Get(ctx, nil); err != nil || got.TradeState != wechatpay.TransactionTradeStateRefund {
		t.Errorf("after a refund: %+v %v", got, err)
	}

	if _, err := e.srv.FinishRefund("R-1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	n = e.nextEvent("REFUND.SUCCESS")
	if n.refund.OutRefundNo != "R-1" || n.refund.RefundStatus != wechatpay.RefundResourceRefundStatusSuccess ||
		n.refund.Amount.Refund != 30 || n.refund.SuccessTime == nil || n.refund.TransactionID != *byID.TransactionID {
		t.Errorf("REFUND.SUCCESS %+v", n.refund)
	}
	q, _, err := refunds.OutRefundNo("R-1").Get(ctx)
	if err != nil || q.Status != wechatpay.RefundStatusSuccess {
		t.Errorf("refund query: %+v %v", q, err)
	}
	_, err = e.srv.FinishRefund("R-1", "CLOSED")
	controlCode(t, err, "REFUND_NOT_PROCESSING")

	// The rest, 70: closed, which gives it back; then abnormal.
	if _, _, err := refunds.Post(ctx, e.refundReq("T-flow", "R-2", 70, 100)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.FinishRefund("R-2", "CLOSED"); err != nil {
		t.Fatal(err)
	}
	if n := e.nextEvent("REFUND.CLOSED"); n.refund.OutRefundNo != "R-2" || n.refund.SuccessTime != nil {
		t.Errorf("REFUND.CLOSED %+v", n.refund)
	}
	if _, _, err := refunds.Post(ctx, e.refundReq("T-flow", "R-3", 70, 100)); err != nil {
		t.Fatalf("refunding what a closed refund gave back: %v", err)
	}
	if _, err := e.srv.FinishRefund("R-3", "ABNORMAL"); err != nil {
		t.Fatal(err)
	}
	if n := e.nextEvent("REFUND.ABNORMAL"); n.refund.OutRefundNo != "R-3" {
		t.Errorf("REFUND.ABNORMAL %+v", n.refund)
	}
	_, _, err = refunds.Post(ctx, e.refundReq("T-flow", "R-4", 1, 100))
	apiErr(t, err, 400, "INVALID_REQUEST") // fully refunded
	_, _, err = refunds.OutRefundNo("R-none").Get(ctx)
	apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
}

// TestPrepayKinds: Native answers code_url, H5 h5_url, App prepay_id; a
// payerror'd order cannot be paid, and closing answers 204 (twice).
func TestPrepayKinds(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	tx := e.client.V3.Pay.Transactions
	amount := wechatpay.PrepayAmount{Total: 5}
	native, _, err := tx.Native.Post(ctx, &wechatpay.NativePrepayRequest{AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID,
		Description: "d", OutTradeNo: "T-native", NotifyURL: e.notifyURL, Amount: amount})
	if err != nil || native.CodeURL == "" {
		t.Errorf("native: %+v %v", native, err)
	}
	h5, _, err := tx.H5.Post(ctx, &wechatpay.H5PrepayRequest{AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID,
		Description: "d", OutTradeNo: "T-h5", NotifyURL: e.notifyURL, Amount: amount,
		SceneInfo: wechatpay.H5SceneInfo{PayerClientIP: "127.0.0.1", H5Info: wechatpay.H5Info{Type: "Wap"}}})
	if err != nil || h5.H5URL == "" {
		t.Errorf("h5: %+v %v", h5, err)
	}
	app, _, err := tx.App.Post(ctx, &wechatpay.AppPrepayRequest{AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID,
		Description: "d", OutTradeNo: "T-app", NotifyURL: e.notifyURL, Amount: amount})
	if err != nil || app.PrepayID == "" {
		t.Errorf("app: %+v %v", app, err)
	}
	// The same out_trade_no through another prepay is another body.
	_, _, err = tx.Native.Post(ctx, &wechatpay.NativePrepayRequest{AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID,
		Description: "d", OutTradeNo: "T-app", NotifyURL: e.notifyURL, Amount: amount})
	apiErr(t, err, 400, "INVALID_REQUEST")

	if view, err := e.srv.PayError("T-native"); err != nil || !json.Valid(view) {
		t.Fatal(err)
	}
	got, _, err := tx.OutTradeNo.OutTradeNo("T-native").Get(ctx, nil)
	if err != nil || got.TradeState != wechatpay.TransactionTradeStatePayerror {
		t.Errorf("after payerror: %+v %v", got, err)
	}
	_, err = e.srv.Pay("T-native", payments.PayOptions{})
	controlCode(t, err, "ORDER_NOT_PAYABLE")
	_, _, err = tx.Native.Post(ctx, &wechatpay.NativePrepayRequest{AppID: "wxd678efh567hg6787", MchID: e.cfg.MchID,
		Description: "d", OutTradeNo: "T-native", NotifyURL: e.notifyURL, Amount: amount})
	apiErr(t, err, 400, "INVALID_REQUEST") // the same prepay after a failed payment
	closeReq := &wechatpay.CloseOrderRequest{MchID: e.cfg.MchID}
	for range 2 {
		if res, err := tx.OutTradeNo.OutTradeNo("T-h5").Close.Post(ctx, closeReq); err != nil || res.StatusCode != 204 {
			t.Errorf("close: %v %v", res, err)
		}
	}
	_, err = e.srv.Pay("T-h5", payments.PayOptions{})
	controlCode(t, err, "ORDER_NOT_PAYABLE")
	_, err = tx.OutTradeNo.OutTradeNo("T-none").Close.Post(ctx, closeReq)
	apiErr(t, err, 404, "ORDER_NOT_EXIST")
	_, err = e.srv.Pay("T-none", payments.PayOptions{})
	controlCode(t, err, "ORDER_NOT_EXIST")
}

// TestOrderExpires: past its time_expire an unpaid order reads CLOSED and
// cannot be paid; a time_expire already past is refused.
func TestOrderExpires(t *testing.T) {
	var mu sync.Mutex
	skew := time.Duration(0)
	e := newEnv(t, func(c *sandbox.Config) {
		c.Clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(skew) }
	})
	ctx := ctxT(t)
	req := e.jsapi("T-expire", 10)
	req.TimeExpire = apiv3.Ptr(apiv3.NewTime(time.Now().Add(time.Minute)))
	if _, _, err := e.client.V3.Pay.Transactions.Jsapi.Post(ctx, req); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	skew = 2 * time.Minute // within the 5 minutes the signatures allow
	mu.Unlock()
	got, _, err := e.client.V3.Pay.Transactions.OutTradeNo.OutTradeNo("T-expire").Get(ctx, nil)
	if err != nil || got.TradeState != wechatpay.TransactionTradeStateClosed {
		t.Errorf("after time_expire: %+v %v", got, err)
	}
	_, err = e.srv.Pay("T-expire", payments.PayOptions{})
	controlCode(t, err, "ORDER_NOT_PAYABLE")
	_, _, err = e.client.V3.Pay.Transactions.Jsapi.Post(ctx, req)
	apiErr(t, err, 400, "ORDER_CLOSED")

	late := e.jsapi("T-late", 10)
	late.TimeExpire = apiv3.Ptr(apiv3.NewTime(time.Now()))
	_, _, err = e.client.V3.Pay.Transactions.Jsapi.Post(ctx, late)
	apiErr(t, err, 400, "PARAM_ERROR")
}

// TestRefundSettlesByItselfAcrossARestart: with a RefundDelay a refund
// succeeds by itself; its due time is stored, so a sandbox restarted
// before it fell due still settles it and sends REFUND.SUCCESS, and the
// orders are still there.
func TestRefundSettlesByItselfAcrossARestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "state.db")
	e := newEnv(t, withDataFile(data), func(c *sandbox.Config) { c.RefundDelay = 300 * time.Millisecond })
	ctx := ctxT(t)
	if _, _, err := e.client.V3.Pay.Transactions.Jsapi.Post(ctx, e.jsapi("T-delay", 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Pay("T-delay", payments.PayOptions{}); err != nil {
		t.Fatal(err)
	}
	e.nextEvent("TRANSACTION.SUCCESS")
	if _, _, err := e.client.V3.Refund.Domestic.Refunds.Post(ctx, e.refundReq("T-delay", "R-delay", 10, 10)); err != nil {
		t.Fatal(err)
	}
	e.hs.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.client = e.newClient(func() apiv3.Config { c := e.clientCfg; c.BaseURL, c.BackupBaseURL = e.hs.URL, e.hs.URL; return c }())
	n := e.nextEvent("REFUND.SUCCESS")
	if n.refund.OutRefundNo != "R-delay" {
		t.Errorf("REFUND.SUCCESS %+v", n.refund)
	}
	got, _, err := e.client.V3.Refund.Domestic.Refunds.OutRefundNo("R-delay").Get(ctx)
	if err != nil || got.Status != wechatpay.RefundStatusSuccess {
		t.Errorf("after the restart: %+v %v", got, err)
	}
	order, _, err := e.client.V3.Pay.Transactions.OutTradeNo.OutTradeNo("T-delay").Get(ctx, nil)
	if err != nil || order.TradeState != wechatpay.TransactionTradeStateRefund {
		t.Errorf("order after the restart: %+v %v", order, err)
	}
}

// TestDropAfterRefund: the refund is processed, then the connection is
// cut: the client has an error, the refund exists, and a retry with the
// same out_refund_no answers that refund, not a second one.
func TestDropAfterRefund(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	if _, _, err := e.client.V3.Pay.Transactions.Jsapi.Post(ctx, e.jsapi("T-drop", 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Pay("T-drop", payments.PayOptions{}); err != nil {
		t.Fatal(err)
	}
	e.nextEvent("TRANSACTION.SUCCESS")
	faults, err := sandbox.ParseFaults("drop-after,times=1,op=createRefund")
	if err != nil {
		t.Fatal(err)
	}
	e.srv.SetFaults(faults)
	_, _, err = e.client.V3.Refund.Domestic.Refunds.Post(ctx, e.refundReq("T-drop", "R-drop", 4, 10))
	if !errors.Is(err, apiv3.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "queryRefundByOutRefundNo") {
		t.Fatalf("a dropped refund answer: %v, want ErrOutcomeUnknown naming the refund query", err)
	}
	view, err := e.srv.Refund("R-drop")
	if err != nil {
		t.Fatalf("the refund whose answer was dropped: %v", err)
	}
	var stored struct{ RefundID, Status string }
	json.Unmarshal(view, &struct {
		RefundID *string `json:"refund_id"`
		Status   *string `json:"status"`
	}{&stored.RefundID, &stored.Status})
	again, _, err := e.client.V3.Refund.Domestic.Refunds.Post(ctx, e.refundReq("T-drop", "R-drop", 4, 10))
	if err != nil || again.RefundID != stored.RefundID || stored.Status != "PROCESSING" {
		t.Errorf("retry: %+v %v, stored %+v", again, err, stored)
	}
}
