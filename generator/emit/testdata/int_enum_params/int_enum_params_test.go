package wechatpay

import (
	"context"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func newClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(apiv3.Config{
		BaseURL: "http://127.0.0.1:1", MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Integer enum values travel as their numbers in the path, the query (one
// value, exploded and joined arrays) and the headers.
func TestIntegerEnumParamsSentAsNumbers(t *testing.T) {
	r, err := newClient(t).V3.Tickets.Level(Level20).NewGetRequest(context.Background(), &V3TicketsLevelGetParams{
		Priority: PriorityHigh, State: apiv3.Ptr(ListTicketsState0),
		Kinds: []Priority{PriorityLow, PriorityHigh}, Tags: []Priority{PriorityHigh, PriorityLow},
		XPriority: PriorityLow, XPriorities: []Priority{PriorityHigh, PriorityLow},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.URL.RequestURI(), "/v3/tickets/20?priority=2&state=0&kinds=1,2&tags=2&tags=1"; got != want {
		t.Errorf("request-target %q, want %q", got, want)
	}
	for name, want := range map[string]string{"X-Priority": "1", "X-Priorities": "2,1"} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// A required integer enum has no "empty" value: its zero is refused as a
// value the enum does not list, not reported as missing.
func TestRequiredIntegerEnumZero(t *testing.T) {
	_, err := newClient(t).V3.Tickets.Level(Level10).NewGetRequest(context.Background(), &V3TicketsLevelGetParams{XPriority: PriorityLow})
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || len(ve.Violations) != 1 {
		t.Fatalf("err = %v, want one violation", err)
	}
	if v := ve.Violations[0]; v.In != "query" || v.Field != "priority" || v.Rule != "enum" {
		t.Errorf("violation %+v, want query priority enum", v)
	}
}
