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

// TestPinnedChains spells the six chains DESIGN.md pins.
func TestPinnedChains(t *testing.T) {
	c, ctx := newTestClient(t), context.Background()
	code := "6e8369071cd942c0476613f9d1ce9ca3"
	reqs := map[string]func() (*http.Request, error){
		"POST /v3/discount-card/cards": func() (*http.Request, error) {
			return c.V3.DiscountCard.Cards.NewPostRequest(ctx, &PrepareCardRequest{OutCardCode: code, CardTemplateID: "t", AppID: "wxd678efh567hg6787", NotifyURL: "https://api.test.com"})
		},
		"GET /v3/discount-card/cards/" + code: func() (*http.Request, error) {
			return c.V3.DiscountCard.Cards.OutCardCode(code).NewGetRequest(ctx)
		},
		"POST /v3/discount-card/cards/" + code + "/add-user-records": func() (*http.Request, error) {
			return c.V3.DiscountCard.Cards.OutCardCode(code).AddUserRecords.NewPostRequest(ctx, &AddUserRecordsRequest{CardTemplateID: "t"})
		},
		"PATCH /v3/discount-card/orders/o1": func() (*http.Request, error) {
			return c.V3.DiscountCard.Orders.OutOrderNo("o1").NewPatchRequest(ctx, validUpdateOrder())
		},
		"GET /v3/discount-card/orders/o1": func() (*http.Request, error) {
			return c.V3.DiscountCard.Orders.OutOrderNo("o1").NewGetRequest(ctx)
		},
		"GET /v3/discount-card/orders/out-trade-no/t1": func() (*http.Request, error) {
			return c.V3.DiscountCard.Orders.OutTradeNo.OutTradeNo("t1").NewGetRequest(ctx)
		},
	}
	for want, newReq := range reqs {
		r, err := newReq()
		if err != nil {
			t.Errorf("%s: %v", want, err)
			continue
		}
		if got := r.Method + " " + r.URL.EscapedPath(); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		if r.Header.Get("Authorization") == "" {
			t.Errorf("%s: not signed", want)
		}
	}
}

func TestRequiredBody(t *testing.T) {
	c := newTestClient(t)
	_, err := c.V3.DiscountCard.Cards.NewPostRequest(context.Background(), nil)
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].Rule != "required" {
		t.Errorf("nil body: %v", err)
	}
}

func TestValidRequestAllocatesNothing(t *testing.T) {
	r := &AddUserRecordsRequest{CardTemplateID: "t", ObjectiveCompletionRecords: []ObjectiveCompletionRecord{{
		ObjectiveCompletionSerialNo: "578354545", ObjectiveID: "123456", CompletionType: CompletionTypeIncrease,
		CompletionTime: apiv3.MustParseTime("2015-05-20T13:29:35.120+08:00"), Description: "购买商品", CompletionCount: 1,
	}}}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = r.Validate() }); n != 0 {
		t.Errorf("Validate allocates %v times", n)
	}
	r.ObjectiveCompletionRecords[0].CompletionType = "SIDEWAYS"
	var ve *apiv3.ValidationError
	if !errors.As(r.Validate(), &ve) || ve.Violations[0].Field != "objective_completion_records[0].completion_type" {
		t.Errorf("got %v", ve)
	}
}

func TestDispatch(t *testing.T) {
	ctx := context.Background()
	var got *UserAcceptedResource
	h := NotificationHandlers{OnUserAccepted: func(_ context.Context, _ *apiv3.Notification, r *UserAcceptedResource) error {
		got = r
		return nil
	}}
	n := &apiv3.Notification{EventType: EventTypeUserAccepted, Plaintext: []byte(`{"out_card_code":"c1","state":"ONGOING"}`)}
	if err := h.Dispatch(ctx, n); err != nil || got == nil || got.OutCardCode != "c1" {
		t.Fatalf("dispatch: %v, %+v", err, got)
	}
	if err := h.Dispatch(ctx, &apiv3.Notification{EventType: EventTypeUserPaid, Plaintext: []byte(`{}`)}); err == nil {
		t.Error("a known event without a handler and no OnUnknown: want an error")
	}
	unknown := 0
	h.OnUnknown = func(context.Context, *apiv3.Notification) error { unknown++; return nil }
	h.Dispatch(ctx, &apiv3.Notification{EventType: "SOMETHING.NEW"})
	h.Dispatch(ctx, &apiv3.Notification{EventType: EventTypeUserPaid})
	if unknown != 2 {
		t.Errorf("OnUnknown called %d times, want 2", unknown)
	}
	if err := h.Dispatch(ctx, &apiv3.Notification{EventType: EventTypeUserAccepted, Plaintext: []byte(`{`)}); err == nil {
		t.Error("bad plaintext: want an error")
	}
}

func validUpdateOrder() *UpdateOrderRequest { return &UpdateOrderRequest{} }
