package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func newSigner() *gateway.Signer {
	return &gateway.Signer{Key: platformKey(), PublicKeyID: testkeys.PublicKeyID, CertificateSerial: testkeys.PlatformSerial}
}

func TestSignResponse(t *testing.T) {
	now := time.Unix(1554208460, 0)
	h := http.Header{}
	body := []byte(`{"a":1}`)
	newSigner().SignResponse(h, body, now, "S")
	if h.Get("Wechatpay-Timestamp") != "1554208460" || len(h.Get("Wechatpay-Nonce")) != 32 || h.Get("Wechatpay-Serial") != "S" ||
		h.Get("Wechatpay-Signature-Type") != "WECHATPAY2-SHA256-RSA2048" || len(h.Get("Request-ID")) != 32 {
		t.Errorf("headers %v", h)
	}
	msg := h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	if err := rsaVerify(&platformKey().PublicKey, msg, h.Get("Wechatpay-Signature")); err != nil {
		t.Error(err)
	}

	// A kept Request-ID; Resign over a changed timestamp.
	h = http.Header{"Request-Id": {"R"}}
	s := newSigner()
	s.SignResponse(h, body, now, "S")
	h.Set("Wechatpay-Timestamp", strconv.FormatInt(now.Unix()-600, 10))
	s.Resign(h, body)
	msg = h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	if err := rsaVerify(&platformKey().PublicKey, msg, h.Get("Wechatpay-Signature")); err != nil || h.Get("Request-ID") != "R" {
		t.Errorf("%v %v", err, h)
	}
}

func TestMessages(t *testing.T) {
	if got := string(gateway.RequestMessage("GET", "/v3/x?a=1", "1", "N", nil)); got != "GET\n/v3/x?a=1\n1\nN\n\n" {
		t.Errorf("request message %q", got)
	}
	if got := string(gateway.ResponseMessage("1", "N", []byte("{}"))); got != "1\nN\n{}\n" {
		t.Errorf("response message %q", got)
	}
	if err := rsaVerify(&merchantKey().PublicKey, "x", gateway.Sign(merchantKey(), []byte("x"))); err != nil {
		t.Error(err)
	}
}

func TestSerial(t *testing.T) {
	tests := []struct {
		mode      gateway.Mode
		reqSerial string
		want      string
	}{
		{gateway.PublicKey, "", testkeys.PublicKeyID},
		{gateway.PublicKey, testkeys.PlatformSerial, testkeys.PublicKeyID},
		{gateway.Certificate, testkeys.PublicKeyID, testkeys.PlatformSerial},
		{gateway.Both, testkeys.PublicKeyID, testkeys.PublicKeyID},
		{gateway.Both, testkeys.PlatformSerial, testkeys.PlatformSerial},
		{gateway.Both, "", testkeys.PlatformSerial},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%s", tt.mode, tt.reqSerial), func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.reqSerial != "" {
				r.Header.Set("Wechatpay-Serial", tt.reqSerial)
			}
			if got := newSigner().Serial(tt.mode, r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := newSigner().Serial(gateway.Both, nil); got != testkeys.PlatformSerial {
		t.Errorf("Both without a request: %q", got)
	}
	if s := gateway.Mode(7).String(); s != "Mode(7)" {
		t.Error(s)
	}
}
