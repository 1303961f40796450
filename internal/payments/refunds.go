package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// refundRequest is what the rules read of a refund body.
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
