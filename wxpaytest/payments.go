package wxpaytest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/payments"
)

// The payment core: when the spec has the operations of the bundled
// pay-transactions.yaml (a prepay at least) and refund.yaml, the kit plays
// their state machines with the rules of the sandbox (internal/payments),
// in memory: a prepay creates an order NOTPAY, the
// test pays it (Pay) or fails it (PayError), the queries answer its
// state, a refund stays PROCESSING until FinishRefund (or WithRefundDelay)
// settles it. A programmed answer (Respond) still comes first.

// Trade states of an Order and states of a Refund, as on the wire.
const (
	TradeNotPay   = payments.TradeNotPay
	TradeSuccess  = payments.TradeSuccess
	TradeRefund   = payments.TradeRefund
	TradeClosed   = payments.TradeClosed
	TradePayError = payments.TradePayError

	RefundProcessing = payments.RefundProcessing
	RefundSuccess    = payments.RefundSuccess
	RefundAbnormal   = payments.RefundAbnormal
	RefundClosed     = payments.RefundClosed
)

// Order is a payment order as the kit holds it, for assertions.
type Order struct {
	OutTradeNo  string
	AppID       string
	TradeType   string // JSAPI, APP, MWEB (H5), NATIVE
	TradeState  string // TradeNotPay, TradeSuccess, ...; CLOSED once time_expire passed
	Total       int64  // 分
	NotifyURL   string
	PayerOpenID string
	TimeExpire  time.Time // zero: none
	// The prepay's answer.
	PrepayID, CodeURL, H5URL string
	// Once paid.
	TransactionID string
	SuccessTime   time.Time
	PayerTotal    int64
	// Refunded is what the refunds not CLOSED take from Total.
	Refunded int64
}

// Refund is a refund as the kit holds it, for assertions.
type Refund struct {
	OutRefundNo   string
	RefundID      string
	OutTradeNo    string
	TransactionID string
	Status        string // RefundProcessing, RefundSuccess, ...
	Amount        int64  // 分
	Total         int64  // the order's total
	NotifyURL     string // where its notification goes: its own, else the order's
	CreateTime    time.Time
	SuccessTime   time.Time // zero unless SUCCESS
}

func orderOf(o *payments.Order) Order {
	return Order{OutTradeNo: o.OutTradeNo, AppID: o.AppID, TradeType: o.TradeType, TradeState: o.TradeState,
		Total: o.Total, NotifyURL: o.NotifyURL, PayerOpenID: o.PayerOpenID, TimeExpire: o.TimeExpire,
		PrepayID: o.PrepayID, CodeURL: o.CodeURL, H5URL: o.H5URL,
		TransactionID: o.TransactionID, SuccessTime: o.SuccessTime, PayerTotal: o.PayerTotal, Refunded: o.Refunded}
}

func refundOf(r *payments.Refund) Refund {
	return Refund{OutRefundNo: r.OutRefundNo, RefundID: r.RefundID, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID,
		Status: r.Status, Amount: r.Amount, Total: r.Total, NotifyURL: r.NotifyURL, CreateTime: r.CreateTime, SuccessTime: r.SuccessTime}
}

// WithRefundDelay has refunds succeed by themselves this long after they
// were made, with REFUND.SUCCESS (default: only FinishRefund settles them).
func WithRefundDelay(d time.Duration) Option { return func(s *settings) { s.refundDelay = d } }

// WithNotificationHandler delivers the notifications of the state machines
// (TRANSACTION.SUCCESS, REFUND.*) to h in process, whatever the notify_url.
// Without it they are POSTed to the notify_url when it names a loopback
// host, and only recorded otherwise (the kit sends nothing off the machine).
func WithNotificationHandler(h http.Handler) Option { return func(s *settings) { s.notifyHandler = h } }

// Delivery is a notification the kit's state machines sent.
type Delivery struct {
	EventType string // TRANSACTION.SUCCESS, REFUND.SUCCESS, ...
	ID        string
	URL       string
	// Resource is the decrypted payload: the Transaction or RefundResource
	// as JSON.
	Resource json.RawMessage
	// Status is the merchant's answer (0 when not delivered); Err says why
	// it was not delivered or not acknowledged. It is sent once, not retried.
	Status int
	Err    error
}

func (k *Kit) startPayments() {
	k.store = &payments.MemStore{Deliver: k.deliver}
	k.payments = payments.New(k.store, payments.Config{MchID: k.set.mchID, Clock: k.set.clock, RefundDelay: k.set.refundDelay})
	k.playPayments = payments.Playable(func(id string) bool { return k.front.Router.Operation(id) != nil })
	if k.set.refundDelay > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			k.payments.RunSettler(ctx, func(string, ...any) {})
		}()
		k.stopSettler = func() { cancel(); <-done }
	}
}

// serve is the front door's Handler: the payment core's rules.
func (k *Kit) serve(_ context.Context, ex *front.Exchange) *gateway.Response {
	if ex.Route == nil || !k.playPayments || !payments.Handles(ex.Route.OperationID) {
		return nil
	}
	return k.payments.Serve(ex.Route, ex.Request.URL.Query(), ex.Body)
}

// deliver sends the notifications of a change, once each, and records them.
func (k *Kit) deliver(ns []payments.Notification) {
	for _, n := range ns {
		d := Delivery{EventType: n.EventType, URL: n.URL, Resource: json.RawMessage(n.Plaintext)}
		req, err := k.notificationRequest(Notification{EventType: n.EventType, Resource: d.Resource,
			Summary: payments.Summaries[n.EventType], CreateTime: n.Created}, n.URL)
		if err != nil {
			d.Err = err
		} else {
			d.ID = req.id
			d.Status, d.Err = k.send(req.req, n.URL)
		}
		k.mu.Lock()
		k.deliveries = append(k.deliveries, d)
		k.mu.Unlock()
	}
}

func (k *Kit) send(req *http.Request, raw string) (int, error) {
	var resp *http.Response
	if h := k.set.notifyHandler; h != nil {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		resp = rec.Result()
	} else {
		if !loopbackURL(raw) {
			return 0, fmt.Errorf("wxpaytest: not delivered: notify_url %s is not on loopback (WithNotificationHandler delivers in process)", raw)
		}
		var err error
		if resp, err = notifyClient.Do(req); err != nil {
			return 0, err
		}
		defer resp.Body.Close()
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("wxpaytest: %s answered %d", raw, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

var notifyClient = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// Pay plays the user paying the order outTradeNo (NOTPAY): it becomes
// SUCCESS with a transaction_id, and TRANSACTION.SUCCESS is delivered
// before Pay returns. The test fails for an order that does not exist or
// cannot be paid.
func (k *Kit) Pay(outTradeNo string) Order { return k.PayWith(outTradeNo, PayOptions{}) }

// PayOptions are the details of a simulated payment.
type PayOptions struct {
	OpenID   string // payer.openid; default: the JSAPI prepay's payer, else a random openid
	BankType string // bank_type; default OTHERS
}

// PayWith is Pay with the payer's openid or the bank_type chosen.
func (k *Kit) PayWith(outTradeNo string, opts PayOptions) Order {
	o, err := k.payments.Pay(outTradeNo, payments.PayOptions{OpenID: opts.OpenID, BankType: opts.BankType})
	if err != nil {
		k.fail("Pay %s: %v", outTradeNo, err)
		return Order{}
	}
	return orderOf(o)
}

// PayError plays a failed payment: the order becomes PAYERROR.
func (k *Kit) PayError(outTradeNo string) Order {
	o, err := k.payments.PayError(outTradeNo)
	if err != nil {
		k.fail("PayError %s: %v", outTradeNo, err)
		return Order{}
	}
	return orderOf(o)
}

// FinishRefund settles the PROCESSING refund outRefundNo as status
// (RefundSuccess, RefundAbnormal or RefundClosed) and delivers its
// REFUND.* notification before it returns; a closed refund gives its
// amount back to the order.
func (k *Kit) FinishRefund(outRefundNo, status string) Refund {
	r, err := k.payments.FinishRefund(outRefundNo, status)
	if err != nil {
		k.fail("FinishRefund %s %s: %v", outRefundNo, status, err)
		return Refund{}
	}
	return refundOf(r)
}

// Order returns the order outTradeNo as it is now; ok false when there is
// none.
func (k *Kit) Order(outTradeNo string) (o Order, ok bool) {
	p, _ := k.payments.Order(outTradeNo)
	if p == nil {
		return Order{}, false
	}
	return orderOf(p), true
}

// Refund returns the refund outRefundNo; ok false when there is none.
func (k *Kit) Refund(outRefundNo string) (r Refund, ok bool) {
	p, _ := k.payments.Refund(outRefundNo)
	if p == nil {
		return Refund{}, false
	}
	return refundOf(p), true
}

// Deliveries returns the notifications the state machines sent, in order.
func (k *Kit) Deliveries() []Delivery {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.deliveries)
}
