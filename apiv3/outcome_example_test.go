package apiv3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// A refund whose answer is lost: the server reads it (and may have acted
// on it), then the connection closes. The client does not send it again;
// the error says so and names the query that tells what happened.
func ExampleOutcomeUnknownError() {
	var received atomic.Int32
	lost := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		received.Add(1)
		panic(http.ErrAbortHandler) // no answer: net/http closes the connection
	}))
	defer lost.Close()

	c, err := apiv3.NewClient(apiv3.Config{
		BaseURL:                   lost.URL, // leave empty for WeChat Pay
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	})
	if err != nil {
		log.Fatal(err)
	}
	// What the generated client.V3.Refund.Domestic.Refunds.Post sends.
	_, err = c.Do(context.Background(), &apiv3.Request{
		OperationID: "createRefund",
		Method:      "POST",
		Template:    "/v3/refund/domestic/refunds",
		Path:        "/v3/refund/domestic/refunds",
		Body:        map[string]any{"out_trade_no": "T-1", "out_refund_no": "R-1", "amount": map[string]any{"refund": 1, "total": 1, "currency": "CNY"}},
		SettledBy:   "queryRefundByOutRefundNo (GET /v3/refund/domestic/refunds/{out_refund_no})",
	}, nil)
	var oe *apiv3.OutcomeUnknownError
	if errors.Is(err, apiv3.ErrOutcomeUnknown) && errors.As(err, &oe) {
		fmt.Println("sent:", received.Load(), "time(s)")
		fmt.Println("settle with:", oe.SettledBy)
	}
	// Output:
	// sent: 1 time(s)
	// settle with: queryRefundByOutRefundNo (GET /v3/refund/domestic/refunds/{out_refund_no})
}
