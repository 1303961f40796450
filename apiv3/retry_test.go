package apiv3

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// fastRetry keeps the waits of retry tests short.
var fastRetry = WithRetry(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond})

// statusSequence answers the statuses in turn, then 200 with a JSON body.
func statusSequence(n *atomic.Int32, statuses ...int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		i := int(n.Add(1)) - 1
		w.Header().Set("Request-ID", "RID-"+strconv.Itoa(i+1))
		if i < len(statuses) {
			w.WriteHeader(statuses[i])
			io.WriteString(w, `{"code":"SYSTEM_ERROR","message":"retry"}`)
			return
		}
		io.WriteString(w, `{"out_card_code":"ok"}`)
	}
}

func TestRetriedStatuses(t *testing.T) {
	for _, status := range []int{202, 429, 500, 502, 503, 504} {
		for _, req := range []Request{
			{Method: "GET", Path: "/v3/discount-card/cards/c1"},
			{Method: "POST", Path: "/v3/discount-card/cards/c1/add-user-records", Body: &card{OutCardCode: "c1"}, Idempotent: true},
		} {
			t.Run(strconv.Itoa(status)+"/"+req.Method, func(t *testing.T) {
				var n atomic.Int32
				var events atomic.Int32
				c, f, _ := newFakeClient(t, statusSequence(&n, status, status), fastRetry,
					WithDebugHook(func(DebugEvent) { events.Add(1) }))
				var out card
				res, err := c.Do(context.Background(), &req, &out)
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if n.Load() != 3 || res.StatusCode != 200 || res.RequestID != "RID-3" || out.OutCardCode != "ok" {
					t.Errorf("%d attempts, res = %+v, out = %+v", n.Load(), res, out)
				}
				if signs, _ := f.counts(); signs != 3 {
					t.Errorf("signed %d times, want once per attempt", signs)
				}
				if events.Load() != 3 {
					t.Errorf("debug hook fired %d times, want once per attempt", events.Load())
				}
			})
		}
	}
}

func TestNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		req    Request
		status int
	}{
		{"GET 400", Request{Method: "GET", Path: "/v3/x"}, 400},
		{"GET 401", Request{Method: "GET", Path: "/v3/x"}, 401},
		{"GET 404", Request{Method: "GET", Path: "/v3/x"}, 404},
		{"idempotent 409", Request{Method: "POST", Path: "/v3/x", Idempotent: true}, 409},
		{"POST 500", Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c"}}, 500},
		{"POST 503", Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c"}}, 503},
		{"POST 429", Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c"}}, 429},
		{"PATCH 502", Request{Method: "PATCH", Path: "/v3/discount-card/orders/o", Body: &card{OutCardCode: "c"}}, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c, _, _ := newFakeClient(t, statusSequence(&n, tt.status, tt.status, tt.status), fastRetry)
			res, err := c.Do(context.Background(), &tt.req, nil)
			var ae *APIError
			var re *RetryError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || errors.As(err, &re) {
				t.Errorf("err = %v (%T), want a bare *APIError %d", err, err, tt.status)
			}
			if n.Load() != 1 || res == nil || res.StatusCode != tt.status {
				t.Errorf("%d attempts, res = %+v", n.Load(), res)
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	var n atomic.Int32
	c, _, _ := newFakeClient(t, statusSequence(&n, 503, 503, 503, 503), fastRetry)
	res, err := c.Do(context.Background(), &Request{Method: "GET", Template: "/v3/x/{id}", Path: "/v3/x/1"}, nil)
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 3 || re.Cause != nil || re.Op != "GET /v3/x/{id}" {
		t.Fatalf("err = %#v, want a *RetryError after 3 attempts", err)
	}
	if !IsCode(err, "SYSTEM_ERROR") || res == nil || res.RequestID != "RID-3" {
		t.Errorf("last attempt not reported: err = %v, res = %+v", err, res)
	}
	want := "apiv3: GET /v3/x/{id}: gave up after 3 attempts: HTTP 503 Service Unavailable: SYSTEM_ERROR: retry (Request-ID RID-3)"
	if err.Error() != want {
		t.Errorf("message\n %s\nwant\n %s", err, want)
	}
	if n.Load() != 3 {
		t.Errorf("%d attempts", n.Load())
	}

	n.Store(0)
	c5, _, _ := newFakeClient(t, statusSequence(&n, 500, 500, 500, 500, 500, 500), WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond}))
	if _, err := c5.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); !errors.As(err, &re) || re.Attempts != 5 || n.Load() != 5 {
		t.Errorf("MaxAttempts 5: err = %v, %d attempts", err, n.Load())
	}
}

func TestAccepted(t *testing.T) {
	idem := Request{Method: "POST", Path: "/v3/discount-card/cards/c/add-user-records", Body: &card{OutCardCode: "c"}, Idempotent: true}

	// Still 202 after the last attempt: an error, not a success.
	var n atomic.Int32
	c, _, _ := newFakeClient(t, statusSequence(&n, 202, 202, 202), fastRetry)
	res, err := c.Do(context.Background(), &idem, nil)
	var ae *APIError
	var re *RetryError
	if !errors.As(err, &ae) || ae.StatusCode != 202 || !ae.Verified || !errors.As(err, &re) || re.Attempts != 3 {
		t.Errorf("err = %v, want an *APIError 202 in a *RetryError", err)
	}
	if res == nil || res.StatusCode != 202 || !strings.Contains(err.Error(), "HTTP 202 Accepted") {
		t.Errorf("res = %+v, err = %v", res, err)
	}

	// Without retries it is an error after one attempt.
	n.Store(0)
	c1, _, _ := newFakeClient(t, statusSequence(&n, 202), WithoutRetry())
	if _, err := c1.Do(context.Background(), &idem, nil); !errors.As(err, &ae) || ae.StatusCode != 202 || errors.As(err, &re) || n.Load() != 1 {
		t.Errorf("WithoutRetry: err = %v after %d attempts, want a bare *APIError 202", err, n.Load())
	}

	// A request that is not repeatable gets its 202 as a success.
	n.Store(0)
	c2, _, _ := newFakeClient(t, statusSequence(&n, 202), fastRetry)
	res, err = c2.Do(context.Background(), &Request{Method: "POST", Path: "/v3/x", Body: &card{}}, nil)
	if err != nil || res.StatusCode != 202 || n.Load() != 1 {
		t.Errorf("non-idempotent 202: res = %+v, err = %v, %d attempts", res, err, n.Load())
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// failoverClient returns a client whose primary host is base and whose
// backup is backup, with fake credentials, and the URLs its debug hook saw.
func failoverClient(t *testing.T, base, backup string, opts ...Option) (*Client, func() []string) {
	t.Helper()
	var (
		mu   sync.Mutex
		urls []string
	)
	cfg := testConfig(base)
	cfg.BackupBaseURL = backup
	opts = append(opts, WithDebugHook(func(ev DebugEvent) {
		mu.Lock()
		defer mu.Unlock()
		urls = append(urls, ev.URL)
	}))
	c, err := NewClient(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	c.auth = &fakeAuth{serial: testkeys.PublicKeyID}
	return c, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

func TestFailoverOnConnectionRefused(t *testing.T) {
	primary := "http://" + closedAddr(t)
	var got captured
	var hits atomic.Int32
	backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		recordingHandler(&got, 200, `{"out_card_code":"from-backup"}`)(w, r)
	}))
	t.Cleanup(backup.Close)

	c, urls := failoverClient(t, primary, backup.URL+"/", fastRetry)
	var out card
	res, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/discount-card/cards/a%7Cb"}, &out)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if out.OutCardCode != "from-backup" || res.RequestID != "RID-42" || hits.Load() != 1 {
		t.Errorf("out = %+v, res = %+v, backup hits %d", out, res, hits.Load())
	}
	want := []string{primary + "/v3/discount-card/cards/a%7Cb", backup.URL + "/v3/discount-card/cards/a%7Cb"}
	if u := urls(); len(u) != 2 || u[0] != want[0] || u[1] != want[1] {
		t.Errorf("attempts went to %q, want %q", u, want)
	}
	if got.requestURI != "/v3/discount-card/cards/a%7Cb" || fakeSigned(t, got.header.Get("Authorization")) != "GET\n/v3/discount-card/cards/a%7Cb\n\n" {
		t.Errorf("backup got %q signed %q", got.requestURI, fakeSigned(t, got.header.Get("Authorization")))
	}

	// An idempotent POST fails over too, with its body.
	hits.Store(0)
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/r", Body: &card{OutCardCode: "c"}, Idempotent: true}, nil)
	if err != nil || hits.Load() != 1 || got.body != `{"out_card_code":"c"}` {
		t.Errorf("idempotent POST: err = %v, backup hits %d, body %q", err, hits.Load(), got.body)
	}
}

func TestNoFailoverForPost(t *testing.T) {
	primary := "http://" + closedAddr(t)
	var hits atomic.Int32
	backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(backup.Close)

	c, urls := failoverClient(t, primary, backup.URL, fastRetry)
	res, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c"}}, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) || res != nil {
		t.Errorf("err = %v, res = %+v, want connection refused", err, res)
	}
	var re *RetryError
	if errors.As(err, &re) {
		t.Errorf("a POST sent once reports retries: %v", err)
	}
	if hits.Load() != 0 || len(urls()) != 1 {
		t.Errorf("non-idempotent POST resent: backup hits %d, attempts %q", hits.Load(), urls())
	}
}

func TestNoFailoverOnHTTPError(t *testing.T) {
	var n atomic.Int32
	primary := httptest.NewServer(statusSequence(&n, 503, 503, 503))
	t.Cleanup(primary.Close)
	var hits atomic.Int32
	backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(backup.Close)

	c, _ := failoverClient(t, primary.URL, backup.URL, fastRetry)
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); !IsCode(err, "SYSTEM_ERROR") {
		t.Errorf("err = %v", err)
	}
	if n.Load() != 3 || hits.Load() != 0 {
		t.Errorf("primary %d attempts, backup %d: an HTTP error must not fail over", n.Load(), hits.Load())
	}
}

func TestFailoverAlternates(t *testing.T) {
	primary, backup := "http://"+closedAddr(t), "http://"+closedAddr(t)
	c, urls := failoverClient(t, primary, backup, fastRetry)
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil)
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 3 || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v", err)
	}
	if u := urls(); len(u) != 3 || u[0] != primary+"/v3/x" || u[1] != backup+"/v3/x" || u[2] != primary+"/v3/x" {
		t.Errorf("attempts went to %q", u)
	}
}

func TestRetryAfterBrokenConnection(t *testing.T) {
	var n atomic.Int32
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1: // connection closed before any response
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case 2: // body cut short
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"out_card`)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			io.WriteString(w, `{"out_card_code":"third"}`)
		}
	}, fastRetry)
	var out card
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, &out); err != nil || out.OutCardCode != "third" {
		t.Errorf("err = %v, out = %+v after %d attempts", err, out, n.Load())
	}
}

func TestRetryDeadline(t *testing.T) {
	slow := WithRetry(RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Second})

	// The wait would end after the deadline: stop at once.
	var n atomic.Int32
	c, _, _ := newFakeClient(t, statusSequence(&n, 503, 503, 503), slow)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := c.Do(ctx, &Request{Method: "GET", Path: "/v3/x"}, nil)
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("took %v: waited although the deadline was too close", d)
	}
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 1 || !errors.Is(err, context.DeadlineExceeded) || !IsCode(err, "SYSTEM_ERROR") {
		t.Errorf("err = %v, want a *RetryError after 1 attempt, DeadlineExceeded and the 503", err)
	}
	if res == nil || res.StatusCode != 503 || !strings.Contains(err.Error(), "deadline comes before attempt 2") {
		t.Errorf("res = %+v, err = %v", res, err)
	}

	// WithTimeout bounds the retries the same way.
	n.Store(0)
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil, WithTimeout(300*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) || n.Load() != 1 {
		t.Errorf("WithTimeout: err = %v after %d attempts", err, n.Load())
	}

	// A Retry-After beyond the deadline stops too.
	n.Store(0)
	c2, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(429)
	}, WithRetry(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Second}))
	ctx2, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	start = time.Now()
	if _, err := c2.Do(ctx2, &Request{Method: "GET", Path: "/v3/x"}, nil); !errors.Is(err, context.DeadlineExceeded) || n.Load() != 1 {
		t.Errorf("Retry-After past the deadline: err = %v after %d attempts", err, n.Load())
	}
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("Retry-After past the deadline: took %v", d)
	}

	// Cancelling the context during a wait ends it at once.
	n.Store(0)
	ctx3, cancel3 := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel3)
	start = time.Now()
	_, err = c.Do(ctx3, &Request{Method: "GET", Path: "/v3/x"}, nil)
	if !errors.Is(err, context.Canceled) || !errors.As(err, &re) || re.Attempts != 1 || !IsCode(err, "SYSTEM_ERROR") {
		t.Errorf("cancelled: err = %v", err)
	}
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Errorf("cancelled: took %v", d)
	}

	// With enough time every attempt is made.
	n.Store(0)
	c4, _, _ := newFakeClient(t, statusSequence(&n, 503, 503), WithRetry(RetryPolicy{BaseDelay: 20 * time.Millisecond}))
	ctx4, cancel4 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel4()
	if _, err := c4.Do(ctx4, &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil || n.Load() != 3 {
		t.Errorf("err = %v after %d attempts", err, n.Load())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var (
		n     atomic.Int32
		mu    sync.Mutex
		times []time.Time
	)
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
		case 2:
			w.Header().Set("Retry-After", "3600") // capped at MaxDelay
			w.WriteHeader(429)
		}
	}, WithRetry(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 150 * time.Millisecond}))
	start := time.Now()
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if gap := times[2].Sub(times[1]); gap < 140*time.Millisecond {
		t.Errorf("Retry-After 3600 capped at 150ms: waited only %v", gap)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v: Retry-After not capped", d)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		status int
		value  string
		want   time.Duration
		ok     bool
	}{
		{429, "2", 2 * time.Second, true},
		{503, " 0 ", 0, true},
		{503, now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, true},
		{503, now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{429, "99999999999", 24 * time.Hour, true},
		{500, "2", 0, false},
		{502, "2", 0, false},
		{429, "", 0, false},
		{429, "-1", 0, false},
		{429, "soon", 0, false},
	} {
		res := &Response{StatusCode: tt.status, Header: http.Header{}}
		if tt.value != "" {
			res.Header.Set("Retry-After", tt.value)
		}
		if d, ok := retryAfter(res, now); d != tt.want || ok != tt.ok {
			t.Errorf("%d Retry-After %q = %v, %v; want %v, %v", tt.status, tt.value, d, ok, tt.want, tt.ok)
		}
	}
	if _, ok := retryAfter(nil, now); ok {
		t.Error("no response: ok")
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	p, err := RetryPolicy{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	caps := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000, 2000}
	for i, d := range caps {
		d *= time.Millisecond
		n := i + 1
		lo, hi := d/2, d
		if got := p.backoff(n, func(int64) int64 { return 0 }); got != lo {
			t.Errorf("retry %d: lowest = %v, want %v", n, got, lo)
		}
		if got := p.backoff(n, func(k int64) int64 { return k - 1 }); got != hi {
			t.Errorf("retry %d: highest = %v, want %v", n, got, hi)
		}
		seen := map[time.Duration]bool{}
		for range 1000 {
			got := p.backoff(n, rand.Int64N)
			if got < lo || got > hi {
				t.Fatalf("retry %d: %v outside [%v, %v]", n, got, lo, hi)
			}
			seen[got] = true
		}
		if len(seen) < 100 {
			t.Errorf("retry %d: only %d distinct waits in 1000: no jitter?", n, len(seen))
		}
	}
	if got := (RetryPolicy{BaseDelay: 1, MaxDelay: 1}).backoff(1, rand.Int64N); got != 1 {
		t.Errorf("1ns policy: %v", got)
	}
	if got := p.backoff(200, rand.Int64N); got > p.MaxDelay {
		t.Errorf("retry 200: %v beyond MaxDelay", got)
	}
}

func TestRetryPolicyOptions(t *testing.T) {
	c, err := NewClient(testConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	if want := (RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}); c.settings.retry != want {
		t.Errorf("default policy = %+v, want %+v", c.settings.retry, want)
	}
	for _, tt := range []struct {
		opt  Option
		want RetryPolicy
	}{
		{WithoutRetry(), RetryPolicy{MaxAttempts: 1, BaseDelay: DefaultRetryBaseDelay, MaxDelay: DefaultRetryMaxDelay}},
		{WithRetry(RetryPolicy{MaxAttempts: 5}), RetryPolicy{MaxAttempts: 5, BaseDelay: DefaultRetryBaseDelay, MaxDelay: DefaultRetryMaxDelay}},
		{WithRetry(RetryPolicy{BaseDelay: 5 * time.Second}), RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Second, MaxDelay: 5 * time.Second}},
		{WithRetry(RetryPolicy{MaxDelay: 50 * time.Millisecond}), RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 50 * time.Millisecond}},
	} {
		c, err := NewClient(testConfig(""), tt.opt)
		if err != nil || c.settings.retry != tt.want {
			t.Errorf("policy = %+v, %v; want %+v", c.settings.retry, err, tt.want)
		}
	}
	for _, p := range []RetryPolicy{{MaxAttempts: -1}, {BaseDelay: -1}, {MaxDelay: -1}, {BaseDelay: time.Second, MaxDelay: time.Millisecond}} {
		if _, err := NewClient(testConfig(""), WithRetry(p)); err == nil || !strings.Contains(err.Error(), "WithRetry") {
			t.Errorf("WithRetry(%+v): err = %v", p, err)
		}
	}
}

func TestBackupHostDefaults(t *testing.T) {
	for _, tt := range []struct{ base, backup, want string }{
		{"", "", DefaultBackupBaseURL},
		{DefaultBaseURL, "", DefaultBackupBaseURL},
		{"http://127.0.0.1:8080", "", "http://127.0.0.1:8080"}, // never fail over from a test server to WeChat Pay
		{"https://proxy.example/wx/", "", "https://proxy.example/wx/"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/b/", "http://127.0.0.1:8081/b/"},
	} {
		cfg := testConfig(tt.base)
		cfg.BackupBaseURL = tt.backup
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.backup.url.String() != tt.want {
			t.Errorf("BaseURL %q, BackupBaseURL %q: backup = %s, want %s", tt.base, tt.backup, c.backup.url, tt.want)
		}
	}
}

// TestBackupBasePath checks that a backup with its own base path gets the
// request-target under that path, signed for it.
func TestBackupBasePath(t *testing.T) {
	var got captured
	backup := httptest.NewServer(recordingHandler(&got, 204, ""))
	t.Cleanup(backup.Close)
	c, _ := failoverClient(t, "http://"+closedAddr(t)+"/primary", backup.URL+"/b/", fastRetry)
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x", Query: "q=1"}, nil); err != nil {
		t.Fatal(err)
	}
	if got.requestURI != "/b/v3/x?q=1" || fakeSigned(t, got.header.Get("Authorization")) != "GET\n/b/v3/x?q=1\n\n" {
		t.Errorf("backup got %q", got.requestURI)
	}
}

// TestRetrySignsAfresh uses the real credentials: every attempt carries a
// valid signature with its own nonce.
func TestRetrySignsAfresh(t *testing.T) {
	mpub := parseRSAPublic(t, testkeys.MerchantPublicKeyPEM)
	var (
		mu     sync.Mutex
		nonces []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := checkMerchantSignature(r, body, mpub); err != nil {
			t.Errorf("attempt signature: %v", err)
		}
		_, nonce, _ := strings.Cut(r.Header.Get("Authorization"), `nonce_str="`)
		nonce, _, _ = strings.Cut(nonce, `"`)
		mu.Lock()
		nonces = append(nonces, nonce)
		mu.Unlock()
		w.WriteHeader(500)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(testConfig(srv.URL), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/discount-card/cards/c/add-user-records", Body: &card{OutCardCode: "c"}, Idempotent: true}, nil)
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 3 {
		t.Fatalf("err = %v", err)
	}
	if len(nonces) != 3 || nonces[0] == "" || nonces[0] == nonces[1] || nonces[1] == nonces[2] || nonces[0] == nonces[2] {
		t.Errorf("nonces = %q, want three different ones", nonces)
	}
}

func TestRetryConcurrent(t *testing.T) {
	var seen sync.Map // path -> *atomic.Int32
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		v, _ := seen.LoadOrStore(r.URL.Path, new(atomic.Int32))
		if v.(*atomic.Int32).Add(1) == 1 {
			w.WriteHeader(503)
		}
	}, fastRetry)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x/" + strconv.Itoa(i)}, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
