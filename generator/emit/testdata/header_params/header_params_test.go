package wechatpay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

func newServerClient(t *testing.T) (*wxtest.Server, *Client) {
	t.Helper()
	srv := wxtest.NewServer(t, wxtest.Options{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"id":"r"}`)
	})})
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// The header parameters arrive as headers: a string as is, an array joined
// with commas (style simple), an integer in decimal; the request still
// verifies (headers are not signed).
func TestHeadersSent(t *testing.T) {
	srv, c := newServerClient(t)
	out, _, err := c.V3.Things.Get(context.Background(), &V3ThingsGetParams{
		RequestTrace: "t-1", XFlags: []string{"f1", "f2"}, XPage: apiv3.Ptr[int32](3),
	})
	if err != nil || *out.ID != "r" {
		t.Fatalf("Get: %+v %v", out, err)
	}
	rec := srv.Requests()[0]
	if !rec.Verified {
		t.Errorf("not verified: %v", rec.AuthError)
	}
	for name, want := range map[string]string{"Request-Trace": "t-1", "X-Flags": "f1,f2", "X-Page": "3"} {
		if got := rec.Header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if rec.RequestURI != "/v3/things" {
		t.Errorf("request-target %q: header parameters leaked into the query", rec.RequestURI)
	}
}

// Unset optional header parameters send no header at all.
func TestOptionalHeadersOmitted(t *testing.T) {
	c := newClientOnly(t)
	r, err := c.V3.Things.NewGetRequest(context.Background(), &V3ThingsGetParams{RequestTrace: "t", XFlags: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Request-Trace") != "t" {
		t.Errorf("Request-Trace %q", r.Header.Get("Request-Trace"))
	}
	for _, name := range []string{"X-Flags", "X-Page"} {
		if v, ok := r.Header[name]; ok {
			t.Errorf("%s sent: %q", name, v)
		}
	}
}

// A missing or too long required header is a validation error located "in
// header", and nothing is sent.
func TestHeadersValidated(t *testing.T) {
	srv, c := newServerClient(t)
	for _, tc := range []struct {
		params *V3ThingsGetParams
		rule   string
	}{
		{nil, "required"},
		{&V3ThingsGetParams{XFlags: []string{"f"}}, "required"},
		{&V3ThingsGetParams{RequestTrace: strings.Repeat("x", 17)}, "maxLength"},
	} {
		_, _, err := c.V3.Things.Get(context.Background(), tc.params)
		var ve *apiv3.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%+v: err = %v, want *apiv3.ValidationError", tc.params, err)
			continue
		}
		if v := ve.Violations[0]; v.In != "header" || v.Field != "Request-Trace" || v.Rule != tc.rule {
			t.Errorf("%+v: violation %+v, want header Request-Trace %s", tc.params, v, tc.rule)
		}
	}
	_, err := c.V3.Things.NewGetRequest(context.Background(), &V3ThingsGetParams{RequestTrace: "ok", XFlags: []string{"a", "😀"}})
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].Field != "X-Flags[1]" || ve.Violations[0].Rule != "utf8mb4" {
		t.Errorf("4-byte flag: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d invalid requests sent", n)
	}
}

func newClientOnly(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(apiv3.Config{
		BaseURL: "http://127.0.0.1:1", MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
