// Command benchcall makes N calls through the generated client or through the
// baseline, for scripts/callgrind.sh to count instructions per call; or, with
// -serve, it is the benchmark server (benchbase.Serve) in its own process, so
// that the counts are the client's alone.
//
//	benchcall -serve                      # prints the base URL, serves until stdin closes
//	benchcall -url URL -client generated -op addUserRecords -n 100
//
// Clients: generated (the generated client with the runtime's defaults),
// generated-samehttp (the same with the baseline's *http.Client: no
// timeouts), baseline (internal/benchbase). Ops: addUserRecords, getCard,
// and notification (generated only, no server: verify, decrypt and dispatch
// one DISCOUNT_CARD.USER_ACCEPTED notification).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/benchbase"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

func main() {
	serve := flag.Bool("serve", false, "be the benchmark server: print its base URL, serve until stdin closes")
	url := flag.String("url", "", "base URL of the benchmark server")
	client := flag.String("client", "generated", "generated, generated-samehttp or baseline")
	op := flag.String("op", "addUserRecords", "addUserRecords or getCard")
	n := flag.Int("n", 100, "number of calls")
	flag.Parse()
	if *serve {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		}()
		if err := benchbase.Serve(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "benchcall:", err)
			os.Exit(1)
		}
		return
	}
	call, err := newCall(*url, *client, *op)
	if err == nil {
		ctx := context.Background()
		for i := 0; i < *n && err == nil; i++ {
			err = call(ctx)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcall:", err)
		os.Exit(1)
	}
}

func newCall(url, client, op string) (func(context.Context) error, error) {
	var opts []apiv3.Option
	switch client {
	case "generated":
	case "generated-samehttp":
		opts = append(opts, apiv3.WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	case "baseline":
	default:
		return nil, fmt.Errorf("unknown -client %q", client)
	}
	gen, err := wechatpay.NewClient(testConfig(url), opts...)
	if err != nil {
		return nil, err
	}
	code := benchbase.SeedOutCardCode
	if op == "notification" {
		return notification(client, opts)
	}
	if client != "baseline" {
		switch op {
		case "addUserRecords":
			seed := seedRequest()
			return func(ctx context.Context) error {
				_, err := gen.V3.DiscountCard.Cards.OutCardCode(code).AddUserRecords.Post(ctx, seed)
				return err
			}, nil
		case "getCard":
			return func(ctx context.Context) error {
				_, _, err := gen.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx)
				return err
			}, nil
		}
		return nil, fmt.Errorf("unknown -op %q", op)
	}
	req, err := gen.V3.DiscountCard.Cards.OutCardCode(code).NewGetRequest(context.Background())
	if err != nil {
		return nil, err
	}
	cfg, err := benchbase.TestConfig(url, req.Header.Get("User-Agent"))
	if err != nil {
		return nil, err
	}
	base := benchbase.New(cfg)
	switch op {
	case "addUserRecords":
		seed := benchbase.SeedAddUserRecords()
		return func(ctx context.Context) error { return base.AddUserRecords(ctx, code, seed) }, nil
	case "getCard":
		return func(ctx context.Context) error {
			var card benchbase.Card
			return base.GetCard(ctx, code, &card)
		}, nil
	}
	return nil, fmt.Errorf("unknown -op %q", op)
}

// notification returns a call that handles one notification the way
// BenchmarkNotification does.
func notification(client string, opts []apiv3.Option) (func(context.Context) error, error) {
	if client == "baseline" {
		return nil, fmt.Errorf("-op notification has no baseline")
	}
	h, body, err := wxtest.BuildNotification(testkeys.APIv3Key, wechatpay.EventTypeUserAccepted, []byte(benchbase.CardJSON))
	if err != nil {
		return nil, err
	}
	built := time.Now()
	gen, err := wechatpay.NewClient(testConfig(apiv3.DefaultBaseURL), append(opts, apiv3.WithClock(func() time.Time { return built }))...)
	if err != nil {
		return nil, err
	}
	handlers := wechatpay.NotificationHandlers{OnUserAccepted: func(context.Context, *apiv3.Notification, *wechatpay.UserAcceptedResource) error { return nil }}
	rt := gen.Runtime()
	return func(ctx context.Context) error {
		n, err := rt.ParseNotification(h, body)
		if err != nil {
			return err
		}
		return handlers.Dispatch(ctx, n)
	}, nil
}

func testConfig(url string) apiv3.Config {
	return apiv3.Config{
		BaseURL:                   url,
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}
}

// seedRequest is benchbase.SeedAddUserRecords in the generated types (as in
// generated/wechatpay/bench_test.go).
func seedRequest() *wechatpay.AddUserRecordsRequest {
	t := apiv3.MustParseTime(benchbase.SeedTime)
	return &wechatpay.AddUserRecordsRequest{
		CardTemplateID: benchbase.SeedCardTemplateID,
		ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "578354545",
			ObjectiveID:                 "123456",
			CompletionTime:              t,
			CompletionType:              wechatpay.CompletionTypeIncrease,
			Description:                 benchbase.SeedDescription,
			CompletionCount:             1,
			Remark:                      apiv3.Ptr(benchbase.SeedRemark),
		}},
		RewardUsageRecords: []wechatpay.RewardUsageRecord{{
			RewardUsageSerialNo: "578354",
			RewardID:            "123456",
			UsageTime:           t,
			UsageType:           wechatpay.UsageTypeIncrease,
			Description:         benchbase.SeedDescription,
			UsageCount:          1,
			Amount:              100,
			Remark:              apiv3.Ptr(benchbase.SeedRemark),
		}},
	}
}
