package apiv3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Request describes one operation call. Generated code fills it; Client.Do
// signs it, sends it and reads the answer.
type Request struct {
	// OperationID is the spec's operationId ("getCard"), for the logger
	// (WithLogger) and middleware (OperationFrom); "" when there is none.
	OperationID string
	Method      string      // "GET", "POST", ...
	Template    string      // path template, e.g. "/v3/discount-card/cards/{out_card_code}"
	Path        string      // the escaped path, already validated (built by generated code)
	Query       string      // already-encoded query string without '?', "" for none
	Header      http.Header // header parameters, may be nil
	// Body is nil for no body; otherwise it is encoded as JSON. If it
	// implements interface{ Validate() error } it is validated first unless
	// the call has SkipValidation(). A nil pointer is refused.
	Body any
	// Idempotent marks GETs and x-wechatpay-idempotent operations: safe to
	// send twice, so they are retried as RetryPolicy describes. GET and HEAD
	// requests are retried whether it is set or not.
	Idempotent bool
	// SettledBy names the operation that tells whether a request that is
	// not Idempotent took effect when its outcome is unknown (see
	// ErrOutcomeUnknown), e.g. "queryRefund (GET
	// /v3/refund/domestic/refunds/{out_refund_no})": the spec's x-wechatpay-settled-by. It only words the
	// error.
	SettledBy string
	// UnsignedResponse marks x-wechatpay-unsigned-response operations: their
	// success responses carry no signature and are not verified.
	UnsignedResponse bool
	// DecodeStatus, when non-zero, is the only status whose body Do decodes
	// into out: an operation with several 2xx answers has a typed body for
	// one of them, and the others (a 202 whose body may be anything) are
	// returned undecoded in Response.Body.
	DecodeStatus int
	// Digest, when set, is what the downloaded bytes of an unsigned response
	// must hash to (download.go); a mismatch is an error wrapping
	// ErrDigestMismatch.
	Digest *Digest
	// Multipart, when set, is the body instead of Body: multipart/form-data
	// whose signature covers only one part (multipart.go).
	Multipart *Multipart
	// EncryptSensitive, when set, returns a copy of Body whose sensitive
	// fields (x-wechatpay-sensitive) are encrypted with encrypt; the runtime
	// validates Body first, encodes the copy and sends the encrypting key's
	// serial as Wechatpay-Serial (sensitive.go). Generated code sets it.
	EncryptSensitive func(encrypt func(plaintext string) (string, error)) (any, error)
	// SendSerial marks operations whose spec declares a Wechatpay-Serial
	// header: the request names the key sensitive data would be encrypted
	// with even when it encrypted none (certificate mode sends no serial
	// otherwise). The header is the runtime's to set, never the caller's.
	SendSerial bool
}

// prepared is a Request after validation and encoding: what every send of
// it signs.
type prepared struct {
	r         *Request
	method    string
	pathQuery string // path + "?" + query, without the base path
	target    string // request-target: base path + pathQuery (of the host it goes to)
	path      string // r.Path decoded, for url.URL.Path (decodePath)
	body      []byte // nil when there is no body
	bodyExtras
}

const (
	headerRequestID = "Request-ID"
	headerSignature = "Wechatpay-Signature"
)

// Do validates and encodes r.Body, signs the request, sends it and reads the
// response. Every 2xx response must carry a valid WeChat Pay signature (unless
// r.UnsignedResponse or InsecureSkipResponseVerification); an error response
// is verified when it carries one. A non-2xx status is returned as an
// *APIError. A 2xx body is decoded into out when out is not nil and the body
// is not empty. The *Response is returned whenever a response arrived, also
// together with an error.
//
// GETs and requests marked Idempotent are retried after connection errors,
// 202, 429 and 5xx answers, failing over to the backup host after a
// connection error; see RetryPolicy. Each attempt is signed afresh.
func (c *Client) Do(ctx context.Context, r *Request, out any, opts ...CallOption) (*Response, error) {
	cs := c.callOptions(opts)
	if cs.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cs.timeout)
		defer cancel()
	}
	p, err := c.prepare(r, &cs)
	if err != nil {
		return nil, err
	}
	res, err := c.sendWithRetry(ctx, p, &cs)
	if err != nil {
		return res, err
	}
	if err := checkDigest(r, res, c.settings.maxInflatedBytes); err != nil {
		return res, err
	}
	if out != nil && len(res.Body) > 0 && (r.DecodeStatus == 0 || r.DecodeStatus == res.StatusCode) {
		if err := json.Unmarshal(res.Body, out); err != nil {
			return res, fmt.Errorf("apiv3: decoding the response to %s %s (Request-ID %q): %w", p.method, p.name(), res.RequestID, err)
		}
	}
	return res, nil
}

// NewRequest returns the signed *http.Request that Do would send, without
// sending it: for tests and for callers with their own transport. WithTimeout
// does not apply; bound the context instead. The response to it is not
// verified by the runtime.
func (c *Client) NewRequest(ctx context.Context, r *Request, opts ...CallOption) (*http.Request, error) {
	cs := c.callOptions(opts)
	p, err := c.prepare(r, &cs)
	if err != nil {
		return nil, err
	}
	return c.newHTTPRequest(ctx, c.base, p, &cs)
}

// prepare checks r and the call options and encodes the body.
func (c *Client) prepare(r *Request, cs *callSettings) (*prepared, error) {
	if r == nil {
		return nil, errors.New("apiv3: nil *Request")
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		return nil, errors.New("apiv3: Request.Method is empty")
	}
	if !strings.HasPrefix(r.Path, "/") {
		return nil, fmt.Errorf("apiv3: Request.Path %q must start with /", r.Path)
	}
	if err := checkRequestPath(r.Path); err != nil {
		return nil, fmt.Errorf("apiv3: Request.Path %q: %w", r.Path, err)
	}
	path, err := decodePath(r.Path)
	if err != nil {
		return nil, fmt.Errorf("apiv3: Request.Path %q: %w", r.Path, err)
	}
	if err := checkQuery(r.Query); err != nil {
		return nil, fmt.Errorf("apiv3: Request.Query %q: %w", r.Query, err)
	}
	for k := range r.Header {
		if strings.EqualFold(k, "Authorization") {
			return nil, errors.New("apiv3: Request.Header must not set Authorization")
		}
	}
	if err := checkHeaderValues(r.Header); err != nil {
		return nil, err
	}
	for _, h := range cs.header {
		if strings.EqualFold(h.key, "Authorization") {
			return nil, errors.New("apiv3: WithHeader must not set Authorization: the runtime signs every request")
		}
	}
	body, extras, err := c.encodeRequestBody(r, cs.skipValidation)
	if err != nil {
		return nil, err
	}
	pathQuery := r.Path
	if r.Query != "" {
		pathQuery += "?" + r.Query
	}
	return &prepared{r: r, method: method, pathQuery: pathQuery, target: c.base.rawPath + pathQuery, path: path, body: body, bodyExtras: extras}, nil
}

// encodeBody validates and marshals a request body; nil means no body.
func encodeBody(b any, skipValidation bool) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	if v := reflect.ValueOf(b); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, fmt.Errorf("apiv3: the request body is a nil %T", b)
	}
	if v, ok := b.(interface{ Validate() error }); ok && !skipValidation {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("apiv3: encoding the request body (%T): %w", b, err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if string(body) == "null" {
		return nil, fmt.Errorf("apiv3: the request body (%T) encodes to JSON null", b)
	}
	return body, nil
}

// name is how errors refer to the operation: its template, else its path.
func (p *prepared) name() string {
	if p.r.Template != "" {
		return p.r.Template
	}
	return p.r.Path
}

// newHTTPRequest builds and signs one *http.Request for p on dst, whose
// base path p.target starts with. Each call signs afresh (new timestamp and
// nonce).
func (c *Client) newHTTPRequest(ctx context.Context, dst host, p *prepared, cs *callSettings) (*http.Request, error) {
	var body io.Reader
	if p.body != nil {
		body = bytes.NewReader(p.body)
	}
	// The URL "" parses without work into an empty url.URL, which is then
	// filled in: parsing scheme and host, or building a second url.URL,
	// would cost allocations on every attempt for nothing.
	req, err := http.NewRequestWithContext(ctx, p.method, "", body)
	if err != nil {
		return nil, fmt.Errorf("apiv3: %w", err)
	}
	// The request-target goes on the wire as signed: RawPath is the signed
	// path and Path its decoded form, and with the two together net/url
	// sends RawPath unchanged (decodePath checked that in prepare and
	// NewClient). A path never contains "?" (checkRequestPath).
	rawPath, query, _ := strings.Cut(p.target, "?")
	*req.URL = url.URL{Scheme: dst.url.Scheme, Host: dst.url.Host, Path: dst.path + p.path, RawPath: rawPath, RawQuery: query}
	req.Host = dst.url.Host

	authz, err := c.auth.authorize(p.method, p.target, p.signedBody())
	if err != nil {
		return nil, err
	}
	h := req.Header
	for k, vs := range p.r.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if p.contentType != "" {
		h.Set("Content-Type", p.contentType)
	} else if p.body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("User-Agent", c.userAgent)
	serial := orDefault(p.serial, c.auth.serialHeader())
	if serial == "" && p.r.SendSerial && c.creds != nil {
		_, serial = c.creds.encryptionKey()
	}
	if serial != "" {
		h.Set("Wechatpay-Serial", serial)
	}
	for _, f := range cs.header {
		h.Set(f.key, f.value)
	}
	h.Set("Authorization", authz)
	return req, nil
}

// send signs p, sends it once to h and reads and verifies the response.
// A non-2xx response becomes an *APIError. connErr reports that the request
// failed in transport: no complete response arrived.
func (c *Client) send(ctx context.Context, h host, p *prepared, cs *callSettings) (res *Response, connErr bool, err error) {
	req, err := c.newHTTPRequest(ctx, h, p, cs)
	if err != nil {
		return nil, false, err
	}
	if hook := c.settings.debug; hook != nil {
		start := time.Now()
		defer func() {
			hook(newDebugEvent(req, h.url, p, res, time.Since(start), err))
		}()
	}
	hr, err := c.httpClient.Do(req)
	if err != nil {
		return nil, true, err
	}
	defer hr.Body.Close()
	res = &Response{StatusCode: hr.StatusCode, Header: hr.Header, RequestID: hr.Header.Get(headerRequestID)}
	limit := c.settings.maxBodyBytes
	body, err := io.ReadAll(io.LimitReader(hr.Body, min(limit, math.MaxInt64-1)+1))
	if err != nil {
		return res, true, fmt.Errorf("apiv3: reading the response to %s %s (Request-ID %q): %w", p.method, p.name(), res.RequestID, err)
	}
	if int64(len(body)) > limit {
		return res, false, fmt.Errorf("apiv3: the response to %s %s (Request-ID %q) is longer than %d bytes: %w", p.method, p.name(), res.RequestID, limit, ErrResponseTooLarge)
	}
	res.Body = body

	ok := hr.StatusCode >= 200 && hr.StatusCode <= 299
	verified := false
	if !c.settings.skipVerify && ((ok && !p.r.UnsignedResponse) || (!ok && hr.Header.Get(headerSignature) != "")) {
		if err := c.auth.verify(hr.Header, body); err != nil {
			return res, false, &opError{op: fmt.Sprintf("%s %s (HTTP %d)", p.method, p.name(), hr.StatusCode), err: err}
		}
		verified = true
	}
	if !ok {
		return res, false, newAPIError(res, verified)
	}
	return res, false, nil
}

// checkHeaderValues refuses header parameters with control characters (a
// CR or LF could inject a header), as a validation error naming the header,
// before anything is signed or sent.
func checkHeaderValues(h http.Header) error {
	var v *Validator
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, val := range h[k] {
			if strings.ContainsFunc(val, isControl) {
				if v == nil {
					v = &Validator{In: "header"}
				}
				v.Add(k, "pattern", "must not contain control characters (CR, LF, ...)")
				break
			}
		}
	}
	if v == nil {
		return nil
	}
	return v.Err()
}

// isControl is a C0 control character other than horizontal tab, or DEL.
func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }
