package payments

import (
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// TestMemStoreKeepsNothingOfARefusedChange: a transaction that fails
// leaves no write and sends no notification; one that succeeds delivers
// its notifications after the commit.
func TestMemStoreKeepsNothingOfARefusedChange(t *testing.T) {
	var sent []Notification
	st := &MemStore{Deliver: func(ns []Notification) { sent = append(sent, ns...) }}
	boom := errors.New("boom")
	err := st.Update(func(t Tx) error {
		t.PutOrder(&Order{MchID: "m", OutTradeNo: "T", TransactionID: "X"})
		t.Notify(Notification{EventType: EventTransactionSuccess})
		return boom
	})
	if err != boom {
		t.Fatalf("err = %v", err)
	}
	st.View(func(tx Tx) error {
		if o, _ := tx.Order("m", "T"); o != nil {
			t.Errorf("a refused change left %+v", o)
		}
		if no, _ := tx.OrderID("m", "X"); no != "" {
			t.Errorf("a refused change left the index %s", no)
		}
		return nil
	})
	if len(sent) != 0 {
		t.Errorf("a refused change sent %v", sent)
	}
	st.Update(func(t Tx) error {
		t.PutOrder(&Order{MchID: "m", OutTradeNo: "T"})
		return t.Notify(Notification{EventType: EventTransactionSuccess})
	})
	if len(sent) != 1 {
		t.Errorf("sent %v", sent)
	}
}

// TestRefundsAreCountedAgainstTheTotal: refunds in PROCESSING, SUCCESS and
// ABNORMAL use up the total, a CLOSED one gives it back; the order is
// REFUND from the first refund on.
func TestRefundsAreCountedAgainstTheTotal(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := New(&MemStore{}, Config{MchID: "m", Clock: func() time.Time { return now }})
	prepay := &gateway.Route{OperationID: "nativePrepay"}
	body := `{"appid":"a","mchid":"m","description":"d","out_trade_no":"T","notify_url":"http://127.0.0.1/n","amount":{"total":10}}`
	if a := e.Serve(prepay, nil, []byte(body)); a.Status != 200 {
		t.Fatalf("prepay: %d %s", a.Status, a.Body)
	}
	if _, err := e.Pay("T", PayOptions{}); err != nil {
		t.Fatal(err)
	}
	refund := func(no string, amount int) int {
		b := `{"out_trade_no":"T","out_refund_no":"` + no + `","amount":{"refund":` + strconv.Itoa(amount) + `,"total":10,"currency":"CNY"}}`
		return e.Serve(&gateway.Route{OperationID: "createRefund"}, url.Values{}, []byte(b)).Status
	}
	steps := []struct {
		no     string
		amount int
		status int
		finish string
	}{
		{"R1", 4, 200, RefundAbnormal}, {"R2", 6, 200, RefundClosed}, {"R3", 7, 400, ""}, {"R3", 6, 200, ""}, {"R4", 1, 400, ""},
	}
	for _, s := range steps {
		if got := refund(s.no, s.amount); got != s.status {
			t.Errorf("refund %s of %d: %d, want %d", s.no, s.amount, got, s.status)
		}
		if s.finish != "" {
			if _, err := e.FinishRefund(s.no, s.finish); err != nil {
				t.Fatal(err)
			}
		}
	}
	if o, _ := e.Order("T"); o.TradeState != TradeRefund || o.Refunded != 10 || o.Refunds != 3 {
		t.Errorf("order %+v", o)
	}
}
