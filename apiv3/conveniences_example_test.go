package apiv3_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// flakyWechatPay stands in for WeChat Pay in these examples: it answers the
// first request 500 and every later one with a signed card.
func flakyWechatPay() *httptest.Server {
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		i := n.Add(1)
		w.Header().Set("Request-ID", "RID-"+strconv.Itoa(int(i)))
		if i == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"code":"SYSTEM_ERROR","message":"系统繁忙"}`)
			return
		}
		body := []byte(`{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`)
		wxtest.SignResponse(w.Header(), body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
}

func exampleClient(baseURL string, opts ...apiv3.Option) *apiv3.Client {
	c, err := apiv3.NewClient(apiv3.Config{
		BaseURL:                   baseURL, // leave empty for WeChat Pay
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}, opts...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// getCard is the request a generated leaf would hand to the runtime for
// client.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx).
var getCard = &apiv3.Request{
	OperationID: "getCard",
	Method:      "GET",
	Template:    "/v3/discount-card/cards/{out_card_code}",
	Path:        "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3",
	Idempotent:  true,
}

// WithRetry is a CallOption too: a call can have its own policy beside the
// client's. Generated leaves take it like any CallOption:
// card.Get(ctx, apiv3.WithRetry(...)).
func ExampleWithRetry_perCall() {
	server := flakyWechatPay()
	defer server.Close()
	c := exampleClient(server.URL, apiv3.WithoutRetry()) // the client sends everything once

	ctx := context.Background()
	_, err := c.Do(ctx, getCard, nil)
	fmt.Println("client policy:", err)

	// This one call may try 3 times, waiting 10–20 ms before the second.
	res, err := c.Do(ctx, getCard, nil, apiv3.WithRetry(apiv3.RetryPolicy{MaxAttempts: 3, BaseDelay: 20 * time.Millisecond}))
	fmt.Println("per-call policy:", res.StatusCode, res.RequestID, err)
	// Output:
	// client policy: apiv3: HTTP 500 Internal Server Error: SYSTEM_ERROR: 系统繁忙 (Request-ID RID-1)
	// per-call policy: 200 RID-2 <nil>
}

func ExampleWithLogger() {
	server := flakyWechatPay()
	defer server.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key { // keep the output of this example the same on every run
			case slog.TimeKey, "duration", "host":
				return slog.Attr{}
			case "wait":
				a.Value = slog.StringValue("…")
			}
			return a
		},
	}))
	c := exampleClient(server.URL, apiv3.WithLogger(logger), apiv3.WithRetry(apiv3.RetryPolicy{BaseDelay: 10 * time.Millisecond}))

	if _, err := c.Do(context.Background(), getCard, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// level=DEBUG msg="apiv3: attempt" operation=getCard method=GET path=/v3/discount-card/cards/{out_card_code} attempt=1 status=500 request_id=RID-1 retry="HTTP 500" wait=… error="apiv3: HTTP 500 Internal Server Error: SYSTEM_ERROR: 系统繁忙 (Request-ID RID-1)"
	// level=DEBUG msg="apiv3: attempt" operation=getCard method=GET path=/v3/discount-card/cards/{out_card_code} attempt=2 status=200 request_id=RID-2
}

// A middleware that counts attempts per operation and status: metrics
// without a dependency. The OpenTelemetry version is in the WithMiddleware
// documentation.
func ExampleWithMiddleware() {
	server := flakyWechatPay()
	defer server.Close()

	var mu sync.Mutex
	attempts := map[string]int{} // "operation status" -> count
	count := func(next http.RoundTripper) http.RoundTripper {
		return apiv3.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
			res, err := next.RoundTrip(r)
			op, _ := apiv3.OperationFrom(r.Context())
			key := op.ID + " " + op.Method + " " + op.Template
			if res != nil {
				key += " " + strconv.Itoa(res.StatusCode)
			}
			mu.Lock()
			attempts[key]++
			mu.Unlock()
			return res, err
		})
	}
	c := exampleClient(server.URL, apiv3.WithMiddleware(count), apiv3.WithRetry(apiv3.RetryPolicy{BaseDelay: 10 * time.Millisecond}))

	for range 2 {
		if _, err := c.Do(context.Background(), getCard, nil); err != nil {
			log.Fatal(err)
		}
	}
	keys := make([]string, 0, len(attempts))
	for k := range attempts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, attempts[k])
	}
	// Output:
	// getCard GET /v3/discount-card/cards/{out_card_code} 200 2
	// getCard GET /v3/discount-card/cards/{out_card_code} 500 1
}
