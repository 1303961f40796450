package wxtest

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// Mode selects the key WeChat Pay claims to sign responses with, that is the
// Wechatpay-Serial it sends. (The test certificate and the test public key
// share one private key, so the signature bytes are the same.)
type Mode = gateway.Mode

const (
	// PublicKey answers with Wechatpay-Serial = the public-key ID
	// (testkeys.PublicKeyID). It is the zero value: WeChat Pay's
	// recommended mode.
	PublicKey = gateway.PublicKey
	// Certificate answers with Wechatpay-Serial = the platform certificate
	// serial (testkeys.PlatformSerial).
	Certificate = gateway.Certificate
	// Both follows the request: the public-key ID when the request's
	// Wechatpay-Serial header is that ID, else the certificate serial (a
	// merchant migrating from certificates to the public key).
	Both = gateway.Both
)

// Options configure a Server. Every zero value means the default noted.
type Options struct {
	// Spec is the document requests are routed and validated against (and
	// responses, with ValidateResponses). nil: no routing, no validation;
	// every authenticated request goes to Handler. It is only read.
	Spec *openapi3.T
	// Mode selects the Wechatpay-Serial of responses (default PublicKey).
	Mode Mode
	// MchID is the merchant the requests must name (default testkeys.MchID).
	MchID string
	// MerchantSerial is the serial_no requests must carry (default
	// testkeys.MerchantSerial).
	MerchantSerial string
	// MerchantPublicKey verifies requests (default: the key of
	// testkeys.MerchantPublicKeyPEM).
	MerchantPublicKey *rsa.PublicKey
	// PlatformKey signs responses (default: testkeys.PlatformKeyPEM).
	PlatformKey *rsa.PrivateKey
	// PublicKeyID and PlatformSerial are the serials sent in PublicKey and
	// Certificate mode (defaults testkeys.PublicKeyID, testkeys.PlatformSerial).
	PublicKeyID    string
	PlatformSerial string
	// Clock is the server time, for the timestamp check and
	// Wechatpay-Timestamp (default time.Now).
	Clock func() time.Time
	// Handler is the business behaviour; it receives only requests that
	// passed the checks, with the body readable again, and RouteOf / PathParam
	// describe the route. What it writes is buffered, signed and sent; a
	// non-empty body without Content-Type gets application/json. nil:
	// ExampleHandler(Spec) when Spec is set, else 204 No Content.
	Handler http.Handler
	// ValidateResponses runs openapi3filter.ValidateResponse (undocumented
	// statuses included) on every routed answer before it is signed, the
	// server's own errors included; a mismatch fails the test (t.Errorf).
	ValidateResponses bool
	// UnsignedFiles sends 2xx answers whose body is not JSON (file
	// downloads) without the Wechatpay-* signature headers, as WeChat Pay
	// does (DESIGN: a download is unsigned; the client checks it against a
	// digest instead). Off, every answer is signed.
	UnsignedFiles bool
	// MaxBodyBytes limits request bodies (default 1 MiB); larger ones answer
	// 413 and are not passed on.
	MaxBodyBytes int64
}

// Server is a WeChat Pay test double listening on 127.0.0.1. It is safe for
// concurrent use. It is also an http.Handler, for tests that want no network.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string

	t       testing.TB
	opts    Options
	front   *front.Server
	httpSrv *httptest.Server

	mu       sync.Mutex
	requests []RecordedRequest
	tamper   func(*TamperedResponse)
}

// RecordedRequest is a request as the server received it, and the outcome.
type RecordedRequest struct {
	Method     string
	RequestURI string // the raw request-target, exactly as received
	Header     http.Header
	Body       []byte
	// Verified reports that the Authorization header passed every check
	// (format, mchid, serial_no, timestamp, signature).
	Verified bool
	// AuthError says why it did not (nil when Verified); an *AuthError.
	AuthError error
	// Route is the operation it was routed to (nil without Spec or when no
	// operation matched).
	Route *Route
	// StatusCode is the status the server answered (before any tampering).
	StatusCode int
}

// TamperedResponse is a response about to be sent, already signed. A tamper
// function may change anything; changes to Body or to the Wechatpay-*
// headers then break the signature unless it calls Resign.
type TamperedResponse struct {
	Request    *RecordedRequest // the request being answered (do not modify)
	StatusCode int
	Header     http.Header
	Body       []byte

	signer *gateway.Signer
}

// Resign recomputes Wechatpay-Signature over the current
// Wechatpay-Timestamp, Wechatpay-Nonce and Body.
func (tr *TamperedResponse) Resign() { tr.signer.Resign(tr.Header, tr.Body) }

// SetTimestamp sets Wechatpay-Timestamp to ts and re-signs, so that only a
// timestamp-skew check can refuse the response.
func (tr *TamperedResponse) SetTimestamp(ts time.Time) {
	tr.Header.Set("Wechatpay-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	tr.Resign()
}

// SignTest turns the response into a WeChat Pay signature probe: the
// signature starts with WECHATPAY/SIGNTEST/ and must not verify.
func (tr *TamperedResponse) SignTest() {
	tr.Header.Set("Wechatpay-Signature", SignTestPrefix+Nonce())
}

// NewServer starts a Server on 127.0.0.1 that t.Cleanup closes. It fails the
// test at once if Spec cannot be routed.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := newServer(t, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.httpSrv = httptest.NewServer(s)
	s.URL = s.httpSrv.URL
	t.Cleanup(s.httpSrv.Close)
	return s
}

func newServer(t testing.TB, opts Options) (*Server, error) {
	if opts.MchID == "" {
		opts.MchID = testkeys.MchID
	}
	if opts.MerchantSerial == "" {
		opts.MerchantSerial = testkeys.MerchantSerial
	}
	if opts.MerchantPublicKey == nil {
		opts.MerchantPublicKey = MerchantPublicKey()
	}
	if opts.PlatformKey == nil {
		opts.PlatformKey = PlatformKey()
	}
	if opts.PublicKeyID == "" {
		opts.PublicKeyID = testkeys.PublicKeyID
	}
	if opts.PlatformSerial == "" {
		opts.PlatformSerial = testkeys.PlatformSerial
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{t: t, opts: opts}
	f := &front.Server{
		Verifier:      gateway.Verifier{MchID: opts.MchID, MerchantSerial: opts.MerchantSerial, Key: opts.MerchantPublicKey},
		Signer:        gateway.Signer{Key: opts.PlatformKey, PublicKeyID: opts.PublicKeyID, CertificateSerial: opts.PlatformSerial},
		Mode:          opts.Mode,
		Clock:         opts.Clock,
		MaxBodyBytes:  opts.MaxBodyBytes,
		UnsignedFiles: opts.UnsignedFiles,
		Observe:       s.observe,
	}
	handler := opts.Handler
	if opts.Spec != nil {
		rt, err := gateway.NewRouter(opts.Spec)
		if err != nil {
			return nil, fmt.Errorf("wxtest: %w", err)
		}
		f.Router = rt
		if handler == nil {
			handler = exampleHandler(rt)
		}
	}
	if handler == nil {
		handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
	}
	f.Handler = front.HTTPHandler(handler)
	if opts.ValidateResponses {
		f.CheckResponse = func(ex *front.Exchange) {
			a := ex.Response
			if err := ex.Route.ValidateResponse(ex.Request.Context(), ex.Request, ex.Body, a.Status, a.Header, a.Body); err != nil {
				t.Errorf("wxtest: %v", err)
			}
		}
	}
	s.front = f
	return s, nil
}

// Client returns an http.Client for the server (plain HTTP on loopback).
func (s *Server) Client() *http.Client { return s.httpSrv.Client() }

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// SetTamper installs f, called on every response after it is signed and
// before it is sent (nil removes it). Examples: tr.Body[0] ^= 1 (body byte),
// tr.Header.Set("Wechatpay-Nonce", "x") (nonce), tr.Header.Set("Wechatpay-Serial",
// "unknown") (serial), tr.Header.Del("Wechatpay-Signature") (dropped header),
// tr.SetTimestamp(time.Now().Add(-10*time.Minute)) (stale), tr.SignTest() (probe).
func (s *Server) SetTamper(f func(*TamperedResponse)) {
	s.mu.Lock()
	s.tamper = f
	s.mu.Unlock()
}

// ServeHTTP answers one request: checks, handler, signature, tampering
// (through the shared front door, internal/front).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.front.ServeHTTP(w, r) }

// observe records an exchange and lets the tamper function change its
// signed answer.
func (s *Server) observe(ex *front.Exchange) {
	r := ex.Request
	rec := RecordedRequest{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: ex.Body,
		Route: ex.Route, StatusCode: ex.Response.Status, AuthError: ex.AuthError,
		Verified: ex.Checked && ex.AuthError == nil}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	tamper := s.tamper
	s.mu.Unlock()
	if tamper == nil {
		return
	}
	a := ex.Response
	tr := &TamperedResponse{Request: &rec, StatusCode: a.Status, Header: a.Header, Body: a.Body, signer: &s.front.Signer}
	tamper(tr)
	ex.Response = &gateway.Response{Status: tr.StatusCode, Header: tr.Header, Body: tr.Body}
}

// Error is an error answer of the server: its status, code, message and
// detail (for PARAM_ERROR: field, location, issue and, when known, value).
type Error = gateway.Error

// CheckRequest routes r, whose body is body, and validates it against Spec
// exactly as ServeHTTP does once the signature, Accept and User-Agent have
// passed (openapi3filter, then the 4-byte UTF-8 rule): nil when the request
// would reach the handler, else the error answer (404 NOT_FOUND, 405
// METHOD_NOT_ALLOWED, 400 PARAM_ERROR). Nothing is recorded. Without Spec
// every request passes.
func (s *Server) CheckRequest(r *http.Request, body []byte) *Error {
	if s.front.Router == nil {
		return nil
	}
	rt, err := s.front.Router.Find(r)
	if err != nil {
		return gateway.RouteError(err)
	}
	return rt.ValidateRequest(r.Context(), r, body)
}
