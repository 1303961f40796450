package wechatpay

import (
	"errors"
	"slices"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func valid() *PayH5Request {
	return &PayH5Request{
		SceneInfo:  PayH5RequestSceneInfo{PayerClientIP: "127.0.0.1", H5Info: H5Info{Type: "Wap"}},
		OutTradeNo: "1234567",
		Kind:       apiv3.Ptr(KindA),
		Amount:     PayH5RequestAmount{Total: 1, PayerTotal: apiv3.Ptr(int64(1))},
	}
}

func rules(t *testing.T, r *PayH5Request) []string {
	t.Helper()
	err := r.Validate()
	if err == nil {
		return nil
	}
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, v := range ve.Violations {
		got = append(got, v.Field+" "+v.Rule)
	}
	return got
}

// The merged property carries both parts' rules: the stricter length of
// each bound and both patterns; the merged objects both parts' members.
func TestMergedRules(t *testing.T) {
	if got := rules(t, valid()); got != nil {
		t.Fatalf("valid request refused: %v", got)
	}
	for _, tc := range []struct {
		edit func(*PayH5Request)
		want string
	}{
		{func(r *PayH5Request) { r.OutTradeNo = "12345" }, "out_trade_no minLength"},
		{func(r *PayH5Request) { r.OutTradeNo = "123456789012345678901234567890123" }, "out_trade_no maxLength"},
		{func(r *PayH5Request) { r.OutTradeNo = "12345a" }, "out_trade_no pattern"},
		{func(r *PayH5Request) { r.OutTradeNo = "123456_" }, "out_trade_no pattern"},
		{func(r *PayH5Request) { r.SceneInfo.PayerClientIP = string(make([]byte, 46)) }, "scene_info.payer_client_ip maxLength"},
		{func(r *PayH5Request) { r.Amount.Total = 0 }, "amount.total minimum"},
		{func(r *PayH5Request) { r.Kind = apiv3.Ptr(Kind("C")) }, "kind enum"},
	} {
		r := valid()
		tc.edit(r)
		if got := rules(t, r); !slices.Contains(got, tc.want) {
			t.Errorf("want %q among %v", tc.want, got)
		}
	}
}
