package apiv3

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client; pass options to NewClient (or to the
// generated package's NewClient, which forwards them).
//
// Every CallOption is an Option too: given to NewClient it applies to every
// call the client makes, before the call's own options, which override it
// (WithRetry, WithTimeout, WithHeader, SkipValidation).
type Option interface{ applyOption(*settings) }

// optionFunc is an Option that sets fields of the client's settings.
type optionFunc func(*settings)

func (f optionFunc) applyOption(s *settings) { f(s) }

// settings holds what the options configure. Its fields are shared with the
// security half of the runtime (credentials.go), which reads clock, nonce and
// maxSkew; NewClient passes a pointer to the Client's own copy.
type settings struct {
	httpClient       *http.Client           // WithHTTPClient
	userAgent        string                 // WithUserAgent (appended to the default)
	clock            func() time.Time       // WithClock            (default time.Now)
	nonce            func() (string, error) // WithNonceSource      (default: credentials' own)
	maxSkew          time.Duration          // WithMaxSkew          (default 5 * time.Minute)
	skipVerify       bool                   // InsecureSkipResponseVerification()
	debug            func(DebugEvent)       // WithDebugHook (Authorization and keys redacted)
	maxBodyBytes     int64                  // WithMaxResponseBytes (default 8 MiB)
	maxInflatedBytes int64                  // WithMaxInflatedBytes (download.go; default DefaultMaxInflatedBytes)
	certStore        *CertificateStore      // WithCertificateStore (certstore.go); nil for none
	retry            RetryPolicy            // WithRetry, WithoutRetry (retry.go); defaults filled by NewClient
	logger           *slog.Logger           // WithLogger (log.go); nil for none
	middleware       []Middleware           // WithMiddleware (middleware.go), outermost first
	calls            []CallOption           // CallOptions given to NewClient, applied to every call
}

const (
	defaultTimeout      = 30 * time.Second // one attempt: sending and reading the response
	defaultDialTimeout  = 10 * time.Second // connecting, before failing over
	defaultMaxBodyBytes = 8 << 20
)

func defaultSettings() settings {
	return settings{
		clock:            time.Now,
		maxSkew:          DefaultMaxSkew,
		maxBodyBytes:     defaultMaxBodyBytes,
		maxInflatedBytes: DefaultMaxInflatedBytes,
	}
}

// WithHTTPClient sends requests through hc instead of the client NewClient
// builds (30 s timeout per attempt, 10 s to connect, TLS 1.2 or later, no
// redirects). Use it to add tracing, metrics or a proxy through
// hc.Transport. Redirects are never followed whatever hc.CheckRedirect says
// (the client uses a copy of hc with its own; hc is not changed). hc.Timeout bounds each attempt, not the whole call with its
// retries; bound that with the context or WithTimeout. A nil hc keeps the
// default.
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(s *settings) { s.httpClient = hc })
}

// WithUserAgent appends product (e.g. "myshop/1.2") to the User-Agent
// header, after the runtime's own "wxpaygen/<version> (<os>/<arch>) Go/<version>".
func WithUserAgent(product string) Option {
	return optionFunc(func(s *settings) { s.userAgent = product })
}

// WithClock replaces time.Now for signing timestamps and for checking the
// timestamps of responses and notifications. Tests use it to pin time.
// A nil clock keeps time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(s *settings) {
		if now != nil {
			s.clock = now
		}
	})
}

// WithNonceSource replaces the source of the random nonce_str put in every
// signature (by default 32 characters from crypto/rand). Tests use it to make
// signatures reproducible; production code should leave it alone.
func WithNonceSource(nonce func() (string, error)) Option {
	return optionFunc(func(s *settings) { s.nonce = nonce })
}

// WithMaxSkew sets how far the Wechatpay-Timestamp of a response or
// notification may be from the clock (default 5 minutes). It must be positive.
func WithMaxSkew(d time.Duration) Option {
	return optionFunc(func(s *settings) { s.maxSkew = d })
}

// InsecureSkipResponseVerification turns off the verification of response
// signatures. Requests are still signed. It exists for local experiments
// against servers that cannot sign; never use it against WeChat Pay.
func InsecureSkipResponseVerification() Option {
	return optionFunc(func(s *settings) { s.skipVerify = true })
}

// WithDebugHook calls hook once for every request sent (every attempt of a
// retried call), with the request and
// the response as they crossed the wire. The signature in Authorization and
// the Wechatpay-Signature header are redacted; bodies are passed as they are.
// The hook runs on the calling goroutine and must not keep or modify the
// event's slices and headers after it returns.
func WithDebugHook(hook func(DebugEvent)) Option {
	return optionFunc(func(s *settings) { s.debug = hook })
}

// WithMaxResponseBytes limits how many bytes of a response body are read
// (default 8 MiB). A longer body fails the call with ErrResponseTooLarge.
// It must be positive.
func WithMaxResponseBytes(n int64) Option {
	return optionFunc(func(s *settings) { s.maxBodyBytes = n })
}

// CallOption changes one call made through Client.Do, Client.NewRequest,
// Endpoint.Do or a generated method. Given to NewClient instead (every
// CallOption is an Option), it applies to every call of the client; a call's
// own options come after it and win.
type CallOption func(*callSettings)

// applyOption makes a CallOption given to NewClient a default of every call.
func (o CallOption) applyOption(s *settings) {
	if o != nil {
		s.calls = append(s.calls, o)
	}
}

type callSettings struct {
	header         []headerField
	timeout        time.Duration
	skipValidation bool
	retry          RetryPolicy // WithRetry of the call; zero fields keep the client's
	hasRetry       bool
}

type headerField struct{ key, value string }

// WithHeader sets the header key to value on the request, replacing what the
// runtime or the operation's header parameters would send (a later WithHeader
// for the same key wins). It cannot set Authorization: the call fails if it
// tries.
func WithHeader(key, value string) CallOption {
	return func(c *callSettings) { c.header = append(c.header, headerField{key, value}) }
}

// WithTimeout bounds the whole call (sending, reading and verifying the
// response, every retry and the waits between them) by d, on top of the
// context's own deadline. It has no effect on
// Client.NewRequest, whose caller sends the request.
func WithTimeout(d time.Duration) CallOption {
	return func(c *callSettings) { c.timeout = d }
}

// SkipValidation sends the request body without calling its Validate method.
// Path parameters are still checked: their rules protect the request-target.
func SkipValidation() CallOption {
	return func(c *callSettings) { c.skipValidation = true }
}

// callOptions returns the settings of one call: the client's CallOptions,
// then opts. Calling an option takes the address of cs, which moves cs to
// the heap; returning before cs is declared keeps a call without options
// (the usual one) from paying that allocation.
func (c *Client) callOptions(opts []CallOption) callSettings {
	if len(opts) == 0 {
		return c.calls
	}
	cs := c.calls
	// A call's WithHeader appends to a copy, never to the client's array.
	cs.header = cs.header[:len(cs.header):len(cs.header)]
	for _, o := range opts {
		if o != nil {
			o(&cs)
		}
	}
	return cs
}

// clientCallOptions applies the CallOptions given to NewClient. A WithRetry
// among them is the client's policy, as if it were a client option.
func clientCallOptions(s *settings) callSettings {
	var cs callSettings
	for _, o := range s.calls {
		o(&cs)
	}
	if cs.hasRetry {
		s.retry, cs.retry, cs.hasRetry = cs.retry, RetryPolicy{}, false
	}
	return cs
}
