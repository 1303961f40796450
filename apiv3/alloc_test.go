package apiv3

import (
	"context"
	"net/http"
	"runtime/debug"
	"testing"
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
	c, err := NewClient(testConfig(""), WithHTTPClient(&http.Client{Transport: staticTransport{}}))
	if err != nil {
		t.Fatal(err)
	}
	c.auth = constAuth{}
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
		var err error
		n := testing.AllocsPerRun(100, func() { err = tt.f() })
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		t.Logf("%s: %.0f allocations", tt.name, n)
		if n != tt.want {
			t.Errorf("%s allocates %.0f times, want %.0f", tt.name, n, tt.want)
		}
	}
}
