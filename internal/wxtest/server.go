package wxtest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// Mode selects the key WeChat Pay claims to sign responses with, that is the
// Wechatpay-Serial it sends. (The test certificate and the test public key
// share one private key, so the signature bytes are the same.)
type Mode int

const (
	// PublicKey answers with Wechatpay-Serial = the public-key ID
	// (testkeys.PublicKeyID). It is the zero value: WeChat Pay's
	// recommended mode.
	PublicKey Mode = iota
	// Certificate answers with Wechatpay-Serial = the platform certificate
	// serial (testkeys.PlatformSerial).
	Certificate
	// Both follows the request: the public-key ID when the request's
	// Wechatpay-Serial header is that ID, else the certificate serial (a
	// merchant migrating from certificates to the public key).
	Both
)

func (m Mode) String() string {
	switch m {
	case PublicKey:
		return "PublicKey"
	case Certificate:
		return "Certificate"
	case Both:
		return "Both"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

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
	router  *router
	handler http.Handler
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

	key *rsa.PrivateKey
}

// Resign recomputes Wechatpay-Signature over the current
// Wechatpay-Timestamp, Wechatpay-Nonce and Body.
func (tr *TamperedResponse) Resign() {
	h := tr.Header
	msg := ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), tr.Body)
	h.Set("Wechatpay-Signature", signWith(tr.key, msg))
}

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
	s := &Server{t: t, opts: opts, handler: opts.Handler}
	if opts.Spec != nil {
		rt, err := newRouter(opts.Spec)
		if err != nil {
			return nil, err
		}
		s.router = rt
		if s.handler == nil {
			s.handler = exampleHandler(rt)
		}
	}
	if s.handler == nil {
		s.handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
	}
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

// apiError is an error answer; it marshals into WeChat Pay's error body.
type apiError struct {
	status  int
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Detail  map[string]any `json:"detail,omitempty"`
}

// ServeHTTP answers one request: checks, handler, signature, tampering.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := RecordedRequest{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone()}
	if rec.RequestURI == "" { // a request served in-process, not over the network
		rec.RequestURI = r.URL.RequestURI()
		r.RequestURI = rec.RequestURI
	}
	resp := s.answer(r, &rec)
	rec.StatusCode = resp.status

	if s.opts.ValidateResponses && rec.Route != nil {
		s.validateResponse(r, &rec, resp)
	}
	h := resp.header
	if h.Get("Request-ID") == "" {
		h.Set("Request-ID", randomString(32))
	}
	h.Del("Wechatpay-Timestamp")
	h.Del("Wechatpay-Nonce")
	h.Del("Wechatpay-Serial")
	signHeader(h, resp.body.Bytes(), s.opts.PlatformKey, s.opts.Clock(), s.serialFor(r))

	s.mu.Lock()
	s.requests = append(s.requests, rec)
	tamper := s.tamper
	s.mu.Unlock()

	tr := &TamperedResponse{Request: &rec, StatusCode: resp.status, Header: h, Body: resp.body.Bytes(), key: s.opts.PlatformKey}
	if tamper != nil {
		tamper(tr)
	}
	for k, v := range tr.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(tr.Body)))
	w.WriteHeader(tr.StatusCode)
	w.Write(tr.Body)
}

func (s *Server) serialFor(r *http.Request) string {
	switch s.opts.Mode {
	case Certificate:
		return s.opts.PlatformSerial
	case Both:
		if r.Header.Get("Wechatpay-Serial") == s.opts.PublicKeyID {
			return s.opts.PublicKeyID
		}
		return s.opts.PlatformSerial
	}
	return s.opts.PublicKeyID
}

// answer runs the checks and the handler and returns the unsigned answer.
func (s *Server) answer(r *http.Request, rec *RecordedRequest) *bufferedResponse {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
	rec.Body = body
	if err != nil {
		return errorResponse(&apiError{status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "读取请求体失败：" + err.Error()})
	}
	if int64(len(body)) > s.opts.MaxBodyBytes {
		return errorResponse(&apiError{status: http.StatusRequestEntityTooLarge, Code: "INVALID_REQUEST", Message: "请求体过大"})
	}

	// Route first, silently: ValidateResponses then also checks the error
	// answers of routable requests.
	var route *Route
	var routeErr error
	if s.router != nil {
		route, routeErr = s.router.find(r)
		rec.Route = route
	}

	// (1) Authorization, then Accept and User-Agent.
	if e := s.authenticate(r, signedBody(r, body, route)); e != nil {
		rec.AuthError = e
		return errorResponse(signError(r, e))
	}
	rec.Verified = true
	if r.Header.Get("Accept") == "" || r.Header.Get("User-Agent") == "" {
		return errorResponse(&apiError{status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "Http头缺少Accept或User-Agent"})
	}

	// (2) Routing and validation against the document.
	ctx := r.Context()
	if s.router != nil {
		if e := routeError(routeErr); e != nil {
			return errorResponse(e)
		}
		if e := validateRequest(ctx, r, body, route); e != nil {
			return errorResponse(e)
		}
		ctx = context.WithValue(ctx, routeKey{}, route)
	}

	// (3) The business handler.
	req := r.WithContext(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	bw := &bufferedResponse{header: http.Header{}}
	s.handler.ServeHTTP(bw, req)
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	if bw.status == http.StatusNoContent || bw.status == http.StatusNotModified {
		bw.body.Reset()
	}
	if bw.body.Len() > 0 && bw.header.Get("Content-Type") == "" {
		bw.header.Set("Content-Type", "application/json")
	}
	return bw
}

func (s *Server) authenticate(r *http.Request, body []byte) *AuthError {
	v := r.Header.Get("Authorization")
	if v == "" {
		return &AuthError{Field: "authorization", Issue: "Authorization header is missing",
			Message: "Http头缺少Authorization"}
	}
	a, err := ParseAuthorization(v)
	if err != nil {
		return err.(*AuthError)
	}
	if a.MchID != s.opts.MchID {
		return &AuthError{Field: "mchid", Issue: fmt.Sprintf("mchid %q is not %q", a.MchID, s.opts.MchID),
			Message: "Http头Authorization中的mchid与请求的商户号不匹配"}
	}
	if a.SerialNo != s.opts.MerchantSerial {
		return &AuthError{Field: "serial_no", Issue: fmt.Sprintf("serial_no %q is not the merchant certificate serial", a.SerialNo),
			Message: "商户证书序列号有误。请使用签名私钥匹配的证书序列号"}
	}
	if err := verifyParsed(r, a, body, s.opts.MerchantPublicKey, s.opts.Clock()); err != nil {
		return err.(*AuthError)
	}
	return nil
}

// signError is the 401 answer, with the diagnostic detail WeChat Pay gives.
func signError(r *http.Request, e *AuthError) *apiError {
	detail := map[string]any{
		"field":    e.Field,
		"location": "authorization",
		"detail":   map[string]any{"issue": e.Issue},
	}
	if e.SignMessage != nil {
		msg := e.SignMessage
		if len(msg) > 512 {
			msg = msg[:512]
		}
		for !utf8.Valid(msg) && len(msg) > 0 {
			msg = msg[:len(msg)-1]
		}
		detail["sign_information"] = map[string]any{
			"method":                 r.Method,
			"url":                    r.RequestURI,
			"sign_message_length":    len(e.SignMessage),
			"truncated_sign_message": string(msg),
		}
	}
	return &apiError{status: http.StatusUnauthorized, Code: "SIGN_ERROR", Message: e.Message, Detail: detail}
}

func routeError(err error) *apiError {
	var pe *paramDecodeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return &apiError{status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: "请求方法不支持"}
	case errors.As(err, &pe):
		return &apiError{status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: "参数错误：" + pe.Error(),
			Detail: map[string]any{"field": pe.name, "location": "path", "issue": pe.err.Error()}}
	}
	return &apiError{status: http.StatusNotFound, Code: "NOT_FOUND", Message: "请求的资源不存在：" + err.Error()}
}

func errorResponse(e *apiError) *bufferedResponse {
	b, err := json.Marshal(e)
	if err != nil {
		panic("wxtest: encoding an error: " + err.Error())
	}
	bw := &bufferedResponse{header: http.Header{}, status: e.status}
	bw.header.Set("Content-Type", "application/json")
	bw.body.Write(b)
	return bw
}

func (s *Server) validateResponse(r *http.Request, rec *RecordedRequest, resp *bufferedResponse) {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(rec.Body))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: rec.Route.PathParams,
			Route:      rec.Route.route,
			Options:    filterOptions,
		},
		Status:  resp.status,
		Header:  resp.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	in.SetBodyBytes(resp.body.Bytes())
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		s.t.Errorf("wxtest: %d answer to %s %s does not match the document: %v\nbody: %s",
			resp.status, r.Method, rec.RequestURI, err, resp.body.Bytes())
	}
}

// bufferedResponse collects what a handler writes.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
