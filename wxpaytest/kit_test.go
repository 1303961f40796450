package wxpaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

func newClient(t testing.TB, cfg apiv3.Config, opts ...apiv3.Option) *wechatpay.Client {
	t.Helper()
	c, err := wechatpay.NewClient(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func apiError(t *testing.T, err error, status int, code string) *apiv3.APIError {
	t.Helper()
	var ae *apiv3.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status || ae.Code != code {
		t.Fatalf("error %v, want %d %s", err, status, code)
	}
	return ae
}

// TestRequestsAreCheckedAsWeChatPayChecksThem: a request signed with
// another key is refused with 401 SIGN_ERROR, a body the spec refuses with
// 400 PARAM_ERROR naming the field; both answers are signed, and recorded.
func TestRequestsAreCheckedAsWeChatPayChecksThem(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	ctx := context.Background()

	other := kit.Config()
	other.MerchantCertificatePEM, other.MerchantPrivateKeyPEM = testkeys.MerchantCertPEM, testkeys.MerchantKeyPEM
	_, _, err := newClient(t, other).V3.DiscountCard.Cards.OutCardCode("c").Get(ctx)
	if ae := apiError(t, err, 401, "SIGN_ERROR"); !ae.Verified {
		t.Error("the SIGN_ERROR answer was not signed")
	}

	c := newClient(t, kit.Config())
	_, _, err = c.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{OutRefundNo: "R1",
		Amount: wechatpay.CreateRefundRequestAmount{Refund: 1, Total: 1, Currency: "CNY"}}, apiv3.SkipValidation())
	ae := apiError(t, err, 400, "PARAM_ERROR")
	var d struct{ Field, Location string }
	json.Unmarshal(ae.Detail, &d)
	if d.Location != "body" || d.Field == "" {
		t.Errorf("PARAM_ERROR detail %s", ae.Detail)
	}

	calls := kit.Calls()
	if len(calls) != 2 || calls[0].Verified || calls[0].Code != "SIGN_ERROR" || !calls[1].Verified ||
		calls[1].Operation != "createRefund" || calls[1].Code != "PARAM_ERROR" {
		t.Errorf("calls %+v", calls)
	}
}

// TestCallsRecordWhatWasSent: operation, path parameters, query and the
// decoded JSON body of each request.
func TestCallsRecordWhatWasSent(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	c := newClient(t, kit.Config())
	ctx := context.Background()
	prepay(t, c, "T_1", 10)
	kit.Pay("T_1")
	if _, _, err := c.V3.Pay.Transactions.OutTradeNo.OutTradeNo("T_1").Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	refund, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{
		OutTradeNo: apiv3.Ptr("T_1"), OutRefundNo: "R-9", Amount: wechatpay.CreateRefundRequestAmount{Refund: 5, Total: 10, Currency: "CNY"}})
	if err != nil || refund.RefundID == "" {
		t.Fatalf("refund %+v, %v", refund, err)
	}
	q := kit.LastCall("queryOrderByOutTradeNo")
	if q.PathParams["out_trade_no"] != "T_1" || q.Target != "/v3/pay/transactions/out-trade-no/T_1?mchid=1230000109" ||
		q.Query.Get("mchid") != "1230000109" || q.Status != 200 {
		t.Errorf("query call %+v", q)
	}
	r := kit.LastCall("createRefund")
	body, _ := r.JSON.(map[string]any)
	if body["out_refund_no"] != "R-9" || body["amount"].(map[string]any)["refund"] != json.Number("5") {
		t.Errorf("refund body %v", r.JSON)
	}
	var req wechatpay.CreateRefundRequest
	if err := r.Decode(&req); err != nil || req.Amount.Total != 10 {
		t.Errorf("Decode: %+v %v", req, err)
	}
}

// TestFaults: latency delays, stale is refused by the client's skew check,
// a 500 is retried by an idempotent call.
func TestFaults(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	c := newClient(t, kit.Config())
	card := c.V3.DiscountCard.Cards.OutCardCode("c")
	ctx := context.Background()

	kit.Inject(wxpaytest.Fault{Kind: wxpaytest.FaultLatency, Delay: 100 * time.Millisecond, Operation: "getCard", Times: 1})
	start := time.Now()
	if _, _, err := card.Get(ctx); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Errorf("latency: %v after %v", err, time.Since(start))
	}
	kit.InjectSpec("stale,times=1")
	if _, _, err := card.Get(ctx); !errors.Is(err, apiv3.ErrTimestampSkew) {
		t.Errorf("stale: %v", err)
	}
	kit.InjectSpec("500,times=1,op=getCard")
	if _, _, err := card.Get(ctx); err != nil {
		t.Errorf("500 then the example: %v", err)
	}
	if n := len(kit.Calls("getCard")); n != 4 {
		t.Errorf("%d getCard calls, want 4", n)
	}
	kit.Reset()
	if len(kit.Calls()) != 0 {
		t.Error("Reset kept the calls")
	}
}

// TestNotifyURL: a notification over HTTP to the merchant's server, with
// the generated handlers, which verify, decrypt and deduplicate it.
func TestNotifyURL(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS), wxpaytest.WithMode(wxpaytest.Certificate))
	c := newClient(t, kit.Config())
	var got []string
	hs := httptest.NewServer(c.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserPaid: func(_ context.Context, n *apiv3.Notification, r *wechatpay.UserPaidResource) error {
			got = append(got, n.ID+" "+r.OutCardCode)
			return nil
		},
	}))
	defer hs.Close()
	n := wxpaytest.Notification{EventType: wechatpay.EventTypeUserPaid, ID: "EV-2018022511223320873",
		Resource: json.RawMessage(`{"out_card_code":"c1","state":"UNFINISHED","total_amount":1}`)}
	for i := 0; i < 2; i++ { // the second is a repeat, acknowledged but not handled again
		if resp := kit.NotifyURL(hs.URL, n); resp.StatusCode/100 != 2 {
			t.Fatalf("answer %d", resp.StatusCode)
		}
	}
	if len(got) != 1 || got[0] != "EV-2018022511223320873 c1" {
		t.Errorf("handled %q", got)
	}
	// A handler without OnUnknown refuses an event it does not know, so
	// WeChat Pay would send it again.
	if resp := kit.NotifyURL(hs.URL, wxpaytest.Notification{EventType: "REFUND.SUCCESS", Resource: map[string]any{}}); resp.StatusCode/100 == 2 {
		t.Errorf("unknown event acknowledged: %d", resp.StatusCode)
	}
}

// TestNotificationIDsAreDistinct: a thousand notifications in one second
// get a thousand ids (a deduplicating handler drops a repeated id).
func TestNotificationIDsAreDistinct(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS), wxpaytest.WithClock(func() time.Time { return time.Unix(1700000000, 0) }))
	seen := map[string]bool{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct{ ID string }
		json.NewDecoder(r.Body).Decode(&env)
		seen[env.ID] = true
		w.WriteHeader(204)
	})
	for range 1000 {
		kit.Notify(h, wxpaytest.Notification{EventType: "REFUND.SUCCESS", Resource: map[string]any{}})
	}
	if len(seen) != 1000 {
		t.Errorf("%d distinct ids for 1000 notifications", len(seen))
	}
}

// TestOwnSpecFolder: a folder of the user's, with an endpoint the bundled
// spec does not have, served from Dir.
func TestOwnSpecFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "things.yaml"), []byte(thingsYAML), 0o644)
	kit := wxpaytest.Start(t, wxpaytest.Dir(dir))
	if got := kit.Operations(); len(got) != 1 || got[0] != "getThing" {
		t.Fatalf("operations %v", got)
	}
	c := newClient(t, kit.Config())
	var thing struct{ Name string }
	if _, err := c.Chain("v3/things/{id}").Do(context.Background(), http.MethodGet, map[string]string{"id": "7"}, nil, &thing); err != nil || thing.Name != "一个" {
		t.Fatalf("getThing: %+v %v", thing, err)
	}
	kit.Respond("getThing", wxpaytest.Answer{Body: map[string]string{"name": "programmed"}})
	if _, err := c.Chain("v3/things/{id}").Do(context.Background(), http.MethodGet, map[string]string{"id": "7"}, nil, &thing); err != nil || thing.Name != "programmed" {
		t.Fatalf("getThing programmed: %+v %v", thing, err)
	}
	// Misuse fails the test that made it (here: panics, for New).
	k, err := wxpaytest.New(wxpaytest.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	for name, f := range map[string]func(){
		"unknown operation": func() { k.Respond("noSuch", wxpaytest.Answer{}) },
		"code with a body":  func() { k.Respond("getThing", wxpaytest.Answer{Code: "X", Body: "y"}) },
		"bad fault spec":    func() { k.InjectSpec("explode") },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "wxpaytest: ") {
					t.Errorf("%s: recovered %v", name, r)
				}
			}()
			f()
		}()
	}
	if _, err := wxpaytest.New(wxpaytest.Dir(filepath.Join(dir, "missing"))); err == nil {
		t.Error("a missing spec folder was accepted")
	}
}

// TestParallelTests share one kit.
func TestParallelTests(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	c := newClient(t, kit.Config())
	for i := range 16 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			code := fmt.Sprintf("card-%d", i)
			for range 5 {
				if _, _, err := c.V3.DiscountCard.Cards.OutCardCode(code).Get(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	t.Cleanup(func() {
		if n := len(kit.Calls("getCard")); n != 80 {
			t.Errorf("%d calls recorded, want 80", n)
		}
	})
}

const thingsYAML = `openapi: 3.0.3
info: {title: things, version: '1'}
paths:
  /v3/things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: '^[0-9]+$'}}
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties: {name: {type: string}}
              example: {name: 一个}
`
