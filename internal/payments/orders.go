package payments

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// prepayRequest is what the rules read of a prepay body; the body itself
// is kept as sent, to compare a repeat with.
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
