package apiv3

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"testing"
	"time"
)

// constAuth signs with a constant and verifies everything, without
// allocating, so that allocation counts are the transport runtime's own.
type constAuth struct{}

func (constAuth) authorize(string, string, []byte) (string, error) {
	return `WECHATPAY2-SHA256-RSA2048 mchid="1",signature="x"`, nil
}
func (constAuth) verify(http.Header, []byte) error { return nil }
func (constAuth) serialHeader() string             { return "S" }
func (constAuth) mchID() string                    { return "1" }

// staticTransport answers 200 with an empty body, allocating as little as
// an http.RoundTripper can.
type staticTransport struct{}

func (staticTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// TestRuntimeAllocations pins how often the runtime allocates to build one
// signed request (NewRequest) and to make one call (Do), with signing and
// the transport stubbed out, so that the counts are the runtime's and
// net/http's request plumbing only, and exact. They are pins, not budgets:
// a change that adds an allocation per call must raise them on purpose,
// and one that saves some must lower them. (The end-to-end budget against
// the baseline client is TestCallAllocationsWithinBudget in
// generated/wechatpay.)
func TestRuntimeAllocations(t *testing.T) {
	if raceEnabled() {
		t.Skip("allocation counts differ under -race")
	}
	c := allocClient(t)
	const code = "6e8369071cd942c0476613f9d1ce9ca3"
	get := &Request{Method: "GET", Path: "/v3/discount-card/cards/" + code}
	post := &Request{Method: "POST", Path: "/v3/discount-card/cards/" + code + "/add-user-records",
		Body: &card{OutCardCode: code}, Idempotent: true}
	escaped := &Request{Method: "GET", Path: "/v3/discount-card/cards/ab%7Ccd%2Aef", Query: "offset=0&limit=10"}
	ctx := context.Background()
	tests := []struct {
		name string
		want float64
		f    func() error
	}{
		{"NewRequest GET", 12, func() error { _, err := c.NewRequest(ctx, get); return err }},
		{"NewRequest POST", 18, func() error { _, err := c.NewRequest(ctx, post); return err }},
		{"NewRequest GET escaped path and query", 15, func() error { _, err := c.NewRequest(ctx, escaped); return err }},
		{"Do GET", 24, func() error { _, err := c.Do(ctx, get, nil); return err }},
		{"Do POST", 30, func() error { _, err := c.Do(ctx, post, nil); return err }},
		{"Do GET escaped path and query", 27, func() error { _, err := c.Do(ctx, escaped, nil); return err }},
	}
	for _, tt := range tests {
		checkAllocs(t, tt.name, tt.want, tt.f)
	}
}

// checkAllocs fails unless f allocates exactly want times per run.
func checkAllocs(t *testing.T, name string, want float64, f func() error) {
	t.Helper()
	{
		var err error
		n := testing.AllocsPerRun(100, func() { err = f() })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %.0f allocations", name, n)
		if n != want {
			t.Errorf("%s allocates %.0f times, want %.0f", name, n, want)
		}
	}
}

// allocClient is the client of TestRuntimeAllocations with opts.
func allocClient(t testing.TB, opts ...Option) *Client {
	c, err := NewClient(testConfig(""), append([]Option{WithHTTPClient(&http.Client{Transport: staticTransport{}})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c.auth = constAuth{}
	return c
}

// quietLogger drops everything below Info: the Debug records of attempts
// are off.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))

// TestConvenienceAllocations pins what the conveniences cost a call: a
// logger whose level is above Debug nothing at all, a WithRetry given to
// NewClient nothing (a WithTimeout what context.WithTimeout costs), and
// middleware two allocations per attempt (the Operation and the context
// carrying it).
func TestConvenienceAllocations(t *testing.T) {
	if raceEnabled() {
		t.Skip("allocation counts differ under -race")
	}
	ctx := context.Background()
	get := &Request{OperationID: "getCard", Method: "GET", Template: "/v3/discount-card/cards/{out_card_code}", Path: "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3"}
	pass := func(next http.RoundTripper) http.RoundTripper { return next }
	for _, tt := range []struct {
		name string
		opts []Option
		want float64
	}{
		{"Do GET, no option", nil, 24},
		{"Do GET, logger above Debug", []Option{WithLogger(quietLogger)}, 24},
		{"Do GET, client-wide WithRetry", []Option{WithRetry(RetryPolicy{MaxAttempts: 2})}, 24},
		{"Do GET, client-wide WithTimeout", []Option{WithTimeout(time.Minute)}, 24 + 4}, // context.WithTimeout, as for a call's own
		{"Do GET, middleware", []Option{WithMiddleware(pass)}, 24 + 2},
	} {
		c := allocClient(t, tt.opts...)
		checkAllocs(t, tt.name, tt.want, func() error { _, err := c.Do(ctx, get, nil); return err })
	}
}

// BenchmarkLogger measures a call with no logger, with a logger whose level
// is above Debug (what production runs: it must cost nothing) and with one
// that logs every attempt to io.Discard.
func BenchmarkLogger(b *testing.B) {
	ctx := context.Background()
	get := &Request{OperationID: "getCard", Method: "GET", Template: "/v3/discount-card/cards/{out_card_code}", Path: "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3"}
	debug := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, bb := range []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"off", []Option{WithLogger(quietLogger)}},
		{"debug", []Option{WithLogger(debug)}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			c := allocClient(b, bb.opts...)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Do(ctx, get, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
