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
// acted on it: when no answer came after it may have been sent, the error
// wraps ErrOutcomeUnknown and names the query that settles it.
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

// WithRetry sets the retry policy; see RetryPolicy for what is retried.
// Given to NewClient it is the client's policy: zero fields take their
// defaults and negative ones make NewClient fail. Given to a call (it is a
// CallOption too) it replaces the client's policy for that call only: zero
// fields keep the client's values (a MaxDelay left zero is at least
// BaseDelay), and a negative one fails the call before anything is sent.
//
//	// At most 5 attempts for this query, whatever the client's policy.
//	order, _, err := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo(no).Get(ctx, params,
//		apiv3.WithRetry(apiv3.RetryPolicy{MaxAttempts: 5}))
func WithRetry(p RetryPolicy) CallOption {
	return func(c *callSettings) { c.retry, c.hasRetry = p, true }
}

// WithoutRetry sends every request exactly once: every request of the
// client given to NewClient, the one call given to a call. A 202 answer to
// a repeatable request is still an error (see RetryPolicy).
func WithoutRetry() CallOption {
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

// over is the policy of a call whose WithRetry is p on a client whose
// policy is client: p's zero fields keep the client's values, except that a
// MaxDelay left zero is at least p's BaseDelay.
func (p RetryPolicy) over(client RetryPolicy) (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
		return p, fmt.Errorf("apiv3: WithRetry(%+v): attempts and delays must not be negative", p)
	}
	if p.BaseDelay > 0 && p.MaxDelay > 0 && p.MaxDelay < p.BaseDelay {
		return p, fmt.Errorf("apiv3: WithRetry(%+v): MaxDelay is shorter than BaseDelay", p)
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = client.MaxAttempts
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = max(client.MaxDelay, p.BaseDelay)
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = min(client.BaseDelay, p.MaxDelay)
	}
	return p, nil
}

// retryPolicy is the policy of a call with settings cs.
func (c *Client) retryPolicy(cs *callSettings) (RetryPolicy, error) {
	if !cs.hasRetry {
		return c.settings.retry, nil
	}
	return cs.retry.over(c.settings.retry)
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
// early. Each attempt is logged (WithLogger) once its fate is known.
func (c *Client) sendWithRetry(ctx context.Context, p *prepared, cs *callSettings) (*Response, error) {
	pol, err := c.retryPolicy(cs)
	if err != nil {
		return nil, err
	}
	repeatable := p.repeatable()
	maxAttempts := 1
	if repeatable {
		maxAttempts = max(pol.MaxAttempts, 1)
	}
	hosts := [2]host{c.base, c.backup}
	at := 0
	for attempt := 1; ; attempt++ {
		start := time.Now()
		res, connErr, err := c.attempt(ctx, hosts[at], p, cs, attempt)
		if err == nil && repeatable && res.StatusCode == http.StatusAccepted {
			err = newAPIError(res, !c.settings.skipVerify && !p.r.UnsignedResponse)
		}
		a := attemptOutcome{host: hosts[at], attempt: attempt, start: start, res: res, connErr: connErr, err: err}
		if err == nil {
			c.logAttempt(ctx, p, &a)
			return res, nil
		}
		if !repeatable && connErr && mayHaveBeenSent(err) {
			c.logAttempt(ctx, p, &a)
			return res, &OutcomeUnknownError{Op: p.method + " " + p.name(), SettledBy: p.r.SettledBy, Err: err}
		}
		wait, retry, cause := pol.decide(ctx, &a, repeatable && attempt < maxAttempts)
		a.retry, a.wait = retry, wait
		c.logAttempt(ctx, p, &a)
		if retry {
			if cause = sleep(ctx, wait); cause == nil {
				if connErr {
					at = 1 - at
				}
				continue
			}
		}
		if attempt == 1 && cause == nil {
			return res, err
		}
		return res, &RetryError{Op: p.method + " " + p.name(), Attempts: attempt, Err: err, Cause: cause}
	}
}

// decide says whether the failed attempt a is tried again (more: the
// request is repeatable and has attempts left) and after which wait. When
// it is not, cause is why the call stopped before its last attempt (the
// context ended, or its deadline comes before the end of the wait), or nil
// when the error is final or the attempts are used up.
func (pol RetryPolicy) decide(ctx context.Context, a *attemptOutcome, more bool) (wait time.Duration, retry bool, cause error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	var apiErr *APIError
	if !more || !(a.connErr || (errors.As(a.err, &apiErr) && retryableStatus(apiErr.StatusCode))) {
		return 0, false, nil
	}
	wait = pol.backoff(a.attempt, rand.Int64N)
	if ra, ok := retryAfter(a.res, time.Now()); ok {
		wait = min(ra, pol.MaxDelay)
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Add(wait).Before(deadline) {
		return 0, false, errNoTimeToRetry{wait: wait, next: a.attempt + 1}
	}
	return wait, true, nil
}

// attempt sends p once to h. connErr reports that no complete response
// arrived. With middleware, the request's context carries the operation
// (OperationFrom); without, nothing is added, so that a call pays nothing
// for a feature it does not use.
func (c *Client) attempt(ctx context.Context, h host, p *prepared, cs *callSettings, n int) (res *Response, connErr bool, err error) {
	pa := *p
	pa.target = h.rawPath + p.pathQuery
	if len(c.settings.middleware) > 0 {
		ctx = withOperation(ctx, &Operation{ID: p.r.OperationID, Method: p.method, Template: p.name(), Attempt: n})
	}
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
