package gateway_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func TestVerify(t *testing.T) {
	now := time.Unix(1554208460, 0)
	v := &gateway.Verifier{MchID: testkeys.MchID, MerchantSerial: testkeys.MerchantSerial, Key: &merchantKey().PublicKey}
	const target = "/v3/discount-card/cards/a%7Cb?x=1"
	type auth struct {
		mchid, serial, ts, signedTarget, signature, header string
	}
	tests := []struct {
		name   string
		mutate func(*auth)
		body   string
		field  string // "" = accepted
	}{
		{"valid", func(*auth) {}, "", ""},
		{"valid with body", func(*auth) {}, `{"a":1}`, ""},
		{"4 minutes 59 behind", func(a *auth) { a.ts = fmt.Sprint(now.Unix() - 299) }, "", ""},
		{"missing header", func(a *auth) { a.header = "-" }, "", "authorization"},
		{"wrong scheme", func(a *auth) { a.header = `WECHATPAY2-SHA256-RSA mchid="1"` }, "", "authorization"},
		{"wrong mchid", func(a *auth) { a.mchid = "1230000109" }, "", "mchid"},
		{"wrong serial", func(a *auth) { a.serial = testkeys.PlatformSerial }, "", "serial_no"},
		{"lower-case serial", func(a *auth) { a.serial = strings.ToLower(testkeys.MerchantSerial) }, "", "serial_no"},
		{"stale", func(a *auth) { a.ts = fmt.Sprint(now.Unix() - 301) }, "", "timestamp"},
		{"future", func(a *auth) { a.ts = fmt.Sprint(now.Unix() + 301) }, "", "timestamp"},
		{"milliseconds", func(a *auth) { a.ts = fmt.Sprint(now.Unix() * 1000) }, "", "timestamp"},
		{"not a number", func(a *auth) { a.ts = "soon" }, "", "timestamp"},
		{"signed over the decoded target", func(a *auth) { a.signedTarget = "/v3/discount-card/cards/a|b?x=1" }, "", "signature"},
		{"not Base64", func(a *auth) { a.signature = "!!!" }, "", "signature"},
		{"signed by another key", func(a *auth) {
			a.signature = rsaSign(t, platformKey(), fmt.Sprintf("GET\n%s\n%s\nN\n\n", target, a.ts))
		}, "", "signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &auth{mchid: testkeys.MchID, serial: testkeys.MerchantSerial, ts: fmt.Sprint(now.Unix()), signedTarget: target}
			tt.mutate(a)
			if a.signature == "" {
				a.signature = rsaSign(t, merchantKey(), fmt.Sprintf("GET\n%s\n%s\nN\n%s\n", a.signedTarget, a.ts, tt.body))
			}
			r := httptest.NewRequest("GET", target, strings.NewReader(tt.body))
			switch a.header {
			case "":
				r.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="N",timestamp="%s",serial_no="%s",signature="%s"`,
					a.mchid, a.ts, a.serial, a.signature))
			case "-":
			default:
				r.Header.Set("Authorization", a.header)
			}
			err := v.Verify(r, []byte(tt.body), now)
			var ae *gateway.AuthError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.field != "" && (!errors.As(err, &ae) || ae.Field != tt.field || ae.Message == ""):
				t.Fatalf("error %#v, want field %s", err, tt.field)
			}
		})
	}
}

func TestVerifyFoldSerial(t *testing.T) {
	now := time.Now()
	v := &gateway.Verifier{MchID: "1", MerchantSerial: "ABC", FoldSerial: true, Key: &merchantKey().PublicKey}
	r := httptest.NewRequest("GET", "/x", nil)
	ts := fmt.Sprint(now.Unix())
	r.Header.Set("Authorization", gateway.Authorization{MchID: "1", NonceStr: "N", Timestamp: ts, SerialNo: "abc",
		Signature: rsaSign(t, merchantKey(), "GET\n/x\n"+ts+"\nN\n\n")}.String())
	if err := v.Verify(r, nil, now); err != nil {
		t.Error(err)
	}
}

func TestSignError(t *testing.T) {
	r := httptest.NewRequest("POST", "/v3/x?y=1", nil)
	msg := append([]byte(strings.Repeat("a", 511)), "买"...) // cut inside the rune
	e := gateway.SignError(r, &gateway.AuthError{Field: "signature", Issue: "sign not match", Message: "m", SignMessage: msg})
	info, _ := e.Detail["sign_information"].(map[string]any)
	if e.Status != http.StatusUnauthorized || e.Code != "SIGN_ERROR" || e.Message != "m" ||
		e.Detail["field"] != "signature" || e.Detail["location"] != "authorization" || e.Detail["issue"] != "sign not match" ||
		info["url"] != "/v3/x?y=1" || info["method"] != "POST" || info["sign_message_length"] != 514 ||
		info["truncated_sign_message"] != strings.Repeat("a", 511) {
		t.Errorf("%+v", e)
	}
	e = gateway.SignError(r, &gateway.AuthError{Field: "mchid", Issue: "i", Message: "m"})
	if _, ok := e.Detail["sign_information"]; ok || e.Detail["field"] != "mchid" {
		t.Errorf("%+v", e)
	}
}
