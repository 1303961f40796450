package wechatpay

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"
)

func TestGoTypes(t *testing.T) {
	p := PriceTag{Amount: *big.NewFloat(1.5), At: &time.Time{}, Raw: &[]byte{1}, Caption: new(string)}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	var back PriceTag
	if err := json.Unmarshal([]byte(`{"amount":"2.25","at":"2020-01-02T03:04:05Z","label":"c"}`), &back); err != nil {
		t.Fatal(err)
	}
	if f, _ := back.Amount.Float64(); f != 2.25 || back.At.Year() != 2020 || *back.Caption != "c" {
		t.Errorf("got %+v", back)
	}
}
