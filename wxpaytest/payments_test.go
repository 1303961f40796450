package wxpaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

// prepay makes a JSAPI order of total fen, notifications to
// http://127.0.0.1:1/notify unless notifyURL says otherwise.
func prepay(t testing.TB, c *wechatpay.Client, no string, total int64, notifyURL ...string) string {
	t.Helper()
	url := "https://shop.example.com/wxpay/notify"
	if len(notifyURL) > 0 {
		url = notifyURL[0]
	}
	r, _, err := c.V3.Pay.Transactions.Jsapi.Post(context.Background(), &wechatpay.JsapiPrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: c.Runtime().MchID(), Description: "QQ公仔", OutTradeNo: no,
		NotifyURL: url, Amount: wechatpay.PrepayAmount{Total: total}, Payer: wechatpay.PrepayPayer{OpenID: "oUser"},
	})
	if err != nil {
		t.Fatalf("prepay %s: %v", no, err)
	}
	return r.PrepayID
}

func refundReq(no, refundNo string, amount, total int64) *wechatpay.CreateRefundRequest {
	return &wechatpay.CreateRefundRequest{OutTradeNo: apiv3.Ptr(no), OutRefundNo: refundNo,
		Amount: wechatpay.CreateRefundRequestAmount{Refund: amount, Total: total, Currency: "CNY"}}
}

// merchant is a notification endpoint on loopback built on the generated
// handlers; it records what it decrypted.
type merchant struct {
	mu     sync.Mutex
	events []string
	url    string
}

func newMerchant(t *testing.T, c *wechatpay.Client) *merchant {
	m := &merchant{}
	add := func(s string) { m.mu.Lock(); m.events = append(m.events, s); m.mu.Unlock() }
	onRefund := func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
		add(n.EventType + " " + r.OutRefundNo + " " + string(r.RefundStatus))
		return nil
	}
	hs := httptest.NewServer(c.NotificationHandler(wechatpay.NotificationHandlers{
		OnTransactionSuccess: func(_ context.Context, n *apiv3.Notification, tx *wechatpay.Transaction) error {
			add(n.EventType + " " + tx.OutTradeNo + " " + string(tx.TradeState))
			return nil
		},
		OnRefundSuccess: onRefund, OnRefundAbnormal: onRefund, OnRefundClosed: onRefund,
	}))
	t.Cleanup(hs.Close)
	m.url = hs.URL + "/notify"
	return m
}

func (m *merchant) seen() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.events, "; ")
}

// TestKitPlaysThePaymentCore: the kit's orders and refunds follow the
// sandbox's rules, its notifications reach the merchant's server over
// loopback before Pay and FinishRefund return, and the state is there for
// assertions.
func TestKitPlaysThePaymentCore(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	c := newClient(t, kit.Config())
	m := newMerchant(t, c)
	ctx := context.Background()

	id := prepay(t, c, "T-kit", 100, m.url)
	if id2 := prepay(t, c, "T-kit", 100, m.url); id2 != id {
		t.Errorf("the same prepay answered %s, then %s", id, id2)
	}
	if o, ok := kit.Order("T-kit"); !ok || o.TradeState != wxpaytest.TradeNotPay || o.PrepayID != id || o.Total != 100 {
		t.Errorf("Order %+v %v", o, ok)
	}
	_, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, refundReq("T-kit", "R-1", 10, 100))
	apiError(t, err, 404, "RESOURCE_NOT_EXISTS")

	paid := kit.PayWith("T-kit", wxpaytest.PayOptions{BankType: "CMC"})
	if paid.TradeState != wxpaytest.TradeSuccess || paid.TransactionID == "" || paid.PayerOpenID != "oUser" {
		t.Errorf("Pay %+v", paid)
	}
	if got := m.seen(); got != "TRANSACTION.SUCCESS T-kit SUCCESS" {
		t.Errorf("merchant saw %q", got)
	}
	tx, _, err := c.V3.Pay.Transactions.ID.TransactionID(paid.TransactionID).Get(ctx, nil)
	if err != nil || tx.TradeState != wechatpay.TransactionTradeStateSuccess || tx.BankType == nil || *tx.BankType != "CMC" {
		t.Errorf("query: %+v %v", tx, err)
	}

	if _, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, refundReq("T-kit", "R-1", 60, 100)); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.V3.Refund.Domestic.Refunds.Post(ctx, refundReq("T-kit", "R-2", 41, 100))
	apiError(t, err, 400, "INVALID_REQUEST")
	if r, ok := kit.Refund("R-1"); !ok || r.Status != wxpaytest.RefundProcessing || r.NotifyURL != m.url {
		t.Errorf("Refund %+v %v", r, ok)
	}
	r := kit.FinishRefund("R-1", wxpaytest.RefundAbnormal)
	if r.Status != wxpaytest.RefundAbnormal {
		t.Errorf("FinishRefund %+v", r)
	}
	if o, _ := kit.Order("T-kit"); o.TradeState != wxpaytest.TradeRefund || o.Refunded != 60 {
		t.Errorf("order after a refund %+v", o)
	}
	ds := kit.Deliveries()
	if len(ds) != 2 || ds[1].EventType != "REFUND.ABNORMAL" || ds[1].Status != http.StatusNoContent || ds[1].Err != nil ||
		!json.Valid(ds[1].Resource) || !strings.HasPrefix(ds[1].ID, "EV-") {
		t.Errorf("deliveries %+v", ds)
	}
	if got := m.seen(); !strings.HasSuffix(got, "; REFUND.ABNORMAL R-1 ABNORMAL") {
		t.Errorf("merchant saw %q", got)
	}

	kit.Reset()
	if _, ok := kit.Order("T-kit"); ok || len(kit.Deliveries()) != 0 {
		t.Error("Reset left the orders or deliveries")
	}
}

// TestKitNotificationsInProcess: WithNotificationHandler delivers to a
// handler whatever the notify_url; without it, a notify_url off loopback
// is recorded, not sent.
func TestKitNotificationsInProcess(t *testing.T) {
	var got []string
	var c *wechatpay.Client
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.NotificationHandler(wechatpay.NotificationHandlers{
			OnTransactionSuccess: func(_ context.Context, n *apiv3.Notification, tx *wechatpay.Transaction) error {
				got = append(got, tx.OutTradeNo)
				return nil
			},
		}).ServeHTTP(w, r)
	})
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS), wxpaytest.WithNotificationHandler(h))
	c = newClient(t, kit.Config())
	prepay(t, c, "T-in", 1)
	kit.Pay("T-in")
	if len(got) != 1 || got[0] != "T-in" {
		t.Errorf("handler got %v", got)
	}

	plain := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	pc := newClient(t, plain.Config())
	prepay(t, pc, "T-off", 1)
	plain.Pay("T-off")
	if ds := plain.Deliveries(); len(ds) != 1 || ds[0].Status != 0 || ds[0].Err == nil || !strings.Contains(ds[0].Err.Error(), "not on loopback") {
		t.Errorf("deliveries %+v", ds)
	}
}

// TestKitRefundDelay: WithRefundDelay settles refunds by themselves.
func TestKitRefundDelay(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS), wxpaytest.WithRefundDelay(20*time.Millisecond))
	c := newClient(t, kit.Config())
	prepay(t, c, "T-delay", 5)
	kit.Pay("T-delay")
	if _, _, err := c.V3.Refund.Domestic.Refunds.Post(context.Background(), refundReq("T-delay", "R-delay", 5, 5)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if r, _ := kit.Refund("R-delay"); r.Status == wxpaytest.RefundSuccess {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refund did not succeed by itself")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ds := kit.Deliveries(); len(ds) != 2 || ds[1].EventType != "REFUND.SUCCESS" {
		t.Errorf("deliveries %+v", ds)
	}
}

// TestDropAfterPrepayAndRefund: a prepay or refund processed whose answer
// was cut (FaultDropAfter) exists in the kit, the client got an error, and
// the kit recorded exactly one request: the outcome was unknown to the
// client, and the query settles it.
func TestDropAfterPrepayAndRefund(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	c := newClient(t, kit.Config()) // the default retry policy: a payment is still sent once
	ctx := context.Background()

	kit.Inject(wxpaytest.Fault{Kind: wxpaytest.FaultDropAfter, Operation: "jsapiPrepay", Times: 1})
	_, _, err := c.V3.Pay.Transactions.Jsapi.Post(ctx, &wechatpay.JsapiPrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: c.Runtime().MchID(), Description: "d", OutTradeNo: "T-drop",
		NotifyURL: "https://shop.example.com/notify", Amount: wechatpay.PrepayAmount{Total: 8}, Payer: wechatpay.PrepayPayer{OpenID: "o"},
	})
	var oe *apiv3.OutcomeUnknownError
	if !errors.Is(err, apiv3.ErrOutcomeUnknown) || !errors.As(err, &oe) ||
		oe.SettledBy != "queryOrderByOutTradeNo (GET /v3/pay/transactions/out-trade-no/{out_trade_no})" {
		t.Fatalf("a dropped prepay answer: %v, want ErrOutcomeUnknown naming the order query", err)
	}
	if calls := kit.Calls("jsapiPrepay"); len(calls) != 1 || !calls[0].Dropped || calls[0].Status != 200 {
		t.Errorf("prepay calls %+v", calls)
	}
	if o, ok := kit.Order("T-drop"); !ok || o.TradeState != wxpaytest.TradeNotPay {
		t.Errorf("the order of the dropped prepay: %+v %v", o, ok)
	}
	if got, _, err := c.V3.Pay.Transactions.OutTradeNo.OutTradeNo("T-drop").Get(ctx, nil); err != nil || got.TradeState != wechatpay.TransactionTradeStateNotpay {
		t.Errorf("the query that settles it: %+v %v", got, err)
	}

	kit.Pay("T-drop")
	kit.Inject(wxpaytest.Fault{Kind: wxpaytest.FaultDropAfter, Operation: "createRefund", Times: 1})
	_, _, err = c.V3.Refund.Domestic.Refunds.Post(ctx, refundReq("T-drop", "R-drop", 8, 8))
	if !errors.Is(err, apiv3.ErrOutcomeUnknown) || !errors.As(err, &oe) ||
		oe.SettledBy != "queryRefundByOutRefundNo (GET /v3/refund/domestic/refunds/{out_refund_no})" {
		t.Fatalf("a dropped refund answer: %v, want ErrOutcomeUnknown naming the refund query", err)
	}
	if calls := kit.Calls("createRefund"); len(calls) != 1 || !calls[0].Dropped {
		t.Errorf("refund calls %+v", calls)
	}
	if r, ok := kit.Refund("R-drop"); !ok || r.Status != wxpaytest.RefundProcessing || r.Amount != 8 {
		t.Errorf("the refund of the dropped answer: %+v %v", r, ok)
	}
	if got, _, err := c.V3.Refund.Domestic.Refunds.OutRefundNo("R-drop").Get(ctx); err != nil || got.Status != wechatpay.RefundStatusProcessing {
		t.Errorf("the refund query that settles it: %+v %v", got, err)
	}
}

// TestKitWithoutAPrepayKeepsTheExamples: a spec with the refund but no
// prepay cannot make orders, so createRefund answers its example rather
// than 404 for every order.
func TestKitWithoutAPrepayKeepsTheExamples(t *testing.T) {
	dir := t.TempDir()
	data, err := spec.FS.ReadFile("refund.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "refund.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	kit := wxpaytest.Start(t, wxpaytest.Dir(dir))
	c := newClient(t, kit.Config())
	r, _, err := c.V3.Refund.Domestic.Refunds.Post(context.Background(), refundReq("T-any", "R-any", 1, 1))
	if err != nil || r.RefundID == "" {
		t.Errorf("createRefund: %+v %v, want its example", r, err)
	}
	if _, ok := kit.Refund("R-any"); ok {
		t.Error("the kit holds a refund it did not play")
	}
}
