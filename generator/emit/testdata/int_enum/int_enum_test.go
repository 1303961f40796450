package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestIntegerEnum(t *testing.T) {
	if PriorityHigh != 2 || TicketLevel20 != 20 || !PriorityLow.Valid() || Priority(3).Valid() {
		t.Error("constants or Valid wrong")
	}
	var tk Ticket
	if err := json.Unmarshal([]byte(`{"priority":7,"level":10}`), &tk); err != nil {
		t.Fatal(err) // unknown values decode
	}
	if tk.Priority != 7 || *tk.Level != TicketLevel10 {
		t.Errorf("got %+v", tk)
	}
	var ve *apiv3.ValidationError
	if !errors.As(tk.Validate(), &ve) || len(ve.Violations) != 1 || ve.Violations[0].Message != "must be one of 1, 2" {
		t.Fatalf("got %v", tk.Validate())
	}
	b, _ := json.Marshal(Ticket{Priority: PriorityLow})
	if string(b) != `{"priority":1}` {
		t.Errorf("got %s", b)
	}
}
