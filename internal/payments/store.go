package payments

import (
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Store keeps orders and refunds. Update runs fn in one transaction: when
// fn returns an error nothing it wrote is kept (and the error is returned
// as it is); otherwise its writes and its notifications are committed
// together before Update returns, and the notifications are then sent.
// fn may run more than once (bbolt's Batch), so it must set its results
// afresh each time.
type Store interface {
	Update(fn func(Tx) error) error
	View(fn func(Tx) error) error
}

// Tx is one transaction of a Store. Getters return nil, nil for what does
// not exist.
type Tx interface {
	Order(mchID, outTradeNo string) (*Order, error)
	// OrderID is the out_trade_no of the order with transactionID ("" for
	// none).
	OrderID(mchID, transactionID string) (string, error)
	// PutOrder stores o and indexes its transaction_id.
	PutOrder(o *Order) error
	Refund(mchID, outRefundNo string) (*Refund, error)
	// PutRefund stores r and keeps the index of refunds due to settle by
	// themselves (PROCESSING with a DueTime).
	PutRefund(r *Refund) error
	// DueRefunds lists the refunds due at or before t (mchid and
	// out_refund_no), earliest first, and the next due time after t (zero
	// when none).
	DueRefunds(t time.Time) (due []RefundKey, next time.Time, err error)
	// Notify queues a notification: queue orders those of one order.
	Notify(n Notification) error
}

// RefundKey names a refund.
type RefundKey struct{ MchID, OutRefundNo string }

// Notification is a notification a change causes, before encryption.
type Notification struct {
	Queue     string // one per order: its notifications arrive in order
	URL       string
	EventType string
	Created   time.Time
	Plaintext []byte // the resource, JSON
}

// refusal carries a WeChat Pay error answer out of a transaction.
type refusal struct{ e *gateway.Error }

func (r refusal) Error() string { return r.e.Error() }

func refuse(status int, code, msg string) error {
	return refusal{&gateway.Error{Status: status, Code: code, Message: msg}}
}

// answerOf splits the outcome of a transaction: the business refusal, or
// 500 SYSTEM_ERROR for a store failure (logged by the caller's Store).
func answerOf(err error) *gateway.Error {
	var r refusal
	switch {
	case err == nil:
		return nil
	case errors.As(err, &r):
		return r.e
	}
	return &gateway.Error{Status: 500, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}
}

// MemStore is a Store in memory (the test kit's). Deliver, when set, gets
// the notifications of each committed Update, after the commit, on the
// caller's goroutine. Its zero value is ready.
type MemStore struct {
	Deliver func([]Notification)

	mu      sync.Mutex
	orders  map[string]*Order
	txIDs   map[string]string
	refunds map[string]*Refund
}

type memTx struct {
	s       *MemStore
	orders  map[string]*Order
	txIDs   map[string]string
	refunds map[string]*Refund
	notes   []Notification
	write   bool
}

func key(a, b string) string { return a + "\x00" + b }

// Update implements Store: writes are buffered and applied only when fn
// succeeds.
func (s *MemStore) Update(fn func(Tx) error) error {
	s.mu.Lock()
	t := &memTx{s: s, orders: map[string]*Order{}, txIDs: map[string]string{}, refunds: map[string]*Refund{}, write: true}
	if err := fn(t); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.orders == nil {
		s.orders, s.txIDs, s.refunds = map[string]*Order{}, map[string]string{}, map[string]*Refund{}
	}
	maps.Copy(s.orders, t.orders)
	maps.Copy(s.txIDs, t.txIDs)
	maps.Copy(s.refunds, t.refunds)
	deliver := s.Deliver
	s.mu.Unlock()
	if deliver != nil && len(t.notes) > 0 {
		deliver(t.notes)
	}
	return nil
}

// Clear forgets every order and refund.
func (s *MemStore) Clear() {
	s.mu.Lock()
	s.orders, s.txIDs, s.refunds = nil, nil, nil
	s.mu.Unlock()
}

// View implements Store.
func (s *MemStore) View(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&memTx{s: s})
}

func (t *memTx) Order(mchID, no string) (*Order, error) {
	o := t.orders[key(mchID, no)]
	if o == nil {
		o = t.s.orders[key(mchID, no)]
	}
	if o == nil {
		return nil, nil
	}
	c := *o
	return &c, nil
}

func (t *memTx) OrderID(mchID, id string) (string, error) {
	if no, ok := t.txIDs[key(mchID, id)]; ok {
		return no, nil
	}
	return t.s.txIDs[key(mchID, id)], nil
}

func (t *memTx) PutOrder(o *Order) error {
	c := *o
	t.orders[key(o.MchID, o.OutTradeNo)] = &c
	if o.TransactionID != "" {
		t.txIDs[key(o.MchID, o.TransactionID)] = o.OutTradeNo
	}
	return nil
}

func (t *memTx) Refund(mchID, no string) (*Refund, error) {
	r := t.refunds[key(mchID, no)]
	if r == nil {
		r = t.s.refunds[key(mchID, no)]
	}
	if r == nil {
		return nil, nil
	}
	c := *r
	return &c, nil
}

func (t *memTx) PutRefund(r *Refund) error {
	c := *r
	t.refunds[key(r.MchID, r.OutRefundNo)] = &c
	return nil
}

// DueRefunds scans every refund: the kit holds few.
func (t *memTx) DueRefunds(at time.Time) ([]RefundKey, time.Time, error) {
	all := maps.Clone(t.s.refunds)
	maps.Copy(all, t.refunds)
	var due []*Refund
	var next time.Time
	for _, r := range all {
		if r.Status != RefundProcessing || r.DueTime.IsZero() {
			continue
		}
		if !r.DueTime.After(at) {
			due = append(due, r)
		} else if next.IsZero() || r.DueTime.Before(next) {
			next = r.DueTime
		}
	}
	slices.SortFunc(due, func(a, b *Refund) int { return a.DueTime.Compare(b.DueTime) })
	keys := make([]RefundKey, len(due))
	for i, r := range due {
		keys[i] = RefundKey{r.MchID, r.OutRefundNo}
	}
	return keys, next, nil
}

func (t *memTx) Notify(n Notification) error {
	t.notes = append(t.notes, n)
	return nil
}

// IsRefusal reports whether err is a business answer from inside a
// transaction (not a store failure).
func IsRefusal(err error) bool {
	var r refusal
	return errors.As(err, &r)
}
