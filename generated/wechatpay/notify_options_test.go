package wechatpay_test

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// The generated handler takes the runtime's notification options: two
// instances given one deduper (as two processes given one shared store)
// dispatch a notification delivered to both once.
func TestNotificationHandlerTakesOptions(t *testing.T) {
	shared := apiv3.NewMemoryDeduper(100)
	var calls atomic.Int32
	handlers := wechatpay.NotificationHandlers{
		OnUserPaid: func(context.Context, *apiv3.Notification, *wechatpay.UserPaidResource) error {
			calls.Add(1)
			return nil
		},
	}
	var urls []string
	for range 2 {
		client, err := wechatpay.NewClient(testConfig("https://api.mch.weixin.qq.com"))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(client.NotificationHandler(handlers, apiv3.WithDeduper(shared), apiv3.WithMaxNotificationBytes(64<<10)))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	plaintext := []byte(`{"mchid":"1900000109","out_card_code":"c","state":"UNFINISHED"}`)
	header, body := wxtest.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", plaintext)
	for _, url := range append(urls, urls...) {
		if resp := wxtest.PostNotification(t, url, header, body); resp.StatusCode != 204 {
			t.Errorf("delivery to %s: %d, want 204", url, resp.StatusCode)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("dispatched %d times across the two instances, want 1", n)
	}
}
