package wechatpay

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func newTestClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(apiv3.Config{
		BaseURL:                   "http://127.0.0.1:1",
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// paths builds each request without sending it; the chains themselves are
// the compile-time test of the naming rules.
func TestChainRules(t *testing.T) {
	c, ctx := newTestClient(t), context.Background()
	for _, tc := range []struct {
		build func() (*http.Request, error)
		path  string
	}{
		{func() (*http.Request, error) { return c.V3.Refunds.OutRefundNo("r-1").NewGetRequest(ctx) }, "/v3/refunds/r-1"},
		{func() (*http.Request, error) {
			return c.V3.Refunds.RefundID("42").ApplyAbnormalRefund.NewPostRequest(ctx)
		}, "/v3/refunds/42/apply-abnormal-refund"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("2.5").NewGetRequest(ctx) }, "/v3/applyments/2.5"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("7").Revoke.NewPostRequest(ctx) }, "/v3/applyments/7/revoke"},
		{func() (*http.Request, error) {
			return c.V3.Applyments.ApplymentID("ab").State.State(GetApplymentStateStateOpen).NewGetRequest(ctx)
		}, "/v3/applyments/ab/state/OPEN"},
		{func() (*http.Request, error) { return c.V3.Receivers.Delete.NewPostRequest(ctx) }, "/v3/receivers/delete"},
		{func() (*http.Request, error) { return c.V3.Groups.NewDeleteRequest(ctx) }, "/v3/groups"},
		{func() (*http.Request, error) { return c.V3.Groups.Delete_.NewPostRequest(ctx) }, "/v3/groups/delete"},
		{func() (*http.Request, error) { return c.V3.PolicyPeriods.PlanID("p").NewGetRequest(ctx) }, "/v3/policy-periods/p"},
		{func() (*http.Request, error) { return c.V3.Policy_Periods.PlanID("p").NewGetRequest(ctx) }, "/v3/policy_periods/p"},
	} {
		r, err := tc.build()
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if got := r.URL.EscapedPath(); got != tc.path {
			t.Errorf("path = %s, want %s", got, tc.path)
		}
	}
}

// TestLooseParameter: the method takes a string; each leaf checks it
// against its own operation's schema.
func TestLooseParameter(t *testing.T) {
	c, ctx := newTestClient(t), context.Background()
	for _, tc := range []struct {
		build      func() (*http.Request, error)
		rule, what string
	}{
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("x").NewGetRequest(ctx) }, "type", "not a number"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("0.5").NewGetRequest(ctx) }, "minimum", "below the number's minimum"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("2.5").Revoke.NewPostRequest(ctx) }, "type", "not an integer"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("1000").Revoke.NewPostRequest(ctx) }, "maximum", "above the integer's maximum"},
		{func() (*http.Request, error) {
			return c.V3.Applyments.ApplymentID("123456789").State.State(GetApplymentStateStateDone).NewGetRequest(ctx)
		}, "maxLength", "too long for the string"},
		{func() (*http.Request, error) { return c.V3.Applyments.ApplymentID("").NewGetRequest(ctx) }, "path", "empty"},
	} {
		_, err := tc.build()
		var ve *apiv3.ValidationError
		if !errors.As(err, &ve) || ve.Violations[0].Rule != tc.rule || ve.Violations[0].Field != "applyment_id" {
			t.Errorf("%s: err = %v, want a %s violation of applyment_id", tc.what, err, tc.rule)
		}
	}
}
