package wxpaytest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

// Pay plays the user paying an order the code under test created: the kit
// holds the order, TRANSACTION.SUCCESS reaches the merchant's handler
// (here in process, WithNotificationHandler) before Pay returns, and the
// queries answer the new state.
func ExampleKit_Pay() {
	var handler http.Handler
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS), wxpaytest.WithNotificationHandler(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, _ := wechatpay.NewClient(kit.Config())
	handler = client.NotificationHandler(wechatpay.NotificationHandlers{
		OnTransactionSuccess: func(_ context.Context, n *apiv3.Notification, tx *wechatpay.Transaction) error {
			fmt.Println(n.EventType, tx.OutTradeNo, tx.TradeState, *tx.Amount.PayerTotal)
			return nil
		},
	})
	ctx := context.Background()

	prepay, _, err := client.V3.Pay.Transactions.Jsapi.Post(ctx, &wechatpay.JsapiPrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: "1230000109", Description: "QQ公仔", OutTradeNo: "T-1001",
		NotifyURL: "https://shop.example.com/wxpay/notify", Amount: wechatpay.PrepayAmount{Total: 100},
		Payer: wechatpay.PrepayPayer{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	})
	if err != nil {
		log.Fatal(err)
	}
	order, _ := kit.Order("T-1001")
	fmt.Println(order.TradeState, order.PrepayID == prepay.PrepayID)

	paid := kit.Pay("T-1001")
	tx, _, err := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo("T-1001").Get(ctx, nil)
	fmt.Println(tx.TradeState, *tx.TransactionID == paid.TransactionID, err)
	// Output:
	// NOTPAY true
	// TRANSACTION.SUCCESS T-1001 SUCCESS 100
	// SUCCESS true <nil>
}

// FinishRefund settles a refund the code under test made: partial refunds
// up to the order's total, each PROCESSING until settled, each settled
// with its REFUND.* notification.
func ExampleKit_FinishRefund() {
	var handler http.Handler
	kit, err := wxpaytest.New(wxpaytest.FS(spec.FS), wxpaytest.WithNotificationHandler(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) })))
	if err != nil {
		log.Fatal(err)
	}
	defer kit.Close()
	client, _ := wechatpay.NewClient(kit.Config())
	onRefund := func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
		fmt.Println(n.EventType, r.OutRefundNo, r.Amount.Refund)
		return nil
	}
	handler = client.NotificationHandler(wechatpay.NotificationHandlers{
		OnTransactionSuccess: func(context.Context, *apiv3.Notification, *wechatpay.Transaction) error { return nil },
		OnRefundSuccess:      onRefund, OnRefundClosed: onRefund,
	})
	ctx := context.Background()
	_, _, err = client.V3.Pay.Transactions.Native.Post(ctx, &wechatpay.NativePrepayRequest{
		AppID: "wxd678efh567hg6787", MchID: "1230000109", Description: "QQ公仔", OutTradeNo: "T-2002",
		NotifyURL: "https://shop.example.com/wxpay/notify", Amount: wechatpay.PrepayAmount{Total: 100},
	})
	if err != nil {
		log.Fatal(err)
	}
	kit.Pay("T-2002")

	refund := func(no string, amount int64) error {
		r, _, err := client.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{
			OutTradeNo: apiv3.Ptr("T-2002"), OutRefundNo: no,
			Amount: wechatpay.CreateRefundRequestAmount{Refund: amount, Total: 100, Currency: "CNY"}})
		if err == nil {
			fmt.Println("refund", no, r.Status)
		}
		return err
	}
	refund("R-1", 60)
	kit.FinishRefund("R-1", wxpaytest.RefundSuccess)
	fmt.Println(apiv3.IsCode(refund("R-2", 50), "INVALID_REQUEST")) // 60 + 50 > 100
	refund("R-2", 40)
	kit.FinishRefund("R-2", wxpaytest.RefundClosed) // the 40 can be refunded again

	order, _ := kit.Order("T-2002")
	r, _ := kit.Refund("R-1")
	fmt.Println(order.TradeState, order.Refunded, r.Status)
	// Output:
	// refund R-1 PROCESSING
	// REFUND.SUCCESS R-1 60
	// true
	// refund R-2 PROCESSING
	// REFUND.CLOSED R-2 40
	// REFUND 60 SUCCESS
}
