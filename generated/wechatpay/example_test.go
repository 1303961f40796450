package wechatpay_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// fakeWechatPay stands in for WeChat Pay in the examples: it answers every
// request with a signed 204, or with a signed card for GETs.
func fakeWechatPay() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		var body []byte
		status := http.StatusNoContent
		if r.Method == http.MethodGet {
			status = http.StatusOK
			body = []byte(`{"card_id":"233bcbf407e87789b8e471f251774f95","card_template_id":"87789b2f25177433bcbf407e8e471f95","openid":"oUpF8uMuAJ2pxb1Q9zNjWeS6o","out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","appid":"wxd678efh567hg6787","mchid":"1900000109","time_range":{"begin_time":"2015-05-20T13:29:35.120+08:00","end_time":"2015-05-27T13:29:35.120+08:00"},"state":"ONGOING","create_time":"2015-05-20T13:29:35.120+08:00"}`)
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("Request-ID", "08F78BB5AF0610D302")
		wxtest.SignResponse(w.Header(), body)
		w.WriteHeader(status)
		w.Write(body)
	}))
}

func Example() {
	server := fakeWechatPay() // WeChat Pay itself in production: leave BaseURL empty
	defer server.Close()

	client, err := wechatpay.NewClient(apiv3.Config{
		BaseURL:                   server.URL,
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM, // or MerchantPrivateKeyFile: "apiclient_key.pem"
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM, // or WechatPayPublicKeyFile: "pub_key.pem"
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	card := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3")

	resp, err := card.AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
		CardTemplateID: "87789b2f25177433bcbf407e8e471f95",
		ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "578354545",
			ObjectiveID:                 "123456",
			CompletionTime:              apiv3.MustParseTime("2015-05-20T13:29:35.120+08:00"),
			CompletionType:              wechatpay.CompletionTypeIncrease,
			Description:                 "购买商品",
			CompletionCount:             1,
			Remark:                      apiv3.Ptr("特价商品"),
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("add-user-records:", resp.StatusCode, "Request-ID", resp.RequestID)

	got, _, err := card.Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("card:", got.CardID, got.State, got.TimeRange.EndTime)
	// Output:
	// add-user-records: 204 Request-ID 08F78BB5AF0610D302
	// card: 233bcbf407e87789b8e471f251774f95 ONGOING 2015-05-27T13:29:35.120+08:00
}

func ExampleClient_Chain() {
	server := fakeWechatPay()
	defer server.Close()
	client, err := wechatpay.NewClient(testConfig(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	// An endpoint that is not (yet) in the spec, the PHP SDK's chain('v3/...'):
	// the same escaping, signing and verification, untyped.
	var out map[string]any
	resp, err := client.Chain("v3/discount-card/cards/{out_card_code}").
		Do(context.Background(), http.MethodGet, map[string]string{"out_card_code": "a|b"}, nil, &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, out["state"])
	// Output: 200 ONGOING
}

func ExampleNotificationHandlers() {
	client, err := wechatpay.NewClient(testConfig("https://api.mch.weixin.qq.com"))
	if err != nil {
		log.Fatal(err)
	}
	handler := client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserAccepted: func(ctx context.Context, n *apiv3.Notification, card *wechatpay.UserAcceptedResource) error {
			fmt.Println(n.EventType, card.OutCardCode, card.State)
			return nil // 204: WeChat Pay stops retrying
		},
	})
	server := httptest.NewServer(handler) // http.Handle("/wxpay/notify", handler) in your server
	defer server.Close()

	// What WeChat Pay sends: a signed envelope with the card encrypted by the APIv3 key.
	header, body, err := wxtest.BuildNotification(testkeys.APIv3Key, "DISCOUNT_CARD.USER_ACCEPTED",
		[]byte(`{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`))
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, server.URL, bytes.NewReader(body))
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// DISCOUNT_CARD.USER_ACCEPTED 6e8369071cd942c0476613f9d1ce9ca3 ONGOING
	// 204
}
