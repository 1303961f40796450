package apiv3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const settledByRefund = "queryRefund (GET /v3/refund/domestic/refunds/{out_refund_no})"

// refundRequest is a request that is not safe to repeat, as a refund is.
func refundRequest() *Request {
	return &Request{Method: "POST", Template: "/v3/refund/domestic/refunds", Path: "/v3/refund/domestic/refunds",
		Body: &card{OutCardCode: "r1"}, SettledBy: settledByRefund}
}

// TestOutcomeUnknown: when the server read a request that is not safe to
// repeat and the answer never came, the call fails once with
// ErrOutcomeUnknown naming the query that settles it; the request is sent
// exactly once.
func TestOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		opts    []CallOption
		also    error // errors.Is must hold for it too
	}{
		{"connection closed after the request", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, nil, nil},
		{"answer cut short", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"out_card`)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, nil, nil},
		{"timeout after sending", func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(300 * time.Millisecond)
		}, []CallOption{WithTimeout(50 * time.Millisecond)}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				io.Copy(io.Discard, r.Body)
				tt.handler(w, r)
			}, fastRetry)
			_, err := c.Do(context.Background(), refundRequest(), nil, tt.opts...)
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("err = %v, want it to wrap %v too", err, tt.also)
			}
			var oe *OutcomeUnknownError
			if !errors.As(err, &oe) || oe.Op != "POST /v3/refund/domestic/refunds" || oe.SettledBy != settledByRefund {
				t.Errorf("err = %#v, want an *OutcomeUnknownError naming the operation and its query", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "outcome unknown") || !strings.Contains(msg, "call "+settledByRefund) {
				t.Errorf("message %q does not say the outcome is unknown and name the query", msg)
			}
			var re *RetryError
			if errors.As(err, &re) {
				t.Errorf("a request sent once reports retries: %v", err)
			}
			time.Sleep(350 * time.Millisecond) // a resend would have arrived by now
			if got := n.Load(); got != 1 {
				t.Errorf("the server saw %d requests, want exactly 1", got)
			}
		})
	}
}

// TestOutcomeKnownWhenNothingWasSent: a refused connection cannot have
// carried the request, so its error is the transport's alone.
func TestOutcomeKnownWhenNothingWasSent(t *testing.T) {
	c, _ := failoverClient(t, "http://"+closedAddr(t), "", fastRetry)
	_, err := c.Do(context.Background(), refundRequest(), nil)
	if !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v, want connection refused and not ErrOutcomeUnknown", err)
	}
}

// TestOutcomeUnknownOnlyForUnrepeatable: a request safe to repeat is
// repeated instead, and its final error is a *RetryError.
func TestOutcomeUnknownOnlyForUnrepeatable(t *testing.T) {
	for _, req := range []*Request{
		{Method: "GET", Path: "/v3/pay/transactions/out-trade-no/o1"},
		{Method: "POST", Path: "/v3/x", Body: &card{OutCardCode: "c"}, Idempotent: true},
	} {
		var n atomic.Int32
		c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, fastRetry)
		_, err := c.Do(context.Background(), req, nil)
		var re *RetryError
		if errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &re) || n.Load() != DefaultRetryMaxAttempts {
			t.Errorf("%s: err = %v after %d attempts, want a *RetryError after %d", req.Method, err, n.Load(), DefaultRetryMaxAttempts)
		}
	}
}

// TestOutcomeUnknownWithoutSettlingQuery: without x-wechatpay-settled-by
// the message still says what to do.
func TestOutcomeUnknownWithoutSettlingQuery(t *testing.T) {
	e := &OutcomeUnknownError{Op: "POST /v3/x", Err: io.ErrUnexpectedEOF}
	want := "apiv3: POST /v3/x: outcome unknown, the request may have reached WeChat Pay but no answer came (unexpected EOF); it was not sent again: find out whether it took effect before you repeat it"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
}
