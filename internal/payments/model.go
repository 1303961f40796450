package payments

import (
	"encoding/json"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Trade states (trade_state).
const (
	TradeNotPay   = "NOTPAY"
	TradeSuccess  = "SUCCESS"
	TradeRefund   = "REFUND"
	TradeClosed   = "CLOSED"
	TradePayError = "PAYERROR"
)

// Refund states (status; refund_status in the notifications).
const (
	RefundProcessing = "PROCESSING"
	RefundSuccess    = "SUCCESS"
	RefundAbnormal   = "ABNORMAL"
	RefundClosed     = "CLOSED"
)

// Event types of the notifications.
const (
	EventTransactionSuccess = "TRANSACTION.SUCCESS"
	EventRefundSuccess      = "REFUND.SUCCESS"
	EventRefundAbnormal     = "REFUND.ABNORMAL"
	EventRefundClosed       = "REFUND.CLOSED"
)

// Summaries are the summary of each notification, as WeChat Pay writes it.
var Summaries = map[string]string{
	EventTransactionSuccess: "支付成功",
	EventRefundSuccess:      "退款成功",
	EventRefundAbnormal:     "退款异常",
	EventRefundClosed:       "退款关闭",
}

var tradeStateDesc = map[string]string{
	TradeNotPay:   "未支付",
	TradeSuccess:  "支付成功",
	TradeRefund:   "转入退款",
	TradeClosed:   "已关闭",
	TradePayError: "支付失败，请重新下单支付",
}

// Order is a payment order as stored.
type Order struct {
	MchID       string `json:"mchid"`
	AppID       string `json:"appid"`
	OutTradeNo  string `json:"out_trade_no"`
	TradeType   string `json:"trade_type"` // JSAPI, APP, MWEB (H5), NATIVE
	TradeState  string `json:"trade_state"`
	Description string `json:"description"`
	Attach      string `json:"attach,omitempty"`
	NotifyURL   string `json:"notify_url"`
	Total       int64  `json:"total"` // 分
	Currency    string `json:"currency"`
	// PayerOpenID is the payer.openid of a JSAPI prepay, else who paid.
	PayerOpenID string    `json:"payer_openid,omitempty"`
	TimeExpire  time.Time `json:"time_expire,omitzero"` // zero: never expires
	CreateTime  time.Time `json:"create_time"`

	// The prepay answer: prepay_id (JSAPI, App), code_url (Native), h5_url (H5).
	PrepayID string `json:"prepay_id,omitempty"`
	CodeURL  string `json:"code_url,omitempty"`
	H5URL    string `json:"h5_url,omitempty"`

	// Set once paid.
	TransactionID string    `json:"transaction_id,omitempty"`
	BankType      string    `json:"bank_type,omitempty"`
	SuccessTime   time.Time `json:"success_time,omitzero"`
	PayerTotal    int64     `json:"payer_total,omitempty"`

	// Refunded is what the refunds not CLOSED take from the total; Refunds
	// counts the refunds made.
	Refunded int64 `json:"refunded,omitempty"`
	Refunds  int   `json:"refunds,omitempty"`

	// Body is the prepay request in canonical JSON (sorted keys, no
	// spaces): a repeated prepay is the same order when its body is this.
	Body json.RawMessage `json:"body"`
}

// expire closes o when its time_expire has passed unpaid; it reports
// whether it changed o.
func (o *Order) expire(now time.Time) bool {
	if o.TradeState == TradeNotPay && !o.TimeExpire.IsZero() && !now.Before(o.TimeExpire) {
		o.TradeState = TradeClosed
		return true
	}
	return false
}

func (o *Order) paid() bool { return o.TradeState == TradeSuccess || o.TradeState == TradeRefund }

// Refund is a refund as stored.
type Refund struct {
	MchID         string `json:"mchid"`
	OutRefundNo   string `json:"out_refund_no"`
	RefundID      string `json:"refund_id"`
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	Status        string `json:"status"`
	Amount        int64  `json:"refund"` // 分
	Total         int64  `json:"total"`  // the order's total
	PayerTotal    int64  `json:"payer_total"`
	Currency      string `json:"currency"`
	Reason        string `json:"reason,omitempty"`
	// NotifyURL is where its notification goes: the refund's notify_url,
	// else the order's.
	NotifyURL   string    `json:"notify_url"`
	CreateTime  time.Time `json:"create_time"`
	SuccessTime time.Time `json:"success_time,omitzero"`
	// DueTime is when a PROCESSING refund succeeds by itself (zero: only
	// FinishRefund settles it).
	DueTime time.Time       `json:"due_time,omitzero"`
	Body    json.RawMessage `json:"body"`
}

const userReceivedAccount = "支付用户零钱"

// Wire shapes (spec: Transaction, Refund, RefundResource).

func wireTime(t time.Time) string { return t.In(gateway.Beijing).Format(time.RFC3339) }

type transactionView struct {
	AppID          string           `json:"appid"`
	MchID          string           `json:"mchid"`
	OutTradeNo     string           `json:"out_trade_no"`
	TransactionID  string           `json:"transaction_id,omitempty"`
	TradeType      string           `json:"trade_type,omitempty"`
	TradeState     string           `json:"trade_state"`
	TradeStateDesc string           `json:"trade_state_desc"`
	BankType       string           `json:"bank_type,omitempty"`
	Attach         string           `json:"attach,omitempty"`
	SuccessTime    string           `json:"success_time,omitempty"`
	Payer          *payerView       `json:"payer,omitempty"`
	Amount         *transactionAmnt `json:"amount,omitempty"`
}

type payerView struct {
	OpenID string `json:"openid,omitempty"`
}

type transactionAmnt struct {
	Total         int64  `json:"total"`
	PayerTotal    *int64 `json:"payer_total,omitempty"`
	Currency      string `json:"currency"`
	PayerCurrency string `json:"payer_currency,omitempty"`
}

// Transaction is o as the order queries answer it and TRANSACTION.SUCCESS
// carries it.
func (o *Order) Transaction() any {
	v := &transactionView{
		AppID: o.AppID, MchID: o.MchID, OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID,
		TradeType: o.TradeType, TradeState: o.TradeState, TradeStateDesc: tradeStateDesc[o.TradeState],
		BankType: o.BankType, Attach: o.Attach,
		Amount: &transactionAmnt{Total: o.Total, Currency: o.Currency},
	}
	if o.paid() {
		v.SuccessTime = wireTime(o.SuccessTime)
		pt := o.PayerTotal
		v.Amount.PayerTotal, v.Amount.PayerCurrency = &pt, o.Currency
	}
	if o.PayerOpenID != "" {
		v.Payer = &payerView{OpenID: o.PayerOpenID}
	}
	return v
}

type refundView struct {
	RefundID            string     `json:"refund_id"`
	OutRefundNo         string     `json:"out_refund_no"`
	TransactionID       string     `json:"transaction_id"`
	OutTradeNo          string     `json:"out_trade_no"`
	Channel             string     `json:"channel"`
	UserReceivedAccount string     `json:"user_received_account"`
	SuccessTime         string     `json:"success_time,omitempty"`
	CreateTime          string     `json:"create_time"`
	Status              string     `json:"status"`
	FundsAccount        string     `json:"funds_account"`
	Amount              refundAmnt `json:"amount"`
}

type refundAmnt struct {
	Total            int64  `json:"total"`
	Refund           int64  `json:"refund"`
	PayerTotal       int64  `json:"payer_total"`
	PayerRefund      int64  `json:"payer_refund"`
	SettlementRefund int64  `json:"settlement_refund"`
	SettlementTotal  int64  `json:"settlement_total"`
	DiscountRefund   int64  `json:"discount_refund"`
	Currency         string `json:"currency"`
}

// View is r as createRefund and the refund query answer it.
func (r *Refund) View() any {
	v := &refundView{
		RefundID: r.RefundID, OutRefundNo: r.OutRefundNo, TransactionID: r.TransactionID, OutTradeNo: r.OutTradeNo,
		Channel: "ORIGINAL", UserReceivedAccount: userReceivedAccount, CreateTime: wireTime(r.CreateTime),
		Status: r.Status, FundsAccount: "AVAILABLE",
		Amount: refundAmnt{Total: r.Total, Refund: r.Amount, PayerTotal: r.PayerTotal, PayerRefund: r.Amount,
			SettlementRefund: r.Amount, SettlementTotal: r.Total, Currency: r.Currency},
	}
	if r.Status == RefundSuccess {
		v.SuccessTime = wireTime(r.SuccessTime)
	}
	return v
}

type refundResource struct {
	MchID               string        `json:"mchid"`
	OutTradeNo          string        `json:"out_trade_no"`
	TransactionID       string        `json:"transaction_id"`
	OutRefundNo         string        `json:"out_refund_no"`
	RefundID            string        `json:"refund_id"`
	RefundStatus        string        `json:"refund_status"`
	SuccessTime         string        `json:"success_time,omitempty"`
	UserReceivedAccount string        `json:"user_received_account"`
	Amount              resourceAmont `json:"amount"`
}

type resourceAmont struct {
	Total       int64 `json:"total"`
	Refund      int64 `json:"refund"`
	PayerTotal  int64 `json:"payer_total"`
	PayerRefund int64 `json:"payer_refund"`
}

// Resource is r as its notification carries it.
func (r *Refund) Resource() any {
	v := &refundResource{
		MchID: r.MchID, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID, OutRefundNo: r.OutRefundNo,
		RefundID: r.RefundID, RefundStatus: r.Status, UserReceivedAccount: userReceivedAccount,
		Amount: resourceAmont{Total: r.Total, Refund: r.Amount, PayerTotal: r.PayerTotal, PayerRefund: r.Amount},
	}
	if r.Status == RefundSuccess {
		v.SuccessTime = wireTime(r.SuccessTime)
	}
	return v
}
