package wechatpay_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// keyMode is the verification material a client is configured with.
type keyMode int

const (
	publicKeyOnly keyMode = iota
	certificateOnly
	both
)

func configFor(mode keyMode, baseURL string) apiv3.Config {
	cfg := testConfig(baseURL)
	switch mode {
	case certificateOnly:
		cfg.WechatPayPublicKeyID, cfg.WechatPayPublicKeyPEM = "", nil
		cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	case both:
		cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	}
	return cfg
}

// TestKeyModes: a chain call is signed and verified with nothing from the
// user but configuration, whichever key WeChat Pay signs with.
func TestKeyModes(t *testing.T) {
	cases := []struct {
		name       string
		client     keyMode
		server     wxtest.Mode
		wantSerial string // what the response was signed under
	}{
		{"public key", publicKeyOnly, wxtest.PublicKey, testkeys.PublicKeyID},
		{"certificate", certificateOnly, wxtest.Certificate, testkeys.PlatformSerial},
		{"migration, answered with the public key", both, wxtest.Both, testkeys.PublicKeyID},
		{"migration, answered with the certificate", both, wxtest.Certificate, testkeys.PlatformSerial},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := wxtest.NewServer(t, wxtest.Options{Spec: specDoc(t, "discount-card.yaml"), Mode: tc.server, ValidateResponses: true})
			client, err := wechatpay.NewClient(configFor(tc.client, srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			card, resp, err := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			if card.CardID == "" || resp.Header.Get("Wechatpay-Serial") != tc.wantSerial {
				t.Errorf("card %+v signed under %q, want %q", card, resp.Header.Get("Wechatpay-Serial"), tc.wantSerial)
			}
			if !srv.Requests()[0].Verified {
				t.Error("the server could not verify the request signature")
			}
		})
	}
}

// TestMisbehavingServerIsRefused: each way a response can be forged or
// stale is refused with its own error, carrying the Request-ID, and nothing
// is decoded.
func TestMisbehavingServerIsRefused(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*wxtest.TamperedResponse)
		want   error
	}{
		{"body byte changed", func(r *wxtest.TamperedResponse) { r.Body[len(r.Body)/2] ^= 1 }, apiv3.ErrBadSignature},
		{"timestamp changed", func(r *wxtest.TamperedResponse) {
			r.Header.Set("Wechatpay-Timestamp", bump(r.Header.Get("Wechatpay-Timestamp")))
		}, apiv3.ErrBadSignature},
		{"nonce changed", func(r *wxtest.TamperedResponse) {
			r.Header.Set("Wechatpay-Nonce", bump(r.Header.Get("Wechatpay-Nonce")))
		}, apiv3.ErrBadSignature},
		{"signature changed", func(r *wxtest.TamperedResponse) {
			s := []byte(r.Header.Get("Wechatpay-Signature"))
			s[5] = map[bool]byte{true: 'B', false: 'A'}[s[5] == 'A']
			r.Header.Set("Wechatpay-Signature", string(s))
		}, apiv3.ErrBadSignature},
		{"unknown serial", func(r *wxtest.TamperedResponse) {
			r.Header.Set("Wechatpay-Serial", "PUB_KEY_ID_00000000000000000000000000000000")
		}, apiv3.ErrUnknownSerial},
		{"signature headers stripped", func(r *wxtest.TamperedResponse) {
			r.Header.Del("Wechatpay-Signature")
			r.Header.Del("Wechatpay-Timestamp")
		}, apiv3.ErrMissingSignatureHeaders},
		{"stale timestamp, validly signed", func(r *wxtest.TamperedResponse) { r.SetTimestamp(time.Now().Add(-5 * time.Minute)) }, apiv3.ErrTimestampSkew},
		{"future timestamp, validly signed", func(r *wxtest.TamperedResponse) { r.SetTimestamp(time.Now().Add(6 * time.Minute)) }, apiv3.ErrTimestampSkew},
		{"SIGNTEST probe", func(r *wxtest.TamperedResponse) { r.SignTest() }, apiv3.ErrSignatureProbe},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, client := newServerAndClient(t, "discount-card.yaml", wxtest.Options{})
			srv.SetTamper(tc.tamper)
			card, resp, err := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctxT(t))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ve *apiv3.VerificationError
			if !errors.As(err, &ve) || ve.RequestID == "" || ve.RequestID != resp.RequestID {
				t.Errorf("VerificationError %+v does not carry the Request-ID %q", ve, resp.RequestID)
			}
			if card != nil {
				t.Errorf("a refused response was decoded: %+v", card)
			}
		})
	}
}

// bump changes the last character of s.
func bump(s string) string {
	if s == "" {
		return "1"
	}
	last := s[len(s)-1]
	if last == '9' {
		return s[:len(s)-1] + "8"
	}
	return s[:len(s)-1] + string(last+1)
}

// TestErrorResponsesSayWhetherTheyVerified: a signed 4xx is an APIError
// marked Verified; an unsigned one is still an APIError, marked unverified.
func TestErrorResponsesSayWhetherTheyVerified(t *testing.T) {
	srv, client := newServerAndClient(t, "discount-card.yaml", wxtest.Options{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"RESOURCE_NOT_EXISTS","message":"卡不存在"}`))
		}),
	})
	for _, signed := range []bool{true, false} {
		if !signed {
			srv.SetTamper(func(r *wxtest.TamperedResponse) {
				for k := range r.Header {
					if strings.HasPrefix(k, "Wechatpay-") {
						r.Header.Del(k)
					}
				}
			})
		}
		_, _, err := client.V3.DiscountCard.Cards.OutCardCode("missing").Get(ctxT(t))
		var apiErr *apiv3.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("signed=%v: %v, want *apiv3.APIError", signed, err)
		}
		if apiErr.StatusCode != 404 || apiErr.Code != "RESOURCE_NOT_EXISTS" || apiErr.Message != "卡不存在" || apiErr.RequestID == "" || apiErr.Verified != signed {
			t.Errorf("signed=%v: %+v", signed, apiErr)
		}
		if !apiv3.IsCode(err, "RESOURCE_NOT_EXISTS") {
			t.Errorf("IsCode false for %v", err)
		}
	}
}

// TestSignatureErrorFromServer: a request the server cannot verify (the
// wrong merchant key) comes back as 401 SIGN_ERROR.
func TestSignatureErrorFromServer(t *testing.T) {
	srv := wxtest.NewServer(t, wxtest.Options{Spec: specDoc(t, "discount-card.yaml"), MerchantSerial: "00AA"})
	client, err := wechatpay.NewClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctxT(t))
	var apiErr *apiv3.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "SIGN_ERROR" || !apiErr.Verified {
		t.Fatalf("err = %v, want a verified 401 SIGN_ERROR", err)
	}
}

// TestCertificateStore: a merchant configured with a certificate store and
// no static verification material downloads the platform certificates on
// the first unknown serial, then verifies with them.
func TestCertificateStore(t *testing.T) {
	examples := wxtest.ExampleHandler(specDoc(t, "discount-card.yaml"))
	mux := http.NewServeMux()
	mux.Handle("GET /v3/certificates", wxtest.CertificatesHandler(testkeys.APIv3Key))
	mux.Handle("/", examples)
	srv := wxtest.NewServer(t, wxtest.Options{Mode: wxtest.Certificate, Handler: mux})

	cfg := configFor(certificateOnly, srv.URL)
	cfg.PlatformCertificatesPEM = nil
	var rotations int
	store, err := apiv3.NewCertificateStore(nil, cfg.APIv3Key, apiv3.WithRotationHook(func(apiv3.CertificateRotation) { rotations++ }))
	if err != nil {
		t.Fatal(err)
	}
	client, err := wechatpay.NewClient(cfg, apiv3.WithCertificateStore(store))
	if err != nil {
		t.Fatal(err)
	}
	card, _, err := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if card.CardID == "" {
		t.Error("empty card")
	}
	if got := store.Serials(); len(got) != 1 || got[0] != testkeys.PlatformSerial {
		t.Errorf("store serials %v", got)
	}
	if rotations != 1 {
		t.Errorf("rotation hook called %d times, want 1", rotations)
	}
}

// TestNotificationHandlerEndToEnd: the generated dispatcher behind the
// runtime's handler verifies, decrypts and decodes; a tampered notification
// is refused so that WeChat Pay retries.
func TestNotificationHandlerEndToEnd(t *testing.T) {
	client, err := wechatpay.NewClient(testConfig("https://api.mch.weixin.qq.com"))
	if err != nil {
		t.Fatal(err)
	}
	var got *wechatpay.UserPaidResource
	handler := httptest.NewServer(client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserPaid: func(ctx context.Context, n *apiv3.Notification, r *wechatpay.UserPaidResource) error {
			got = r
			return nil
		},
	}))
	defer handler.Close()
	plaintext := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1900000109","openid":"o","card_id":"c","card_template_id":"t","out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"UNFINISHED","unfinished_reason":"EARLY_QUIT","total_amount":1000,"pay_information":{"pay_amount":100,"pay_state":"PAID","transaction_id":"1009660380201506130728806387","pay_time":"2015-05-20T13:29:35.120+08:00"}}`)
	header, body := wxtest.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", plaintext)
	if resp := wxtest.PostNotification(t, handler.URL, header, body); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got == nil || got.PayInformation.PayAmount != 100 || got.PayInformation.PayState != wechatpay.PayInformationPayStatePaid {
		t.Fatalf("decoded %+v", got)
	}

	got = nil
	header, body = wxtest.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", plaintext)
	body[len(body)-3] ^= 1
	resp := wxtest.PostNotification(t, handler.URL, header, body)
	if resp.StatusCode/100 != 4 || got != nil {
		t.Fatalf("tampered notification: status %d, dispatched %v", resp.StatusCode, got != nil)
	}
}
