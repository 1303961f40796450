package gateway_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

func TestParseAuthorization(t *testing.T) {
	a, err := gateway.ParseAuthorization(`WECHATPAY2-SHA256-RSA2048 signature="c2ln", serial_no="S",timestamp="1554208460",nonce_str="N",mchid="1900000109"`)
	want := gateway.Authorization{MchID: "1900000109", NonceStr: "N", Timestamp: "1554208460", SerialNo: "S", Signature: "c2ln"}
	if err != nil || a != want {
		t.Errorf("got %+v, %v", a, err)
	}
	for _, bad := range []string{
		``,
		`WECHATPAY2-SHA256-RSA2048`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="N",timestamp="1",serial_no="S",signature="x",`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="N",timestamp="1",serial_no="S",signature="x",extra="y"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1" nonce_str="N",timestamp="1",serial_no="S",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="N",timestamp="1",serial_no="S",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1",nonce_str="N",timestamp="1",serial_no="S",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="N",timestamp="1",serial_no="S",signature="x"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1,nonce_str="N",timestamp="1",serial_no="S",signature="x`,
		`wechatpay2-sha256-rsa2048 mchid="1",nonce_str="N",timestamp="1",serial_no="S",signature="x"`,
	} {
		_, err := gateway.ParseAuthorization(bad)
		var ae *gateway.AuthError
		if !errors.As(err, &ae) || ae.Field != "authorization" || ae.Message == "" {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="N",signature="c2ln",timestamp="1554208460",serial_no="S"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1", nonce_str="N",timestamp="1",serial_no="S",signature="x"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",,`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid=1`)
	f.Add(`Basic abc`)
	f.Fuzz(func(t *testing.T, s string) {
		a, err := gateway.ParseAuthorization(s)
		if err != nil {
			var ae *gateway.AuthError
			if !errors.As(err, &ae) || ae.Field != "authorization" || ae.Message == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		for _, v := range []string{a.MchID, a.NonceStr, a.Timestamp, a.SerialNo, a.Signature} {
			if v == "" || strings.Contains(v, `"`) {
				t.Fatalf("parsed %q into %+v", s, a)
			}
		}
		// What was parsed, written back canonically, parses to the same.
		b, err := gateway.ParseAuthorization(a.String())
		if err != nil || b != a {
			t.Fatalf("%q: round trip %+v %v", s, b, err)
		}
	})
}
