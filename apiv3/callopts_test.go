package apiv3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPerCallRetry(t *testing.T) {
	get := func() *Request { return &Request{Method: "GET", Path: "/v3/x"} }
	tests := []struct {
		name   string
		client Option
		call   []CallOption
		want   int32 // attempts
	}{
		{"client default", fastRetry, nil, 3},
		{"call turns retries off", fastRetry, []CallOption{WithoutRetry()}, 1},
		{"call turns retries on", WithoutRetry(), []CallOption{WithRetry(RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond})}, 4},
		{"call keeps the client's delays", fastRetry, []CallOption{WithRetry(RetryPolicy{MaxAttempts: 5})}, 5},
		{"the call's last WithRetry wins", fastRetry, []CallOption{WithoutRetry(), WithRetry(RetryPolicy{MaxAttempts: 2})}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c, _, _ := newFakeClient(t, statusSequence(&n, 500, 500, 500, 500, 500, 500), tt.client)
			start := time.Now()
			_, err := c.Do(context.Background(), get(), nil, tt.call...)
			if n.Load() != tt.want {
				t.Errorf("%d attempts, want %d (err %v)", n.Load(), tt.want, err)
			}
			// fastRetry waits at most 2 ms; the default policy would wait
			// at least 50+100+200+400 ms before the fifth attempt.
			if d := time.Since(start); tt.want == 5 && d > 700*time.Millisecond {
				t.Errorf("took %v: the call did not keep the client's delays", d)
			}
		})
	}

	t.Run("a POST stays unrepeatable", func(t *testing.T) {
		var n atomic.Int32
		c, _, _ := newFakeClient(t, statusSequence(&n, 500, 500), fastRetry)
		_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c"}}, nil,
			WithRetry(RetryPolicy{MaxAttempts: 5}))
		if n.Load() != 1 || !IsCode(err, "SYSTEM_ERROR") {
			t.Errorf("%d attempts, err = %v: a per-call policy must not resend a POST the spec does not mark idempotent", n.Load(), err)
		}
	})

	t.Run("a bad per-call policy sends nothing", func(t *testing.T) {
		for _, p := range []RetryPolicy{{MaxAttempts: -1}, {BaseDelay: -1}, {MaxDelay: -1}, {BaseDelay: time.Second, MaxDelay: time.Millisecond}} {
			var n atomic.Int32
			c, _, _ := newFakeClient(t, statusSequence(&n), fastRetry)
			_, err := c.Do(context.Background(), get(), nil, WithRetry(p))
			if err == nil || !strings.Contains(err.Error(), "WithRetry") || n.Load() != 0 {
				t.Errorf("WithRetry(%+v): err = %v after %d requests", p, err, n.Load())
			}
		}
	})
}

func TestRetryPolicyOver(t *testing.T) {
	client := RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}
	for _, tt := range []struct {
		call, want RetryPolicy
	}{
		{RetryPolicy{}, client},
		{RetryPolicy{MaxAttempts: 1}, RetryPolicy{MaxAttempts: 1, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}},
		{RetryPolicy{BaseDelay: 5 * time.Second}, RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Second, MaxDelay: 5 * time.Second}},
		{RetryPolicy{MaxDelay: 50 * time.Millisecond}, RetryPolicy{MaxAttempts: 3, BaseDelay: 50 * time.Millisecond, MaxDelay: 50 * time.Millisecond}},
		{RetryPolicy{MaxAttempts: 7, BaseDelay: time.Millisecond, MaxDelay: time.Second}, RetryPolicy{MaxAttempts: 7, BaseDelay: time.Millisecond, MaxDelay: time.Second}},
	} {
		got, err := tt.call.over(client)
		if err != nil || got != tt.want {
			t.Errorf("%+v over the client's: %+v, %v; want %+v", tt.call, got, err, tt.want)
		}
	}
}

// TestClientCallOptions: CallOptions given to NewClient apply to every
// call, before the call's own.
func TestClientCallOptions(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{} // call name -> X-Tag values received
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen[r.URL.Path] = append(seen[r.URL.Path], r.Header.Get("X-Tag")+"|"+r.Header.Get("X-Client"))
		mu.Unlock()
		io.WriteString(w, `{}`)
	}, WithHeader("X-Tag", "client"), WithHeader("X-Client", "shop"))
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			path, opts := "/v3/plain", []CallOption(nil)
			if i%2 == 1 {
				path, opts = "/v3/tagged", []CallOption{WithHeader("X-Tag", "call")}
			}
			if _, err := c.Do(ctx, &Request{Method: "GET", Path: path}, nil, opts...); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for path, want := range map[string]string{"/v3/plain": "client|shop", "/v3/tagged": "call|shop"} {
		if len(seen[path]) != 10 {
			t.Errorf("%s: %d requests", path, len(seen[path]))
		}
		for _, got := range seen[path] {
			if got != want {
				t.Errorf("%s: X-Tag|X-Client = %q, want %q", path, got, want)
			}
		}
	}
	if len(c.calls.header) != 2 {
		t.Errorf("the calls' headers leaked into the client's: %+v", c.calls.header)
	}

	t.Run("timeout", func(t *testing.T) {
		c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, WithTimeout(50*time.Millisecond), WithoutRetry())
		start := time.Now()
		_, err := c.Do(ctx, &Request{Method: "GET", Path: "/v3/slow"}, nil)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("client-wide WithTimeout: err = %v after %v", err, time.Since(start))
		}
	})

	t.Run("Authorization refused at NewClient", func(t *testing.T) {
		if _, err := NewClient(testConfig(""), WithHeader("authorization", "x")); err == nil || !strings.Contains(err.Error(), "Authorization") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("nil options", func(t *testing.T) {
		var o CallOption
		if _, err := NewClient(testConfig(""), o, nil); err != nil {
			t.Errorf("err = %v", err)
		}
	})
}
