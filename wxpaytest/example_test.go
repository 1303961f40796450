package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

// A test starts a kit for its spec folder and builds its client from the
// kit's Config; every operation answers with its spec example. (In a test:
// kit := wxpaytest.Start(t, wxpaytest.Dir("../../api")), closed by t.Cleanup.)
func Example() {
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, err := wechatpay.NewClient(kit.Config())
	if err != nil {
		log.Fatal(err)
	}
	card, resp, err := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, card.State, *card.TotalAmount)

	call := kit.LastCall("getCard")
	fmt.Println(call.Method, call.PathParams["out_card_code"], call.Verified)
	// Output:
	// 200 UNFINISHED 1000
	// GET 6e8369071cd942c0476613f9d1ce9ca3 true
}

// Respond programs an operation's answer: here WeChat Pay's error for an
// order it does not know, once, though the order exists; then the kit's
// own rules answer again.
func ExampleKit_Respond() {
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, _ := wechatpay.NewClient(kit.Config())
	ctx := context.Background()
	_, _, err = client.V3.Pay.Transactions.Native.Post(ctx, &wechatpay.NativePrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: "1230000109", Description: "QQ公仔", OutTradeNo: "1217752501201407033233368018",
		NotifyURL: "https://shop.example.com/wxpay/notify", Amount: wechatpay.PrepayAmount{Total: 100},
	})
	if err != nil {
		log.Fatal(err)
	}
	kit.Respond("queryOrderByOutTradeNo", wxpaytest.Answer{Status: 404, Code: "ORDER_NOT_EXIST", Message: "订单不存在", Times: 1})

	order := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo("1217752501201407033233368018")
	_, _, err = order.Get(ctx, nil)
	var ae *apiv3.APIError
	fmt.Println(errors.As(err, &ae), ae.StatusCode, ae.Code, ae.Verified)
	tx, _, err := order.Get(ctx, nil) // the order as the kit holds it
	fmt.Println(tx.TradeState, err)
	// Output:
	// true 404 ORDER_NOT_EXIST true
	// NOTPAY <nil>
}

// Inject adds faults: the generated client retries an idempotent call
// whose connection was dropped, and refuses an answer with a bad
// signature.
func ExampleKit_Inject() {
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, _ := wechatpay.NewClient(kit.Config())
	card := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3")

	kit.Inject(wxpaytest.Fault{Kind: wxpaytest.FaultDrop, Operation: "getCard", Times: 1})
	_, _, err = card.Get(context.Background())
	fmt.Println(err, len(kit.Calls("getCard")))

	kit.InjectSpec("badsig,times=1,op=getCard")
	_, _, err = card.Get(context.Background())
	fmt.Println(errors.Is(err, apiv3.ErrBadSignature))
	// Output:
	// <nil> 2
	// true
}

// Notify sends a signed notification, encrypted with the APIv3 key of the
// kit's Config, to the merchant's handler.
func ExampleKit_Notify() {
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, _ := wechatpay.NewClient(kit.Config())
	handler := client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserAccepted: func(_ context.Context, n *apiv3.Notification, card *wechatpay.UserAcceptedResource) error {
			fmt.Println(n.EventType, card.OutCardCode, card.State)
			return nil
		},
	})
	resp := kit.Notify(handler, wxpaytest.Notification{
		EventType: wechatpay.EventTypeUserAccepted,
		Resource: map[string]any{"out_card_code": "6e8369071cd942c0476613f9d1ce9ca3", "state": "ONGOING",
			"card_template_id": "87789b2f25177433bcbf407e8e471f95", "card_id": "233bcbf407e87789b8e471f251774f95",
			"openid": "oUpF8uMuAJ2pxb1Q9zNjWeS6o", "appid": "wxd678efh567hg6787", "mchid": "1230000109"},
	})
	fmt.Println(resp.StatusCode)
	// Output:
	// DISCOUNT_CARD.USER_ACCEPTED 6e8369071cd942c0476613f9d1ce9ca3 ONGOING
	// 204
}
