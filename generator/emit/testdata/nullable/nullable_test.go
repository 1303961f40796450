package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestNullDecodesToNil(t *testing.T) {
	n := Note{Text: apiv3.Ptr("x"), Count: apiv3.Ptr(int64(1))}
	if err := json.Unmarshal([]byte(`{"text":null,"count":null,"author":null,"tags":null}`), &n); err != nil {
		t.Fatal(err)
	}
	if n.Text != nil || n.Count != nil || n.Author != nil || n.Tags != nil {
		t.Errorf("got %+v", n)
	}
}

func TestNilIsNeverSent(t *testing.T) {
	b, err := json.Marshal(Note{})
	if err != nil || string(b) != `{}` {
		t.Errorf("got %s, %v", b, err)
	}
	var ve *apiv3.ValidationError
	if !errors.As((&Note{}).Validate(), &ve) || len(ve.Violations) != 2 {
		t.Fatalf("a nil required nullable field must be reported: %v", (&Note{}).Validate())
	}
}
