package apiv3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func ExampleWithRetry() {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Request-ID", "08F78BB5AF0610D302")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"code":"SYSTEM_ERROR","message":"系统繁忙，请稍后重试"}`)
	}))
	defer busy.Close()

	c, err := apiv3.NewClient(apiv3.Config{
		BaseURL:                   busy.URL, // leave empty for WeChat Pay
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithRetry(apiv3.RetryPolicy{MaxAttempts: 2, BaseDelay: 10 * time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	// A GET is retried; so is a POST the spec marks x-wechatpay-idempotent.
	_, err = c.Do(context.Background(), &apiv3.Request{
		Method:   "GET",
		Template: "/v3/discount-card/cards/{out_card_code}",
		Path:     "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3",
	}, nil)
	var re *apiv3.RetryError
	if errors.As(err, &re) {
		fmt.Println("attempts:", re.Attempts, "SYSTEM_ERROR:", apiv3.IsCode(err, "SYSTEM_ERROR"))
	}
	fmt.Println(err)
	// Output:
	// attempts: 2 SYSTEM_ERROR: true
	// apiv3: GET /v3/discount-card/cards/{out_card_code}: gave up after 2 attempts: HTTP 503 Service Unavailable: SYSTEM_ERROR: 系统繁忙，请稍后重试 (Request-ID 08F78BB5AF0610D302)
}
