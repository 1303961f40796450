package apiv3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// Hosts of WeChat Pay APIv3. The request path and its signature are the same
// on both; the backup host routes to an access point in another region.
const (
	DefaultBaseURL       = "https://api.mch.weixin.qq.com"
	DefaultBackupBaseURL = "https://api2.mch.weixin.qq.com"
)

// Client signs requests, sends them, and verifies and decodes responses for
// one merchant. Build it with NewClient; a *Client is safe for concurrent use.
type Client struct {
	creds      *credentials
	settings   settings
	base       host         // Config.BaseURL
	backup     host         // Config.BackupBaseURL; base again when there is no backup
	httpClient *http.Client // with the middleware, if any
	calls      callSettings // the CallOptions given to NewClient

	auth      authority // c.creds in production; tests may replace it
	userAgent string
}

// host is one of the two places a request can go.
type host struct {
	url     *url.URL
	rawPath string // escaped path prefix, without a trailing "/"; "" for none
	path    string // rawPath decoded: the prefix of url.URL.Path
}

// newHost splits a URL from parseBaseURL into a host. Its path was checked
// there; decodePath also checks that net/url sends it unchanged.
func newHost(field string, u *url.URL) (host, error) {
	raw := strings.TrimSuffix(u.EscapedPath(), "/")
	path, err := decodePath(raw)
	if err != nil {
		return host{}, fmt.Errorf("apiv3: Config.%s path %s: %w", field, shown(raw), err)
	}
	return host{url: u, rawPath: raw, path: path}, nil
}

// authority is what the transport needs from credentials. It is satisfied by
// *credentials; the indirection lets the transport tests run without keys.
type authority interface {
	authorize(method, requestTarget string, body []byte) (string, error)
	verify(h http.Header, body []byte) error
	serialHeader() string
	mchID() string
}

// NewClient checks cfg, loads its key material and returns a client that
// sends to cfg.BaseURL (DefaultBaseURL when empty). A base URL must use https
// unless its host is loopback, and must not carry a query, a fragment or
// user information; a path in it is put before every request path.
//
// Repeatable requests fail over to cfg.BackupBaseURL after a connection
// error (see RetryPolicy). When it is empty the backup is
// DefaultBackupBaseURL if BaseURL is empty or DefaultBaseURL too; a client
// given any other BaseURL (a sandbox, a proxy) has no backup unless one is
// set, so that it never fails over from a test server to WeChat Pay.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o != nil {
			o.applyOption(&s)
		}
	}
	calls := clientCallOptions(&s)
	for _, h := range calls.header {
		if strings.EqualFold(h.key, "Authorization") {
			return nil, errors.New("apiv3: WithHeader must not set Authorization: the runtime signs every request")
		}
	}
	if s.maxSkew <= 0 {
		return nil, fmt.Errorf("apiv3: WithMaxSkew(%v): the allowed skew must be positive", s.maxSkew)
	}
	if s.maxBodyBytes <= 0 {
		return nil, fmt.Errorf("apiv3: WithMaxResponseBytes(%d): the limit must be positive", s.maxBodyBytes)
	}
	if s.maxInflatedBytes <= 0 {
		return nil, fmt.Errorf("apiv3: WithMaxInflatedBytes(%d): the limit must be positive", s.maxInflatedBytes)
	}
	if strings.ContainsAny(s.userAgent, "\r\n") {
		return nil, errors.New("apiv3: WithUserAgent: the product must not contain line breaks")
	}
	retry, err := s.retry.withDefaults()
	if err != nil {
		return nil, err
	}
	s.retry = retry
	base, err := parseBaseURL("BaseURL", cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	baseHost, err := newHost("BaseURL", base)
	if err != nil {
		return nil, err
	}
	backupHost := baseHost
	if cfg.BackupBaseURL != "" || cfg.BaseURL == "" || cfg.BaseURL == DefaultBaseURL {
		backup, err := parseBaseURL("BackupBaseURL", cfg.BackupBaseURL, DefaultBackupBaseURL)
		if err != nil {
			return nil, err
		}
		if backupHost, err = newHost("BackupBaseURL", backup); err != nil {
			return nil, err
		}
	}
	c := &Client{
		settings:   s,
		base:       baseHost,
		backup:     backupHost,
		httpClient: withoutRedirects(s.httpClient),
		calls:      calls,
		userAgent:  userAgent(s.userAgent),
	}
	if c.httpClient == nil {
		c.httpClient = defaultHTTPClient()
	}
	if len(s.middleware) > 0 {
		if c.httpClient, err = wrapTransport(c.httpClient, s.middleware); err != nil {
			return nil, err
		}
	}
	// The credentials get a pointer to the client's own settings, so that
	// whatever they default (the nonce source) is what the client keeps.
	creds, err := newCredentials(cfg, &c.settings)
	if err != nil {
		return nil, err
	}
	c.creds = creds
	c.auth = creds
	if store := c.settings.certStore; store != nil {
		store.defaultFetch(c.FetchCertificates)
	}
	return c, nil
}

// MchID returns the merchant ID the client signs as.
func (c *Client) MchID() string { return c.auth.mchID() }

// parseBaseURL applies the rules of NewClient to one base URL.
func parseBaseURL(field, raw, def string) (*url.URL, error) {
	if raw == "" {
		raw = def
	}
	if keyLike(raw) {
		return nil, fmt.Errorf("apiv3: Config.%s holds what looks like key material, not a URL (not shown); want an absolute URL such as %s", field, def)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("apiv3: Config.%s: %w", field, err)
	}
	bad := func(why string) error {
		return fmt.Errorf("apiv3: Config.%s %s: %s", field, shown(raw), why)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, bad("the scheme must be https")
	case u.Opaque != "" || u.Host == "":
		return nil, bad("want an absolute URL such as " + def)
	case u.User != nil:
		return nil, bad("user information is not allowed in a base URL")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, bad("a query is not allowed in a base URL")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, bad("a fragment is not allowed in a base URL")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, bad("plain http is allowed only for loopback hosts; use https")
	}
	if p := u.EscapedPath(); p != "" {
		if err := checkRequestPath(p); err != nil {
			return nil, bad(err.Error())
		}
	}
	return u, nil
}

// isLoopback reports whether host names this machine: localhost,
// 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultHTTPClient() *http.Client { return newHTTPClient(defaultTimeout) }

// newHTTPClient is the default client with an exchange timeout: the answer
// to a request must have been read within timeout of sending it. The bound
// is a read deadline set on the connection whenever a request is written
// (deadlineConn), not http.Client.Timeout, which costs 10 allocations per
// call, or Transport.ResponseHeaderTimeout, 4 more. HTTP/2 is off so that
// one connection carries one exchange at a time and the deadline is exact.
func newHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: defaultDialTimeout, KeepAlive: 30 * time.Second}
	// A host that does not answer fails over to the backup within
	// defaultDialTimeout instead of the transport's 30 s.
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &deadlineConn{Conn: conn, timeout: timeout}, nil
	}
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConnsPerHost = 16
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.MinVersion = tls.VersionTLS12
	return &http.Client{
		Transport:     t,
		CheckRedirect: refuseRedirect,
	}
}

// refuseRedirect makes http.Client return a 3xx as it is. A redirect would
// send the request to a path it was not signed for, and a 307 or 308 would
// send the signed body to whatever host the answer names; WeChat Pay does
// not redirect, so the 3xx becomes an *APIError.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns a copy of the caller's client that follows no
// redirect, sharing its Transport (and so its connections), Jar and
// Timeout; the caller's client itself is not changed. nil stays nil.
func withoutRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		return nil
	}
	own := *hc
	own.CheckRedirect = refuseRedirect
	return &own
}

// deadlineConn gives every exchange on a connection a deadline: writing (a
// request, or the TLS handshake) sets the read deadline timeout ahead, so a
// server that stops answering fails the attempt. An idle pooled connection
// is closed when its deadline passes; the next call dials again.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

func userAgent(product string) string {
	ua := "wxpaygen/" + RuntimeVersion + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") Go/" + runtime.Version()
	if product = strings.TrimSpace(product); product != "" {
		ua += " " + product
	}
	return ua
}
