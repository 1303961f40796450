package apiv3

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// recorder is a middleware that notes what it saw, named so that the order
// of wrapping shows.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) middleware(name string) Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
			op, ok := OperationFrom(req.Context())
			r.mu.Lock()
			r.seen = append(r.seen, name+" "+describeOp(op, ok)+" authz="+boolString(req.Header.Get("Authorization") != ""))
			r.mu.Unlock()
			res, err := next.RoundTrip(req)
			if res != nil {
				r.mu.Lock()
				r.seen = append(r.seen, name+" got "+res.Status)
				r.mu.Unlock()
			}
			return res, err
		})
	}
}

func describeOp(op Operation, ok bool) string {
	if !ok {
		return "(none)"
	}
	return op.ID + " " + op.Method + " " + op.Template + " #" + string(rune('0'+op.Attempt))
}

func boolString(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func TestMiddlewareSeesEveryAttemptWithItsOperation(t *testing.T) {
	var n atomic.Int32
	var rec recorder
	c, _, _ := newFakeClient(t, statusSequence(&n, 503), fastRetry,
		WithMiddleware(rec.middleware("outer"), nil, rec.middleware("middle")), WithMiddleware(rec.middleware("inner")))
	_, err := c.Do(context.Background(), &Request{OperationID: "getCard", Method: "get",
		Template: "/v3/discount-card/cards/{out_card_code}", Path: "/v3/discount-card/cards/c1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"outer getCard GET /v3/discount-card/cards/{out_card_code} #1 authz=yes",
		"middle getCard GET /v3/discount-card/cards/{out_card_code} #1 authz=yes",
		"inner getCard GET /v3/discount-card/cards/{out_card_code} #1 authz=yes",
		"inner got 503 Service Unavailable",
		"middle got 503 Service Unavailable",
		"outer got 503 Service Unavailable",
		"outer getCard GET /v3/discount-card/cards/{out_card_code} #2 authz=yes",
		"middle getCard GET /v3/discount-card/cards/{out_card_code} #2 authz=yes",
		"inner getCard GET /v3/discount-card/cards/{out_card_code} #2 authz=yes",
		"inner got 200 OK",
		"middle got 200 OK",
		"outer got 200 OK",
	}
	if got := strings.Join(rec.seen, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("middleware saw\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}

	// Without a template the operation names the path; without an ID, none.
	rec.seen = nil
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if rec.seen[0] != "outer  GET /v3/x #1 authz=yes" {
		t.Errorf("saw %q", rec.seen[0])
	}
}

func TestMiddlewareWrapsTheConfiguredHTTPClient(t *testing.T) {
	var n atomic.Int32
	var inner atomic.Int32
	var seenOp atomic.Bool
	hc := &http.Client{Transport: RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
		inner.Add(1)
		_, ok := OperationFrom(r.Context())
		seenOp.Store(ok)
		return http.DefaultTransport.RoundTrip(r)
	})}
	var rec recorder
	c, _, _ := newFakeClient(t, statusSequence(&n), WithHTTPClient(hc), WithMiddleware(rec.middleware("m")))
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if inner.Load() != 1 || len(rec.seen) != 2 || !seenOp.Load() {
		t.Errorf("the user's transport ran %d times, middleware saw %q, operation in the transport's context: %v", inner.Load(), rec.seen, seenOp.Load())
	}
	if _, ok := hc.Transport.(RoundTripperFunc); !ok {
		t.Error("WithMiddleware changed the caller's *http.Client")
	}
}

func TestWithoutMiddlewareNoOperationInContext(t *testing.T) {
	var n atomic.Int32
	var seen atomic.Bool
	hc := &http.Client{Transport: RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
		_, ok := OperationFrom(r.Context())
		seen.Store(ok)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, _, _ := newFakeClient(t, statusSequence(&n), WithHTTPClient(hc))
	if _, err := c.Do(context.Background(), &Request{OperationID: "x", Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if seen.Load() {
		t.Error("a client without middleware put the operation in the context")
	}
	if _, ok := OperationFrom(context.Background()); ok {
		t.Error("OperationFrom(Background) reports an operation")
	}
}

func TestMiddlewareReturningNil(t *testing.T) {
	_, err := NewClient(testConfig(""), WithMiddleware(func(http.RoundTripper) http.RoundTripper { return nil }))
	if err == nil || !strings.Contains(err.Error(), "nil http.RoundTripper") {
		t.Errorf("err = %v", err)
	}
}
