package wechatpay

import (
	"encoding/json"
	"testing"
)

func TestReadOnlyIsNotRequired(t *testing.T) {
	a := Account{Name: "n", Password: "p"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(a)
	if string(b) != `{"name":"n","password":"p"}` {
		t.Errorf("got %s", b)
	}
	a.ID = new(string) // even a bad read-only value is the server's business
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
}
