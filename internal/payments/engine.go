package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Config configures an Engine.
type Config struct {
	// MchID is the merchant: prepay bodies must name it, and the control
	// actions (Pay, FinishRefund, ...) act on its orders.
	MchID string
	// Clock is the server time (default time.Now).
	Clock func() time.Time
	// RefundDelay is how long a refund stays PROCESSING before it succeeds
	// by itself (RunSettler); 0: only FinishRefund settles it.
	RefundDelay time.Duration
	// CheckNotifyURL refuses the notify_url of a prepay or refund (nil:
	// any URL the spec accepts).
	CheckNotifyURL func(raw string) *gateway.Error
}

// Engine plays the state machines over a Store. It is safe for concurrent
// use.
type Engine struct {
	cfg   Config
	store Store
	wake  chan struct{}
}

// New returns an Engine keeping its state in store.
func New(store Store, cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Engine{cfg: cfg, store: store, wake: make(chan struct{}, 1)}
}

func (e *Engine) now() time.Time { return e.cfg.Clock() }

type operation func(e *Engine, rt *gateway.Route, query url.Values, body []byte) (any, int, error)

var operations = map[string]operation{
	"jsapiPrepay":               prepay("JSAPI"),
	"appPrepay":                 prepay("APP"),
	"h5Prepay":                  prepay("MWEB"),
	"nativePrepay":              prepay("NATIVE"),
	"queryOrderByTransactionID": (*Engine).queryByTransactionID,
	"queryOrderByOutTradeNo":    (*Engine).queryByOutTradeNo,
	"closeOrder":                (*Engine).closeOrder,
	"createRefund":              (*Engine).createRefund,
	"queryRefundByOutRefundNo":  (*Engine).queryRefund,
}

// Handles reports whether operationID is one of the payment core's.
func Handles(operationID string) bool { return operations[operationID] != nil }

// Playable reports whether a spec whose operations has reports can play
// the state machines: it has a prepay. Without one no order can exist, so
// a spec with only, say, the refund operations keeps their examples
// rather than answering every refund 404.
func Playable(has func(operationID string) bool) bool {
	for _, id := range []string{"jsapiPrepay", "appPrepay", "h5Prepay", "nativePrepay"} {
		if has(id) {
			return true
		}
	}
	return false
}

// Serve answers a request that passed the front door's checks, routed to
// rt; nil when the operation is not the payment core's.
func (e *Engine) Serve(rt *gateway.Route, query url.Values, body []byte) *gateway.Response {
	op := operations[rt.OperationID]
	if op == nil {
		return nil
	}
	v, status, err := op(e, rt, query, body)
	if ge := answerOf(err); ge != nil {
		return ge.Response()
	}
	if v == nil {
		return &gateway.Response{Status: status, Header: http.Header{}}
	}
	return gateway.JSONResponse(status, v)
}

// canonical is body as one canonical JSON text (keys sorted, no spaces),
// the form repeated requests are compared in.
func canonical(body []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, refusal{gateway.ParamError("/", "body", err.Error(), "参数错误："+err.Error())}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSpace(b.Bytes()), nil
}

type prepayRequest struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	TimeExpire  string `json:"time_expire"`
	Attach      string `json:"attach"`
	NotifyURL   string `json:"notify_url"`
	Amount      struct {
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
	Payer struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
}

func prepay(tradeType string) operation {
	return func(e *Engine, _ *gateway.Route, _ url.Values, body []byte) (any, int, error) {
		return e.prepay(tradeType, body)
	}
}

// prepay creates an order (NOTPAY) or, for the same out_trade_no with the
// same body, answers as the first time.
func (e *Engine) prepay(tradeType string, body []byte) (any, int, error) {
	var req prepayRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, 0, refusal{gateway.ParamError("/", "body", err.Error(), "参数错误："+err.Error())}
	}
	canon, err := canonical(body)
	if err != nil {
		return nil, 0, err
	}
	if req.MchID != e.cfg.MchID {
		return nil, 0, refusal{gateway.ParamError("/mchid", "body", "mchid is not the merchant of the request",
			"参数错误：mchid与请求商户号不一致")}
	}
	now := e.now()
	var expire time.Time
	if req.TimeExpire != "" {
		if expire, err = time.Parse(time.RFC3339, req.TimeExpire); err != nil {
			return nil, 0, refusal{gateway.ParamError("/time_expire", "body", "time_expire must be an RFC 3339 time",
				"参数错误：time_expire格式错误")}
		}
	}
	if e.cfg.CheckNotifyURL != nil {
		if ge := e.cfg.CheckNotifyURL(req.NotifyURL); ge != nil {
			return nil, 0, refusal{ge}
		}
	}
	var answer map[string]string
	err = e.store.Update(func(t Tx) error {
		o, err := t.Order(req.MchID, req.OutTradeNo)
		if err != nil {
			return err
		}
		if o != nil {
			o.expire(now) // read as of now; stored by the next change
			switch {
			case !bytes.Equal(o.Body, canon) || o.TradeType != tradeType:
				return refuse(400, "INVALID_REQUEST", "商户订单号重复，且请求参数与原订单不一致："+req.OutTradeNo)
			case o.paid():
				return refuse(400, "ORDERPAID", "该订单已支付："+req.OutTradeNo)
			case o.TradeState == TradeClosed:
				return refuse(400, "ORDER_CLOSED", "该订单已关闭："+req.OutTradeNo)
			case o.TradeState == TradePayError:
				return refuse(400, "INVALID_REQUEST", "该订单支付失败，请关闭订单后使用新的商户订单号下单："+req.OutTradeNo)
			}
			answer = o.prepayAnswer()
			return nil
		}
		if !expire.IsZero() && !expire.After(now) {
			return refusal{gateway.ParamError("/time_expire", "body", "time_expire must be after now",
				"参数错误：time_expire时间过短")}
		}
		o = &Order{
			MchID: req.MchID, AppID: req.AppID, OutTradeNo: req.OutTradeNo, TradeType: tradeType, TradeState: TradeNotPay,
			Description: req.Description, Attach: req.Attach, NotifyURL: req.NotifyURL,
			Total: req.Amount.Total, Currency: req.Amount.Currency, PayerOpenID: req.Payer.OpenID,
			TimeExpire: expire, CreateTime: now, Body: canon,
		}
		if o.Currency == "" {
			o.Currency = "CNY"
		}
		prepayID := "wx" + now.In(gateway.Beijing).Format("20060102150405") + gateway.RandomFrom("0123456789abcdef", 20)
		switch tradeType {
		case "NATIVE":
			o.CodeURL = "weixin://wxpay/bizpayurl?pr=" + gateway.RandomString(7)
		case "MWEB":
			o.H5URL = "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=" + prepayID + "&package=" + gateway.RandomFrom(gateway.Digits, 10)
		default:
			o.PrepayID = prepayID
		}
		answer = o.prepayAnswer()
		return t.PutOrder(o)
	})
	if err != nil {
		return nil, 0, err
	}
	return answer, http.StatusOK, nil
}

func (o *Order) prepayAnswer() map[string]string {
	switch o.TradeType {
	case "NATIVE":
		return map[string]string{"code_url": o.CodeURL}
	case "MWEB":
		return map[string]string{"h5_url": o.H5URL}
	}
	return map[string]string{"prepay_id": o.PrepayID}
}

func orderNotExist(no string) error { return refuse(404, "ORDER_NOT_EXIST", "订单不存在："+no) }

// readOrder reads an order as of now (an expired one reads CLOSED).
func (e *Engine) readOrder(t Tx, mchID, no string) (*Order, error) {
	o, err := t.Order(mchID, no)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, orderNotExist(no)
	}
	o.expire(e.now())
	return o, nil
}

func (e *Engine) queryByOutTradeNo(rt *gateway.Route, q url.Values, _ []byte) (any, int, error) {
	var view any
	err := e.store.View(func(t Tx) error {
		o, err := e.readOrder(t, q.Get("mchid"), rt.PathParams["out_trade_no"])
		if err == nil {
			view = o.Transaction()
		}
		return err
	})
	return view, http.StatusOK, err
}

func (e *Engine) queryByTransactionID(rt *gateway.Route, q url.Values, _ []byte) (any, int, error) {
	id := rt.PathParams["transaction_id"]
	var view any
	err := e.store.View(func(t Tx) error {
		no, err := t.OrderID(q.Get("mchid"), id)
		if err != nil {
			return err
		}
		if no == "" {
			return orderNotExist(id)
		}
		o, err := e.readOrder(t, q.Get("mchid"), no)
		if err == nil {
			view = o.Transaction()
		}
		return err
	})
	return view, http.StatusOK, err
}

// closeOrder closes an unpaid order: 204, again for a closed one; a paid
// one is ORDERPAID.
func (e *Engine) closeOrder(rt *gateway.Route, _ url.Values, body []byte) (any, int, error) {
	var req struct {
		MchID string `json:"mchid"`
	}
	json.Unmarshal(body, &req)
	no := rt.PathParams["out_trade_no"]
	err := e.store.Update(func(t Tx) error {
		o, err := e.readOrder(t, req.MchID, no)
		if err != nil {
			return err
		}
		if o.paid() {
			return refuse(400, "ORDERPAID", "订单已支付，不能关闭，请发起退款："+no)
		}
		o.TradeState = TradeClosed
		return t.PutOrder(o)
	})
	return nil, http.StatusNoContent, err
}

type refundRequest struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	OutRefundNo   string `json:"out_refund_no"`
	Reason        string `json:"reason"`
	NotifyURL     string `json:"notify_url"`
	Amount        struct {
		Refund   int64  `json:"refund"`
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

// maxRefunds is WeChat Pay's limit of partial refunds per order.
const maxRefunds = 50

// createRefund refunds part or all of a paid order: a new refund is
// PROCESSING; the same out_refund_no with the same body answers the
// refund as it is now.
func (e *Engine) createRefund(_ *gateway.Route, _ url.Values, body []byte) (any, int, error) {
	var req refundRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, 0, refusal{gateway.ParamError("/", "body", err.Error(), "参数错误："+err.Error())}
	}
	canon, err := canonical(body)
	if err != nil {
		return nil, 0, err
	}
	if req.NotifyURL != "" && e.cfg.CheckNotifyURL != nil {
		if ge := e.cfg.CheckNotifyURL(req.NotifyURL); ge != nil {
			return nil, 0, refusal{ge}
		}
	}
	mchID, now := e.cfg.MchID, e.now()
	var view any
	err = e.store.Update(func(t Tx) error {
		r, err := t.Refund(mchID, req.OutRefundNo)
		if err != nil {
			return err
		}
		if r != nil {
			if !bytes.Equal(r.Body, canon) {
				return refuse(400, "INVALID_REQUEST", "商户退款单号已存在，且请求参数与原退款不一致："+req.OutRefundNo)
			}
			view = r.View()
			return nil
		}
		no := req.OutTradeNo
		if req.TransactionID != "" {
			if no, err = t.OrderID(mchID, req.TransactionID); err != nil {
				return err
			}
			if no == "" || (req.OutTradeNo != "" && req.OutTradeNo != no) {
				return refuse(404, "RESOURCE_NOT_EXISTS", "订单不存在："+req.TransactionID)
			}
		}
		o, err := t.Order(mchID, no)
		switch {
		case err != nil:
			return err
		case o == nil:
			return refuse(404, "RESOURCE_NOT_EXISTS", "订单不存在："+no)
		case !o.paid():
			o.expire(now)
			return refuse(404, "RESOURCE_NOT_EXISTS", "订单未支付，不能退款："+no+"（"+o.TradeState+"）")
		case req.Amount.Total != o.Total:
			return refuse(400, "INVALID_REQUEST", "订单金额与原订单不一致")
		case req.Amount.Refund > o.Total-o.Refunded:
			return refuse(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
		case o.Refunds >= maxRefunds:
			return refuse(400, "INVALID_REQUEST", "订单的退款次数已达上限（50次）")
		}
		r = &Refund{
			MchID: mchID, OutRefundNo: req.OutRefundNo, RefundID: "50" + gateway.RandomFrom(gateway.Digits, 27),
			OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, Status: RefundProcessing,
			Amount: req.Amount.Refund, Total: o.Total, PayerTotal: o.PayerTotal, Currency: o.Currency,
			Reason: req.Reason, NotifyURL: req.NotifyURL, CreateTime: now, Body: canon,
		}
		if r.NotifyURL == "" {
			r.NotifyURL = o.NotifyURL
		}
		if e.cfg.RefundDelay > 0 {
			r.DueTime = now.Add(e.cfg.RefundDelay)
		}
		o.TradeState = TradeRefund
		o.Refunded += r.Amount
		o.Refunds++
		if err := t.PutOrder(o); err != nil {
			return err
		}
		view = r.View()
		return t.PutRefund(r)
	})
	if err != nil {
		return nil, 0, err
	}
	e.poke()
	return view, http.StatusOK, nil
}

func (e *Engine) queryRefund(rt *gateway.Route, _ url.Values, _ []byte) (any, int, error) {
	no := rt.PathParams["out_refund_no"]
	var view any
	err := e.store.View(func(t Tx) error {
		r, err := t.Refund(e.cfg.MchID, no)
		switch {
		case err != nil:
			return err
		case r == nil:
			return refuse(404, "RESOURCE_NOT_EXISTS", "退款单不存在："+no)
		}
		view = r.View()
		return nil
	})
	return view, http.StatusOK, err
}

// PayOptions are the details of a simulated payment.
type PayOptions struct {
	OpenID   string `json:"openid,omitempty"`    // default: the JSAPI payer, else a random openid
	BankType string `json:"bank_type,omitempty"` // default OTHERS
}

// Pay simulates the user paying the merchant's order outTradeNo: NOTPAY
// becomes SUCCESS with a transaction_id, and TRANSACTION.SUCCESS is queued
// to its notify_url. The error is a *gateway.Error (404 ORDER_NOT_EXIST,
// 409 for an order that cannot be paid) or a store failure.
func (e *Engine) Pay(outTradeNo string, opts PayOptions) (*Order, error) {
	now := e.now()
	return e.act(outTradeNo, func(t Tx, o *Order) error {
		if o.TradeState != TradeNotPay {
			return refuse(409, "ORDER_NOT_PAYABLE", "order "+outTradeNo+" is "+o.TradeState+", not NOTPAY")
		}
		o.TradeState = TradeSuccess
		o.TransactionID = "42" + gateway.RandomFrom(gateway.Digits, 26)
		o.SuccessTime = now
		o.PayerTotal = o.Total
		o.BankType = opts.BankType
		if o.BankType == "" {
			o.BankType = "OTHERS"
		}
		if opts.OpenID != "" {
			o.PayerOpenID = opts.OpenID
		} else if o.PayerOpenID == "" {
			o.PayerOpenID = "oSandbox" + gateway.RandomString(20)
		}
		if err := t.PutOrder(o); err != nil {
			return err
		}
		return t.Notify(Notification{Queue: orderQueue(o), URL: o.NotifyURL, EventType: EventTransactionSuccess,
			Created: now, Plaintext: mustJSON(o.Transaction())})
	})
}

// PayError simulates a failed payment: NOTPAY becomes PAYERROR (no
// notification: WeChat Pay sends TRANSACTION.SUCCESS only).
func (e *Engine) PayError(outTradeNo string) (*Order, error) {
	return e.act(outTradeNo, func(t Tx, o *Order) error {
		if o.TradeState != TradeNotPay {
			return refuse(409, "ORDER_NOT_PAYABLE", "order "+outTradeNo+" is "+o.TradeState+", not NOTPAY")
		}
		o.TradeState = TradePayError
		return t.PutOrder(o)
	})
}

// act changes the merchant's order outTradeNo in one transaction. An
// order whose time_expire has passed is stored CLOSED and refused with 409
// ORDER_NOT_PAYABLE instead.
func (e *Engine) act(outTradeNo string, fn func(Tx, *Order) error) (*Order, error) {
	var out *Order
	var expired bool
	err := e.store.Update(func(t Tx) error {
		o, err := t.Order(e.cfg.MchID, outTradeNo)
		if err != nil {
			return err
		}
		if o == nil {
			return orderNotExist(outTradeNo)
		}
		out, expired = o, o.expire(e.now())
		if expired {
			return t.PutOrder(o)
		}
		return fn(t, o)
	})
	if err != nil {
		return nil, asError(err)
	}
	if expired {
		return nil, &gateway.Error{Status: 409, Code: "ORDER_NOT_PAYABLE",
			Message: "order " + outTradeNo + " expired at its time_expire " + wireTime(out.TimeExpire) + ": CLOSED"}
	}
	return out, nil
}

// FinishRefund settles the merchant's PROCESSING refund outRefundNo as
// status (SUCCESS, ABNORMAL or CLOSED) and queues its notification; a
// CLOSED refund gives its amount back to the order's refundable amount.
func (e *Engine) FinishRefund(outRefundNo, status string) (*Refund, error) {
	switch status {
	case RefundSuccess, RefundAbnormal, RefundClosed:
	default:
		return nil, &gateway.Error{Status: 400, Code: "PARAM_ERROR", Message: "status must be SUCCESS, ABNORMAL or CLOSED, not " + status}
	}
	var out *Refund
	err := e.store.Update(func(t Tx) error {
		r, err := e.finish(t, e.cfg.MchID, outRefundNo, status)
		out = r
		return err
	})
	if err != nil {
		return nil, asError(err)
	}
	return out, nil
}

func (e *Engine) finish(t Tx, mchID, outRefundNo, status string) (*Refund, error) {
	r, err := t.Refund(mchID, outRefundNo)
	switch {
	case err != nil:
		return nil, err
	case r == nil:
		return nil, refuse(404, "RESOURCE_NOT_EXISTS", "unknown out_refund_no "+outRefundNo)
	case r.Status != RefundProcessing:
		return nil, refuse(409, "REFUND_NOT_PROCESSING", "refund "+outRefundNo+" is already "+r.Status)
	}
	now := e.now()
	r.Status = status
	if status == RefundSuccess {
		r.SuccessTime = now
	}
	if status == RefundClosed {
		o, err := t.Order(mchID, r.OutTradeNo)
		if err != nil {
			return nil, err
		}
		if o != nil {
			o.Refunded -= r.Amount
			if err := t.PutOrder(o); err != nil {
				return nil, err
			}
		}
	}
	if err := t.PutRefund(r); err != nil {
		return nil, err
	}
	event := map[string]string{RefundSuccess: EventRefundSuccess, RefundAbnormal: EventRefundAbnormal, RefundClosed: EventRefundClosed}[status]
	err = t.Notify(Notification{Queue: "order/" + mchID + "/" + r.OutTradeNo, URL: r.NotifyURL, EventType: event,
		Created: now, Plaintext: mustJSON(r.Resource())})
	return r, err
}

// Order returns the merchant's order outTradeNo as of now (nil, nil when
// there is none).
func (e *Engine) Order(outTradeNo string) (*Order, error) {
	var out *Order
	err := e.store.View(func(t Tx) error {
		o, err := t.Order(e.cfg.MchID, outTradeNo)
		if o != nil {
			o.expire(e.now())
		}
		out = o
		return err
	})
	return out, err
}

// Refund returns the merchant's refund outRefundNo (nil, nil when there is
// none).
func (e *Engine) Refund(outRefundNo string) (*Refund, error) {
	var out *Refund
	err := e.store.View(func(t Tx) error {
		r, err := t.Refund(e.cfg.MchID, outRefundNo)
		out = r
		return err
	})
	return out, err
}

// SettleDue settles as SUCCESS every refund due by now; it returns the
// next due time (zero when none).
func (e *Engine) SettleDue() (time.Time, error) {
	var next time.Time
	err := e.store.Update(func(t Tx) error {
		due, n, err := t.DueRefunds(e.now())
		if err != nil {
			return err
		}
		next = n
		for _, k := range due {
			if _, err := e.finish(t, k.MchID, k.OutRefundNo, RefundSuccess); err != nil {
				return err
			}
		}
		return nil
	})
	return next, err
}

// RunSettler settles refunds as they fall due (Config.RefundDelay) until
// ctx ends; logf reports store failures.
func (e *Engine) RunSettler(ctx context.Context, logf func(string, ...any)) {
	for {
		next, err := e.SettleDue()
		wait := time.Hour
		switch {
		case err != nil:
			logf("payments: settling refunds: %v", err)
			wait = time.Second
		case !next.IsZero():
			wait = max(next.Sub(e.now()), time.Millisecond)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-e.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// poke wakes the settler (a refund with a due time was made).
func (e *Engine) poke() {
	if e.cfg.RefundDelay <= 0 {
		return
	}
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func orderQueue(o *Order) string { return "order/" + o.MchID + "/" + o.OutTradeNo }

// asError is the error of a control action: the refusal's *gateway.Error,
// or the store's error.
func asError(err error) error {
	var r refusal
	if errors.As(err, &r) {
		return r.e
	}
	return err
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("payments: encoding: " + err.Error())
	}
	return bytes.TrimSpace(b.Bytes())
}
