package sandbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/payments"
)

// The payment core's state machines (internal/payments, shared with the
// test kit) keep their orders and refunds in the sandbox's store, their
// notifications in its outbox:
//
//	orders      mchid 0x00 out_trade_no                 -> payments.Order
//	txids       mchid 0x00 transaction_id               -> out_trade_no
//	refunds     mchid 0x00 out_refund_no                -> payments.Refund
//	refund_due  due(8, Unix ns) mchid 0x00 out_refund_no -> ""  (PROCESSING refunds that settle by themselves)
var (
	bucketOrders    = []byte("orders")
	bucketTxIDs     = []byte("txids")
	bucketRefunds   = []byte("refunds")
	bucketRefundDue = []byte("refund_due")
)

// paymentStore is the bbolt Store of internal/payments.
type paymentStore struct{ s *Server }

// Update runs fn in one write transaction (shared with concurrent changes,
// as Server.update does) and, once committed, hands its notifications to
// the notifier.
func (p paymentStore) Update(fn func(payments.Tx) error) error {
	var last *paymentTx
	err := p.s.store.db.Batch(func(b *bolt.Tx) error {
		last = &paymentTx{t: &tx{b: b, idBase: p.s.store.idBase}}
		return fn(last)
	})
	if err != nil {
		var ge *gateway.Error
		if !payments.IsRefusal(err) && !errors.As(err, &ge) {
			p.s.cfg.Logf("sandbox: storing a change in %s: %v", p.s.store.path, err)
		}
		return err
	}
	p.s.notifier.push(last.t.enqueued)
	return nil
}

// View runs fn in a read transaction.
func (p paymentStore) View(fn func(payments.Tx) error) error {
	return p.s.store.db.View(func(b *bolt.Tx) error { return fn(&paymentTx{t: &tx{b: b}}) })
}

type paymentTx struct{ t *tx }

func payKey(a, b string) []byte { return append(append([]byte(a), 0), b...) }

func (p *paymentTx) Order(mchID, no string) (*payments.Order, error) {
	var o payments.Order
	ok, err := getJSON(p.t.b, bucketOrders, string(payKey(mchID, no)), &o)
	if !ok || err != nil {
		return nil, err
	}
	return &o, nil
}

func (p *paymentTx) OrderID(mchID, id string) (string, error) {
	return string(p.t.b.Bucket(bucketTxIDs).Get(payKey(mchID, id))), nil
}

func (p *paymentTx) PutOrder(o *payments.Order) error {
	if o.TransactionID != "" {
		if err := p.t.b.Bucket(bucketTxIDs).Put(payKey(o.MchID, o.TransactionID), []byte(o.OutTradeNo)); err != nil {
			return err
		}
	}
	return putJSON(p.t.b, bucketOrders, payKey(o.MchID, o.OutTradeNo), o)
}

func (p *paymentTx) Refund(mchID, no string) (*payments.Refund, error) {
	var r payments.Refund
	ok, err := getJSON(p.t.b, bucketRefunds, string(payKey(mchID, no)), &r)
	if !ok || err != nil {
		return nil, err
	}
	return &r, nil
}

func dueKey(r *payments.Refund) []byte {
	return append(be64(uint64(r.DueTime.UnixNano())), payKey(r.MchID, r.OutRefundNo)...)
}

func (p *paymentTx) PutRefund(r *payments.Refund) error {
	due := p.t.b.Bucket(bucketRefundDue)
	old, err := p.Refund(r.MchID, r.OutRefundNo)
	if err != nil {
		return err
	}
	if old != nil && !old.DueTime.IsZero() {
		if err := due.Delete(dueKey(old)); err != nil {
			return err
		}
	}
	if r.Status == payments.RefundProcessing && !r.DueTime.IsZero() {
		if err := due.Put(dueKey(r), nil); err != nil {
			return err
		}
	}
	return putJSON(p.t.b, bucketRefunds, payKey(r.MchID, r.OutRefundNo), r)
}

func (p *paymentTx) DueRefunds(at time.Time) ([]payments.RefundKey, time.Time, error) {
	var due []payments.RefundKey
	c := p.t.b.Bucket(bucketRefundDue).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < 8 {
			continue
		}
		t := time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])))
		if t.After(at) {
			return due, t, nil
		}
		mchID, no, _ := bytes.Cut(k[8:], []byte{0})
		due = append(due, payments.RefundKey{MchID: string(mchID), OutRefundNo: string(no)})
	}
	return due, time.Time{}, nil
}

func (p *paymentTx) Notify(n payments.Notification) error {
	return p.t.enqueue(n.Queue, n.URL, n.EventType, n.Created, n.Plaintext)
}

// startPayments sets up the payment core and its settler, which settles
// refunds as they fall due (Config.RefundDelay), those of an earlier run
// included.
func (s *Server) startPayments() {
	s.payments = payments.New(paymentStore{s}, payments.Config{
		MchID: s.cfg.MchID, Clock: s.cfg.Clock, RefundDelay: s.cfg.RefundDelay, CheckNotifyURL: checkNotifyURL,
	})
	s.playPayments = payments.Playable(func(id string) bool { return s.front.Router.Operation(id) != nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.payments.RunSettler(ctx, s.cfg.Logf)
	}()
	s.stopSettler = func() { cancel(); <-done }
}

// Pay simulates the user paying the order out_trade_no: it becomes
// SUCCESS and TRANSACTION.SUCCESS is sent to its notify_url. It returns the
// order as the order query shows it.
func (s *Server) Pay(outTradeNo string, opts payments.PayOptions) (json.RawMessage, error) {
	o, err := s.payments.Pay(outTradeNo, opts)
	return orderAnswer(o, err)
}

// PayError simulates a failed payment: the order becomes PAYERROR.
func (s *Server) PayError(outTradeNo string) (json.RawMessage, error) {
	o, err := s.payments.PayError(outTradeNo)
	return orderAnswer(o, err)
}

// FinishRefund settles the PROCESSING refund out_refund_no as status
// (SUCCESS, ABNORMAL or CLOSED) and sends its notification. It returns the
// refund as the refund query shows it.
func (s *Server) FinishRefund(outRefundNo, status string) (json.RawMessage, error) {
	r, err := s.payments.FinishRefund(outRefundNo, status)
	if err != nil {
		return nil, controlErr(err)
	}
	return mustJSON(r.View()), nil
}

// Order is the order out_trade_no as the order query shows it (404 for
// none).
func (s *Server) Order(outTradeNo string) (json.RawMessage, error) {
	o, err := s.payments.Order(outTradeNo)
	if err == nil && o == nil {
		err = &gateway.Error{Status: http.StatusNotFound, Code: "ORDER_NOT_EXIST", Message: "unknown out_trade_no " + outTradeNo}
	}
	return orderAnswer(o, err)
}

// Refund is the refund out_refund_no as the refund query shows it.
func (s *Server) Refund(outRefundNo string) (json.RawMessage, error) {
	r, err := s.payments.Refund(outRefundNo)
	if err == nil && r == nil {
		err = &gateway.Error{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS", Message: "unknown out_refund_no " + outRefundNo}
	}
	if err != nil {
		return nil, controlErr(err)
	}
	return mustJSON(r.View()), nil
}

func orderAnswer(o *payments.Order, err error) (json.RawMessage, error) {
	if err != nil {
		return nil, controlErr(err)
	}
	return mustJSON(o.Transaction()), nil
}

func controlErr(err error) error {
	var ge *gateway.Error
	if errors.As(err, &ge) {
		return asControlError(ge)
	}
	return err
}
