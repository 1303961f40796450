package wechatpay

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// newClient answers every call with status and body. Response signatures
// are not what this case is about: verification is off.
func newClient(t *testing.T, status int, body string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.InsecureSkipResponseVerification(), apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// 200, the status with a schema, decodes its body.
func Test200Decoded(t *testing.T) {
	c := newClient(t, 200, `{"id":"j1"}`)
	out, resp, err := c.V3.Jobs.Post(context.Background(), &Job{Name: "n"})
	if err != nil || resp.StatusCode != 200 || out == nil || out.ID == nil || *out.ID != "j1" {
		t.Errorf("200: %+v %+v %v", out, resp, err)
	}
}

// 202, documented without a body, is a success: nil body, no error, the
// status in resp.
func Test202NilBody(t *testing.T) {
	c := newClient(t, http.StatusAccepted, "")
	out, resp, err := c.V3.Jobs.Post(context.Background(), &Job{Name: "n"})
	if err != nil || out != nil || resp == nil || resp.StatusCode != http.StatusAccepted {
		t.Errorf("202: %+v %+v %v", out, resp, err)
	}
}

// A 202 that carries a body anyway still returns a nil *Result (the body is
// not the 200 schema); the bytes stay readable in resp.Body.
func Test202BodyNotDecoded(t *testing.T) {
	c := newClient(t, http.StatusAccepted, `{"id":"j2"}`)
	out, resp, err := c.V3.Jobs.Post(context.Background(), &Job{Name: "n"})
	if err != nil || out != nil || resp.StatusCode != http.StatusAccepted || string(resp.Body) != `{"id":"j2"}` {
		t.Errorf("202 with body: %+v %+v %v", out, resp, err)
	}
}

// A 202 whose body is not JSON, or not the 200 schema, is not decoded at all:
// no decode error for a status whose body the spec does not type.
func Test202BodyOfAnotherShape(t *testing.T) {
	for _, body := range []string{"accepted, try later", `["not","an","object"]`} {
		c := newClient(t, http.StatusAccepted, body)
		out, resp, err := c.V3.Jobs.Post(context.Background(), &Job{Name: "n"})
		if err != nil || out != nil || resp.StatusCode != http.StatusAccepted || string(resp.Body) != body {
			t.Errorf("202 with %q: %+v %+v %v", body, out, resp, err)
		}
	}
}
