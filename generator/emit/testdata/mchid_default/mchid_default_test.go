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

// An empty (or absent) mchid is the client's merchant ID, the one that signs;
// the caller's params are not changed.
func TestMchIDFromConfig(t *testing.T) {
	srv, c := newServerClient(t)
	if _, _, err := c.V3.Orders.Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	p := &V3OrdersGetParams{Limit: apiv3.Ptr[int64](5)}
	if _, _, err := c.V3.Orders.Get(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if p.MchID != "" {
		t.Errorf("caller's params changed: MchID %q", p.MchID)
	}
	reqs := srv.Requests()
	for i, want := range []string{"/v3/orders?mchid=" + testkeys.MchID, "/v3/orders?mchid=" + testkeys.MchID + "&limit=5"} {
		if got := reqs[i].RequestURI; got != want {
			t.Errorf("request %d: %q, want %q", i, got, want)
		}
		a, err := wxtest.ParseAuthorization(reqs[i].Header.Get("Authorization"))
		if err != nil || a.MchID != testkeys.MchID || !reqs[i].Verified {
			t.Errorf("request %d: Authorization %+v %v, verified %v", i, a, err, reqs[i].Verified)
		}
	}
}

// A caller's mchid (e.g. a sub-merchant) wins over the configured one; the
// request is still signed by the configured merchant.
func TestMchIDOverridden(t *testing.T) {
	srv, c := newServerClient(t)
	if _, _, err := c.V3.Orders.Get(context.Background(), &V3OrdersGetParams{MchID: "1900000109"}); err != nil {
		t.Fatal(err)
	}
	rec := srv.Requests()[0]
	if got, want := rec.RequestURI, "/v3/orders?mchid=1900000109"; got != want {
		t.Errorf("request-target %q, want %q", got, want)
	}
	if a, _ := wxtest.ParseAuthorization(rec.Header.Get("Authorization")); a.MchID != testkeys.MchID {
		t.Errorf("signed by %q, want %q", a.MchID, testkeys.MchID)
	}
}

// The mchid actually sent is validated, the overriding one included.
func TestMchIDValidated(t *testing.T) {
	srv, c := newServerClient(t)
	_, _, err := c.V3.Orders.Get(context.Background(), &V3OrdersGetParams{MchID: strings.Repeat("1", 33)})
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].In != "query" || ve.Violations[0].Field != "mchid" || ve.Violations[0].Rule != "maxLength" {
		t.Errorf("33 digits: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d invalid requests sent", n)
	}
}
