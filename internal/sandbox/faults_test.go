package sandbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

func TestParseFaults(t *testing.T) {
	got, err := sandbox.ParseFaults(" latency=300ms,op=getCard ; 429,times=2;drop,times=1,op=addUserRecords;500;202;badsig;stale;drop-after,times=3 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []sandbox.Fault{
		{Kind: "latency", Delay: 300 * time.Millisecond, Operation: "getCard"},
		{Kind: "429", Times: 2},
		{Kind: "drop", Times: 1, Operation: "addUserRecords"},
		{Kind: "500"}, {Kind: "202"}, {Kind: "badsig"}, {Kind: "stale"}, {Kind: "drop-after", Times: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	back, err := sandbox.ParseFaults(sandbox.FormatFaults(got))
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("round trip: %+v %v", back, err)
	}
	if f, err := sandbox.ParseFaults(""); err != nil || f != nil {
		t.Errorf("empty spec: %v %v", f, err)
	}
	for _, bad := range []string{"latency", "latency=-1s", "429=1", "teapot", "500,times=0", "500,op=", "500,when=now"} {
		if _, err := sandbox.ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}

// TestFaults injects each fault once and checks what the generated client
// sees, then that the next call goes through, in every mode.
func TestFaults(t *testing.T) {
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withMode(mode))
			ctx := ctxT(t)
			e.claim("card")
			var last *apiv3.Response
			get := func() (*wechatpay.Card, error) {
				c, resp, err := e.client.V3.DiscountCard.Cards.OutCardCode("card").Get(ctx)
				last = resp
				return c, err
			}
			cases := []struct {
				spec  string
				check func(t *testing.T, c *wechatpay.Card, err error, took time.Duration)
			}{
				{"latency=300ms,times=1", func(t *testing.T, c *wechatpay.Card, err error, took time.Duration) {
					if err != nil || took < 300*time.Millisecond {
						t.Errorf("latency: %v after %v", err, took)
					}
				}},
				{"202,times=1", func(t *testing.T, c *wechatpay.Card, err error, _ time.Duration) {
					// A signed 202 with an empty body; the runtime calls it an error.
					if last == nil || last.StatusCode != 202 || len(last.Body) != 0 || (c != nil && c.CardID != "") {
						t.Errorf("202: %+v %+v %v", last, c, err)
					}
				}},
				{"429,times=1", func(t *testing.T, _ *wechatpay.Card, err error, _ time.Duration) {
					apiErr(t, err, 429, "RATELIMIT_EXCEEDED")
				}},
				{"500,times=1", func(t *testing.T, _ *wechatpay.Card, err error, _ time.Duration) {
					apiErr(t, err, 500, "SYSTEM_ERROR")
				}},
				{"badsig,times=1", func(t *testing.T, _ *wechatpay.Card, err error, _ time.Duration) {
					if !errors.Is(err, apiv3.ErrBadSignature) {
						t.Errorf("badsig: %v", err)
					}
				}},
				{"stale,times=1", func(t *testing.T, _ *wechatpay.Card, err error, _ time.Duration) {
					if !errors.Is(err, apiv3.ErrTimestampSkew) {
						t.Errorf("stale: %v", err)
					}
				}},
			}
			for _, tc := range cases {
				f, err := sandbox.ParseFaults(tc.spec)
				if err != nil {
					t.Fatal(err)
				}
				e.srv.SetFaults(f)
				start := time.Now()
				c, err := get()
				tc.check(t, c, err, time.Since(start))
				if left := e.srv.Faults(); len(left) != 0 {
					t.Errorf("%s: faults left %+v", tc.spec, left)
				}
				if c, err := get(); err != nil || c.OutCardCode != "card" {
					t.Errorf("after %s: %+v %v", tc.spec, c, err)
				}
			}

			// Faults limited to one operation; a fault on add-user-records
			// does not apply the records, so a retry does.
			f, _ := sandbox.ParseFaults("500,op=addUserRecords,times=1;drop,op=addUserRecords,times=1")
			e.srv.SetFaults(f)
			body := &wechatpay.AddUserRecordsRequest{CardTemplateID: e.cfg.Template.CardTemplateID,
				RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(e.cfg.Template.Rewards[1].RewardID, "f1", wechatpay.UsageTypeIncrease, 1, 10)}}
			if _, err := get(); err != nil {
				t.Errorf("getCard hit an addUserRecords fault: %v", err)
			}
			add := e.client.V3.DiscountCard.Cards.OutCardCode("card").AddUserRecords
			_, err := add.Post(ctx, body)
			apiErr(t, err, 500, "SYSTEM_ERROR")
			// A dropped connection (on a GET, net/http itself would resend
			// the request on a fresh connection, so it is tested on a POST).
			_, err = add.Post(ctx, body)
			var ae *apiv3.APIError
			var ve *apiv3.VerificationError
			if err == nil || errors.As(err, &ae) || errors.As(err, &ve) {
				t.Errorf("drop: want a transport error, got %v", err)
			}
			if _, err := add.Post(ctx, body); err != nil {
				t.Errorf("third add-user-records: %v", err)
			}
			c, err := get()
			if err != nil || *c.TotalAmount != 10 {
				t.Errorf("card after faults: %+v %v", c, err)
			}
		})
	}
}

// TestControlEndpoints drives the unsigned /sandbox/ endpoints over HTTP.
func TestControlEndpoints(t *testing.T) {
	e := newEnv(t)
	e.prepare("ctl-1")
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(e.hs.URL+path, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if st, m := post("/sandbox/cards/ctl-1/accept", `{"openid":"oCtl"}`); st != 200 || m["state"] != "ONGOING" || m["openid"] != "oCtl" {
		t.Errorf("accept: %d %v", st, m)
	}
	if n := e.next(); n.eventType != wechatpay.EventTypeUserAccepted {
		t.Errorf("got %s", n.eventType)
	}
	if st, m := post("/sandbox/cards/ctl-1/accept", ``); st != 409 {
		t.Errorf("second accept: %d %v", st, m)
	}
	if st, m := post("/sandbox/cards/none/accept", ``); st != 404 {
		t.Errorf("unknown accept: %d %v", st, m)
	}
	if st, m := post("/sandbox/cards/ctl-1/end", `{"state":"DONE"}`); st != 400 {
		t.Errorf("bad end: %d %v", st, m)
	}
	if st, m := post("/sandbox/cards/ctl-1/end", `{"state":"UNFINISHED","pay_amount":5}`); st != 200 || m["state"] != "UNFINISHED" {
		t.Errorf("end: %d %v", st, m)
	}
	if a, b := e.next(), e.next(); a.eventType != wechatpay.EventTypeAgreementEnded || b.eventType != wechatpay.EventTypeUserPaid || b.paid.PayInformation.PayAmount != 5 {
		t.Errorf("got %s, %s", a.eventType, b.eventType)
	}
	if st, m := post("/sandbox/faults", `{"spec":"429,times=3"}`); st != 200 || m["spec"] != "429,times=3" {
		t.Errorf("faults: %d %v", st, m)
	}
	if st, m := post("/sandbox/faults", `{"spec":"nonsense"}`); st != 400 {
		t.Errorf("bad faults: %d %v", st, m)
	}
	if st, m := post("/sandbox/faults", `{"spec":""}`); st != 200 || m["spec"] != "" {
		t.Errorf("clear faults: %d %v", st, m)
	}
	if err := e.srv.WaitNotifications(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.hs.URL + "/sandbox/notifications")
	if err != nil {
		t.Fatal(err)
	}
	var stats sandbox.NotificationStats
	json.NewDecoder(resp.Body).Decode(&stats)
	resp.Body.Close()
	if stats.Delivered != 3 || stats.Pending != 0 {
		t.Errorf("stats %+v", stats)
	}
}

// TestNotificationRetries: the merchant refuses the first deliveries; the
// sandbox retries with backoff until acknowledged, and gives up after
// NotifyAttempts.
func TestNotificationRetries(t *testing.T) {
	e := newEnv(t)
	e.mu.Lock()
	e.failNext = 3
	e.mu.Unlock()
	e.claim("r1") // fails unless retried
	if err := e.srv.WaitNotifications(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	st := e.srv.NotificationStats()
	if st.Delivered != 1 || st.Attempts != 4 {
		t.Errorf("stats %+v, want 1 delivered in 4 attempts", st)
	}

	e.cfg.NotifyAttempts = 3
	e.cfg.DataFile = ""
	e.start()
	e.clientCfg.BaseURL, e.clientCfg.BackupBaseURL = e.hs.URL, e.hs.URL
	e.client = e.newClient(e.clientCfg)
	e.mu.Lock()
	e.failNext = 100
	e.mu.Unlock()
	e.prepare("r2")
	if _, err := e.srv.Accept(ctxT(t), "r2", sandbox.AcceptOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.WaitNotifications(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.NotificationStats(); st.Abandoned != 1 || st.Attempts != 3 || st.Delivered != 0 {
		t.Errorf("stats %+v, want 1 abandoned after 3 attempts", st)
	}
}

// TestFaultsWithRetries: the runtime's own retries get through transient
// faults, and add-user-records applies its records once.
func TestFaultsWithRetries(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	e.claim("card")
	c, err := wechatpay.NewClient(e.clientCfg, apiv3.WithRetry(apiv3.RetryPolicy{BaseDelay: 5 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	reward := e.cfg.Template.Rewards[1].RewardID
	for i, spec := range []string{"500,times=2", "429,times=1;202,times=1", "drop,times=2", "drop-after,times=1"} {
		f, err := sandbox.ParseFaults(spec)
		if err != nil {
			t.Fatal(err)
		}
		e.srv.SetFaults(f)
		body := &wechatpay.AddUserRecordsRequest{CardTemplateID: e.cfg.Template.CardTemplateID,
			RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(reward, "w"+string(rune('a'+i)), wechatpay.UsageTypeIncrease, 1, 10)}}
		if _, err := c.V3.DiscountCard.Cards.OutCardCode("card").AddUserRecords.Post(ctx, body); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
	}
	card, _, err := c.V3.DiscountCard.Cards.OutCardCode("card").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(card.Rewards[1].RewardUsageRecords); n != 4 || *card.TotalAmount != 40 {
		t.Errorf("%d records, total %d; want 4 and 40", n, *card.TotalAmount)
	}

	// prepareCard is not repeated by the runtime; after a lost answer the
	// merchant repeats it and gets the same token.
	f, _ := sandbox.ParseFaults("drop-after,times=1,op=prepareCard")
	e.srv.SetFaults(f)
	req := &wechatpay.PrepareCardRequest{OutCardCode: "lost", CardTemplateID: e.cfg.Template.CardTemplateID,
		AppID: "wxd678efh567hg6787", NotifyURL: e.notifyURL}
	if _, _, err := c.V3.DiscountCard.Cards.Post(ctx, req); err == nil {
		t.Fatal("prepareCard with a lost answer: no error")
	}
	resp, _, err := c.V3.DiscountCard.Cards.Post(ctx, req)
	if err != nil || resp.PrepareCardToken == "" {
		t.Fatalf("repeated prepareCard: %v", err)
	}
	if again := e.prepare("lost"); again != resp.PrepareCardToken {
		t.Errorf("tokens differ: %s %s", again, resp.PrepareCardToken)
	}
}
