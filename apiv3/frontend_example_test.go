package apiv3_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// pinnedClient is a client with the test keys whose clock and nonce are
// pinned, so that the examples print the same signature every run. A real
// client leaves WithClock and WithNonceSource alone.
func pinnedClient() *apiv3.Client {
	c, err := apiv3.NewClient(apiv3.Config{
		MchID:                  testkeys.MchID,
		MerchantCertificatePEM: testkeys.MerchantCertPEM,
		MerchantPrivateKeyPEM:  testkeys.MerchantKeyPEM,
		APIv3Key:               testkeys.APIv3Key,
		WechatPayPublicKeyID:   testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:  testkeys.PlatformPublicKeyPEM,
	},
		apiv3.WithClock(func() time.Time { return time.Unix(1764000000, 0) }),
		apiv3.WithNonceSource(func() (string, error) { return "593BEC0C930BF1AFEB40B4A08C8FB242", nil }))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// A JSAPI prepay (client.V3.Pay.Transactions.Jsapi.Post in the generated
// package) answered a prepay_id; the page inside WeChat, or the mini
// program, needs it signed.
func ExampleClient_JSAPIPayParams() {
	c := pinnedClient() // in a generated client: client.Runtime()
	params, err := c.JSAPIPayParams("wxd678efh567hg6787", "wx201410272009395522657a690389285100")
	if err != nil {
		log.Fatal(err)
	}
	// The page calls WeixinJSBridge.invoke('getBrandWCPayRequest', params, cb);
	// the mini program wx.requestPayment({...params, success, fail}).
	out, _ := json.MarshalIndent(params, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "appId": "wxd678efh567hg6787",
	//   "timeStamp": "1764000000",
	//   "nonceStr": "593BEC0C930BF1AFEB40B4A08C8FB242",
	//   "package": "prepay_id=wx201410272009395522657a690389285100",
	//   "signType": "RSA",
	//   "paySign": "MIpIhrEdD3QjRAtoWBp/e/ZztIHwQpIL8tqsXL8g0eFc5cRqdIgLUyXqSP8pSQiDTmLrwYO9Ltwn920FpxPhWEWoB6JZb/ykdfDRx4Qudu57TzaukjVD99aE7ajBb1Ju05qdHFLlI5mrM2xXD3zsr4WQwg7JSZMLtqy0nunLLbDR3JvLFLOfMvCL6DgmvWHIoHs/Q6HGYuEJ/yW3wndDwkmVvBS0eRy9luLlX0hlfAgwFGdqWWM0ZQcDtPvtx2C8jJ0KfBojQkMhOV9scrzN7XHEOiDsElGM7YsHOsvd/+OrEJvtSl3gXwJgKrkN/XTPIyNOVrlG3IF5/KkBqkrrug=="
	// }
}

// An App prepay (client.V3.Pay.Transactions.App.Post) answered a prepay_id;
// the app fills the OpenSDK's PayReq with these fields.
func ExampleClient_AppPayParams() {
	c := pinnedClient()
	params, err := c.AppPayParams("wxd678efh567hg6787", "wx201410272009395522657a690389285100")
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.MarshalIndent(params, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "appid": "wxd678efh567hg6787",
	//   "partnerid": "1900000109",
	//   "prepayid": "wx201410272009395522657a690389285100",
	//   "package": "Sign=WXPay",
	//   "noncestr": "593BEC0C930BF1AFEB40B4A08C8FB242",
	//   "timestamp": "1764000000",
	//   "sign": "jIrWqzIx0L8e+Jkys6t4vvhAtIVHTSTYmk03QeN5oanXqgehoafl1dfi8WanGXF3vHLLXOuMcEywNpCz9ddq9CuO5Q8TMy4dzZZkuLm5ITVM/mNy+/mA/O3uqVwkScK0Lc9M80APrpntvoujJZ2teYfpzlem0pbj4qkqgobFi89hgEk1y4rDsu9iy73iupve0V+tg8uYaCSRjac4GYffNSCd/235ajzs1Y1yXXguIum0j69utOqs23JmAdkr8SLtSC42Q/Yt75RSrnzQFTBm3GBBFz1XqbFJji+Vkx6uoCYcYSbyZyjkov2+88vjO6c9kAWJEfgzr9uzG5D6lULpHw=="
	// }
}

// A handler that answers the page's request for the payment parameters.
// The prepay_id comes from the merchant's own order store, never from the
// page, so that one user cannot pay (or inspect) another's order.
func ExampleJSAPIPayParams_handler() {
	var c *apiv3.Client                                   // from apiv3.NewClient, or client.Runtime()
	prepayIDOf := func(r *http.Request) (string, error) { // the merchant's order store
		return "wx201410272009395522657a690389285100", nil
	}
	http.HandleFunc("GET /pay/params", func(w http.ResponseWriter, r *http.Request) {
		prepayID, err := prepayIDOf(r)
		if err != nil {
			http.Error(w, "no such order", http.StatusNotFound)
			return
		}
		params, err := c.JSAPIPayParams("wxd678efh567hg6787", prepayID)
		if err != nil {
			http.Error(w, "cannot sign", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(params)
	})
}
