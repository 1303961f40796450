package apiv3

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of RetryPolicy.
const (
	DefaultRetryMaxAttempts = 3                      // attempts in all, the first included
	DefaultRetryBaseDelay   = 100 * time.Millisecond // the wait before the first retry is at most this
	DefaultRetryMaxDelay    = 2 * time.Second        // no single wait is longer
)

// RetryPolicy says how often and how patiently a call that is safe to repeat
// is repeated. Set it with WithRetry; WithoutRetry sends every request once.
// The zero value of a field means its default.
//
// Which calls are repeated is decided by the spec, not by the policy: only
// GET and HEAD requests and requests with Request.Idempotent set (the
// operations marked x-wechatpay-idempotent, such as add-user-records) are
// ever sent twice. A POST, PATCH, PUT or DELETE without that mark is sent
// exactly once, even when the connection failed, because WeChat Pay may have
// acted on it.
//
// A repeatable call is tried again after:
//   - a connection error: no complete response arrived (connection refused
//     or reset, DNS failure, TLS failure, the HTTP client's own timeout). The
//     next attempt goes to the other host, BackupBaseURL after BaseURL and
//     back again (a client with a custom BaseURL has no backup unless
//     BackupBaseURL is set; see NewClient);
//   - HTTP 202 Accepted (WeChat Pay has not finished: repeat with the same
//     parameters), 429 Too Many Requests and any 5xx. The next attempt goes
//     to the same host.
//
// Other errors (4xx, a response that fails signature verification, a body
// that cannot be decoded) are final. Every attempt is signed afresh, with a
// new timestamp and nonce, and the debug hook sees every attempt.
//
// Before attempt n+1 the client waits a random duration in [d/2, d], where
// d = min(MaxDelay, BaseDelay·2^(n-1)): with the defaults 50–100 ms, then
// 100–200 ms. A Retry-After header on a 429 or 503 (seconds or an HTTP date)
// replaces that wait, capped at MaxDelay. The client never waits past the
// context's deadline: when the wait would end after it, the call stops at
// once with a *RetryError whose Cause wraps context.DeadlineExceeded.
//
// Timeouts: each attempt is bounded by the HTTP client (30 s by default,
// dialling 10 s; see WithHTTPClient); the whole call, retries and waits
// included, is bounded only by the context and WithTimeout. With the defaults
// a call that never gets an answer takes at most 3 × 30 s plus 0.3 s of
// waiting; give the context a deadline for a tighter bound.
//
// A 202 that is still a 202 on the last attempt fails the call: the error is
// an *APIError with StatusCode 202 (inside a *RetryError when there was more
// than one attempt), and the *Response is returned with it. A caller of
// add-user-records must not take a 202 for "recorded": call again later with
// the same serial numbers, the idempotency keys of the records. For a
// request that is not repeatable a 202 is returned as it is, as a success
// with Response.StatusCode 202.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts in all, the first included
	// (default 3). 1 turns retries off.
	MaxAttempts int
	// BaseDelay is the longest wait before the first retry (default 100 ms);
	// each further retry may wait twice as long.
	BaseDelay time.Duration
	// MaxDelay caps every wait, a Retry-After included (default 2 s, or
	// BaseDelay when that is longer).
	MaxDelay time.Duration
}

// WithRetry sets the retry policy of the client; see RetryPolicy for what
// is retried. Zero fields take their defaults and negative ones make
// NewClient fail.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) { s.retry = p }
}

// WithoutRetry sends every request exactly once. A 202 answer to a
// repeatable request is still an error (see RetryPolicy).
func WithoutRetry() Option {
	return WithRetry(RetryPolicy{MaxAttempts: 1})
}

// withDefaults checks p and fills in its zero fields.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
		return p, fmt.Errorf("apiv3: WithRetry(%+v): attempts and delays must not be negative", p)
	}
	if p.BaseDelay > 0 && p.MaxDelay > 0 && p.MaxDelay < p.BaseDelay {
		return p, fmt.Errorf("apiv3: WithRetry(%+v): MaxDelay is shorter than BaseDelay", p)
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultRetryMaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = DefaultRetryBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(DefaultRetryMaxDelay, p.BaseDelay)
	}
	return p, nil
}

// backoff is the wait before retry number n (1 for the second attempt):
// uniform in [d/2, d] with d = min(MaxDelay, BaseDelay·2^(n-1)). randN
// returns a number in [0, k) for k > 0, as rand.Int64N does.
func (p RetryPolicy) backoff(n int, randN func(k int64) int64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	if half <= 0 {
		return d
	}
	return d - half + time.Duration(randN(int64(half)+1))
}

// retryAfter reads the Retry-After of a 429 or 503 response: delay seconds
// or an HTTP date. ok is false when there is none to honour.
func retryAfter(res *Response, now time.Time) (d time.Duration, ok bool) {
	if res == nil || (res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := strings.TrimSpace(res.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RetryError is the error of a repeatable call that failed after more than
// one attempt, or that stopped retrying because its context ended or its
// deadline left no time for the next wait. errors.As and errors.Is see
// through it to Err (e.g. the last *APIError) and to Cause.
type RetryError struct {
	Op       string // "GET /v3/discount-card/cards/{out_card_code}"
	Attempts int    // requests sent
	Err      error  // the error of the last attempt
	// Cause is why the call stopped before MaxAttempts: the context's error
	// (context.DeadlineExceeded also when the deadline was too close for the
	// next wait). It is nil when every attempt was used.
	Cause error
}

func (e *RetryError) Error() string {
	var b strings.Builder
	b.WriteString("apiv3: ")
	b.WriteString(e.Op)
	b.WriteString(": gave up after ")
	b.WriteString(strconv.Itoa(e.Attempts))
	if e.Attempts == 1 {
		b.WriteString(" attempt")
	} else {
		b.WriteString(" attempts")
	}
	if e.Cause != nil {
		b.WriteString(" (")
		b.WriteString(strings.TrimPrefix(e.Cause.Error(), "apiv3: "))
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "apiv3: "))
	return b.String()
}

// Unwrap returns Err and Cause, for errors.Is and errors.As.
func (e *RetryError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// errNoTimeToRetry is the Cause of a call whose deadline came before the
// end of the next wait.
type errNoTimeToRetry struct {
	wait time.Duration
	next int
}

func (e errNoTimeToRetry) Error() string {
	return fmt.Sprintf("the context's deadline comes before attempt %d, due after a wait of %v", e.next, e.wait.Round(time.Millisecond))
}

func (errNoTimeToRetry) Unwrap() error { return context.DeadlineExceeded }

// repeatable reports whether p may be sent more than once.
func (p *prepared) repeatable() bool {
	return p.r.Idempotent || p.method == http.MethodGet || p.method == http.MethodHead
}

// retryableStatus reports whether a repeatable request answered with status
// is tried again.
func retryableStatus(status int) bool {
	return status == http.StatusAccepted || status == http.StatusTooManyRequests || (status >= 500 && status <= 599)
}

// sendWithRetry sends p, repeating it as the retry policy and p allow. It
// returns the response and error of the last attempt, the error wrapped in
// a *RetryError when more than one attempt was made or retrying stopped
// early.
func (c *Client) sendWithRetry(ctx context.Context, p *prepared, cs *callSettings) (*Response, error) {
	pol := c.settings.retry
	repeatable := p.repeatable()
	maxAttempts := 1
	if repeatable {
		maxAttempts = max(pol.MaxAttempts, 1)
	}
	hosts := [2]host{c.base, c.backup}
	at := 0
	for attempt := 1; ; attempt++ {
		res, connErr, err := c.attempt(ctx, hosts[at], p, cs)
		if err == nil && repeatable && res.StatusCode == http.StatusAccepted {
			err = newAPIError(res, !c.settings.skipVerify && !p.r.UnsignedResponse)
		}
		if err == nil {
			return res, nil
		}
		giveUp := func(cause error) error {
			if attempt == 1 && cause == nil {
				return err
			}
			return &RetryError{Op: p.method + " " + p.name(), Attempts: attempt, Err: err, Cause: cause}
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return res, giveUp(ctxErr)
		}
		var apiErr *APIError
		retryable := connErr || (errors.As(err, &apiErr) && retryableStatus(apiErr.StatusCode))
		if !repeatable || !retryable || attempt >= maxAttempts {
			return res, giveUp(nil)
		}
		wait := pol.backoff(attempt, rand.Int64N)
		if ra, ok := retryAfter(res, time.Now()); ok {
			wait = min(ra, pol.MaxDelay)
		}
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Add(wait).Before(deadline) {
			return res, giveUp(errNoTimeToRetry{wait: wait, next: attempt + 1})
		}
		if err := sleep(ctx, wait); err != nil {
			return res, giveUp(err)
		}
		if connErr {
			at = 1 - at
		}
	}
}

// attempt sends p once to h. connErr reports that no complete response
// arrived.
func (c *Client) attempt(ctx context.Context, h host, p *prepared, cs *callSettings) (res *Response, connErr bool, err error) {
	pa := *p
	pa.target = h.rawPath + p.pathQuery
	return c.send(ctx, h, &pa, cs)
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
