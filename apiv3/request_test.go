package apiv3

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type captured struct {
	method, requestURI, body string
	header                   http.Header
}

// recordingHandler stores the last request and answers status and body.
func recordingHandler(got *captured, status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*got = captured{r.Method, r.RequestURI, string(b), r.Header.Clone()}
		w.Header().Set("Request-ID", "RID-42")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

type card struct {
	OutCardCode string `json:"out_card_code"`
	Notify      string `json:"notify_url,omitempty"`
}

type validBody struct {
	Name string `json:"name"`
}

func (b *validBody) Validate() error {
	var v Validator
	v.In = "body"
	if b.Name == "" {
		v.Add("name", "required", "is required")
	}
	return v.Err()
}

func TestDoWire(t *testing.T) {
	tests := []struct {
		name     string
		base     string // path added to the server URL
		req      Request
		opts     []CallOption
		wantURI  string
		wantBody string
	}{
		{
			name:    "get",
			req:     Request{Method: "GET", Template: "/v3/discount-card/cards/{out_card_code}", Path: "/v3/discount-card/cards/abc"},
			wantURI: "/v3/discount-card/cards/abc",
		},
		{
			name:    "escaped path kept byte for byte",
			req:     Request{Method: "GET", Path: "/v3/discount-card/cards/a%7Cb%2Ac%2Fd%20e%25"},
			wantURI: "/v3/discount-card/cards/a%7Cb%2Ac%2Fd%20e%25",
		},
		{
			name:    "lower-case escapes kept",
			req:     Request{Method: "GET", Path: "/v3/x/%7c%2a"},
			wantURI: "/v3/x/%7c%2a",
		},
		{
			name:    "sub-delims and trailing slash",
			req:     Request{Method: "get", Path: "/v3/x/a*b!c$;=:@/"},
			wantURI: "/v3/x/a*b!c$;=:@/",
		},
		{
			name:    "query",
			req:     Request{Method: "GET", Path: "/v3/bill", Query: "bill_date=2019-06-11&tar_type=GZIP&x=%2F"},
			wantURI: "/v3/bill?bill_date=2019-06-11&tar_type=GZIP&x=%2F",
		},
		{
			name:    "base path prefix",
			base:    "/proxy/wx/",
			req:     Request{Method: "GET", Path: "/v3/x/a%2Fb", Query: "q=1"},
			wantURI: "/proxy/wx/v3/x/a%2Fb?q=1",
		},
		{
			name:     "post body",
			req:      Request{Method: "POST", Path: "/v3/discount-card/cards", Body: &card{OutCardCode: "c1", Notify: "https://x/?a=1&b=<2>"}},
			wantURI:  "/v3/discount-card/cards",
			wantBody: `{"out_card_code":"c1","notify_url":"https://x/?a=1&b=<2>"}`,
		},
		{
			name:     "raw json body",
			req:      Request{Method: "PATCH", Path: "/v3/o", Body: json.RawMessage(`{ "a" : 1 }`)},
			wantURI:  "/v3/o",
			wantBody: `{"a":1}`,
		},
		{
			name:     "validated body",
			req:      Request{Method: "POST", Path: "/v3/v", Body: &validBody{Name: "n"}},
			wantURI:  "/v3/v",
			wantBody: `{"name":"n"}`,
		},
		{
			name:     "skip validation",
			req:      Request{Method: "POST", Path: "/v3/v", Body: &validBody{}},
			opts:     []CallOption{SkipValidation()},
			wantURI:  "/v3/v",
			wantBody: `{"name":""}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got captured
			c, f, srv := newFakeClient(t, recordingHandler(&got, 200, `{"out_card_code":"ok"}`))
			if tt.base != "" {
				c2, err := NewClient(testConfig(srv.URL + tt.base))
				if err != nil {
					t.Fatal(err)
				}
				c2.auth = f
				c = c2
			}
			var out card
			res, err := c.Do(context.Background(), &tt.req, &out, tt.opts...)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if got.method != strings.ToUpper(tt.req.Method) {
				t.Errorf("method = %s", got.method)
			}
			if got.requestURI != tt.wantURI {
				t.Errorf("request-target = %q, want %q", got.requestURI, tt.wantURI)
			}
			if got.body != tt.wantBody {
				t.Errorf("body = %q, want %q", got.body, tt.wantBody)
			}
			wantSigned := got.method + "\n" + tt.wantURI + "\n" + tt.wantBody + "\n"
			if s := fakeSigned(t, got.header.Get("Authorization")); s != wantSigned {
				t.Errorf("signed %q, want %q", s, wantSigned)
			}
			if got.header.Get("Accept") != "application/json" {
				t.Errorf("Accept = %q", got.header.Get("Accept"))
			}
			wantCT := ""
			if tt.wantBody != "" {
				wantCT = "application/json; charset=utf-8"
			}
			if ct := got.header.Get("Content-Type"); ct != wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, wantCT)
			}
			if ua := got.header.Get("User-Agent"); ua != userAgent("") {
				t.Errorf("User-Agent = %q", ua)
			}
			if s := got.header.Get("Wechatpay-Serial"); s != f.serial {
				t.Errorf("Wechatpay-Serial = %q, want %q", s, f.serial)
			}
			if res.StatusCode != 200 || res.RequestID != "RID-42" || out.OutCardCode != "ok" {
				t.Errorf("res = %+v, out = %+v", res, out)
			}
			if _, v := f.counts(); v != 1 {
				t.Errorf("verify called %d times, want 1", v)
			}
		})
	}
}

func TestDoHeaders(t *testing.T) {
	var got captured
	c, f, _ := newFakeClient(t, recordingHandler(&got, 204, ""), WithUserAgent("shop/2"))
	f.serial = ""
	r := &Request{Method: "GET", Path: "/v3/h", Header: http.Header{"x-custom": {"a", "b"}, "Accept": {"text/plain"}}}
	_, err := c.Do(context.Background(), r, nil, WithHeader("X-Trace", "t1"), WithHeader("x-trace", "t2"), WithHeader("Accept", "*/*"))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.header.Values("X-Custom"); len(v) != 2 || v[0] != "a" || v[1] != "b" {
		t.Errorf("X-Custom = %q", v)
	}
	if v := got.header.Get("X-Trace"); v != "t2" {
		t.Errorf("X-Trace = %q, want the last WithHeader", v)
	}
	if v := got.header.Get("Accept"); v != "*/*" {
		t.Errorf("Accept = %q, want the WithHeader value", v)
	}
	if v := got.header.Get("User-Agent"); v != userAgent("")+" shop/2" {
		t.Errorf("User-Agent = %q", v)
	}
	if _, ok := got.header["Wechatpay-Serial"]; ok {
		t.Errorf("Wechatpay-Serial sent although credentials have none")
	}
	if r.Header.Get("Authorization") != "" {
		t.Errorf("Do modified Request.Header")
	}

	for _, tc := range []struct {
		r    *Request
		opts []CallOption
	}{
		{&Request{Method: "GET", Path: "/v3/h"}, []CallOption{WithHeader("authorization", "x")}},
		{&Request{Method: "GET", Path: "/v3/h", Header: http.Header{"Authorization": {"x"}}}, nil},
	} {
		if _, err := c.Do(context.Background(), tc.r, nil, tc.opts...); err == nil || !strings.Contains(err.Error(), "Authorization") {
			t.Errorf("setting Authorization: err = %v", err)
		}
	}
}

func TestDoRefusesBadRequests(t *testing.T) {
	c, f, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) { t.Error("request sent") })
	var nilCard *card
	var nilSlice []int
	tests := []struct {
		name string
		r    *Request
		want string
	}{
		{"nil request", nil, "nil *Request"},
		{"no method", &Request{Path: "/v3"}, "Method"},
		{"bad method", &Request{Method: "G T", Path: "/v3"}, "method"},
		{"relative path", &Request{Method: "GET", Path: "v3"}, "must start with /"},
		{"raw space", &Request{Method: "GET", Path: "/v3/a b"}, "percent-encoded"},
		{"raw pipe", &Request{Method: "GET", Path: "/v3/a|b"}, "percent-encoded"},
		{"raw question mark", &Request{Method: "GET", Path: "/v3/a?b"}, "percent-encoded"},
		{"bad escape", &Request{Method: "GET", Path: "/v3/a%2"}, "percent-encoding"},
		{"bad query", &Request{Method: "GET", Path: "/v3", Query: "a=b c"}, "Query"},
		{"query fragment", &Request{Method: "GET", Path: "/v3", Query: "a=b#c"}, "Query"},
		{"nil pointer body", &Request{Method: "POST", Path: "/v3", Body: nilCard}, "nil *apiv3.card"},
		{"null body", &Request{Method: "POST", Path: "/v3", Body: nilSlice}, "JSON null"},
		{"unencodable body", &Request{Method: "POST", Path: "/v3", Body: func() {}}, "encoding the request body"},
		{"invalid body", &Request{Method: "POST", Path: "/v3", Body: &validBody{}}, "apiv3: invalid request: body name: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Do(context.Background(), tt.r, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if res != nil {
				t.Errorf("res = %+v, want nil", res)
			}
		})
	}
	var ve *ValidationError
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3", Body: &validBody{}}, nil)
	if !errors.As(err, &ve) || ve.Violations[0].Rule != "required" {
		t.Errorf("err = %#v, want a *ValidationError", err)
	}
	if s, _ := f.counts(); s != 0 {
		t.Errorf("signed %d bad requests", s)
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		signed     bool
		verifyErr  error
		wantCode   string
		wantMsg    string
		wantDetail string
		verified   bool
	}{
		{
			name: "documented", status: 400,
			body:     `{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/currency","value":"XYZ","issue":"Currency code is invalid","location":"body"}}`,
			wantCode: "PARAM_ERROR", wantMsg: "参数错误",
			wantDetail: `{"field":"/amount/currency","value":"XYZ","issue":"Currency code is invalid","location":"body"}`,
		},
		{name: "signed", status: 401, body: `{"code":"SIGN_ERROR","message":"错误的签名,验签失败"}`, signed: true, wantCode: "SIGN_ERROR", wantMsg: "错误的签名,验签失败", verified: true},
		{name: "not json", status: 502, body: `<html>bad gateway</html>`},
		{name: "empty", status: 500, body: ``},
		{name: "odd types", status: 429, body: `{"code":42,"message":["x"],"detail":null}`, wantCode: "42"},
		{name: "redirect not followed", status: 302, body: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Request-ID", "RID-E")
				if tt.signed {
					w.Header().Set("Wechatpay-Signature", "c2ln")
				}
				if tt.status == 302 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			f.verifyErr = tt.verifyErr
			var out card
			res, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/e"}, &out)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.wantCode || ae.Message != tt.wantMsg ||
				string(ae.Detail) != tt.wantDetail || string(ae.Body) != tt.body || ae.RequestID != "RID-E" ||
				ae.Verified != tt.verified || ae.Header.Get("Request-ID") != "RID-E" {
				t.Errorf("APIError = %+v", ae)
			}
			if res == nil || res.StatusCode != tt.status || string(res.Body) != tt.body {
				t.Errorf("res = %+v", res)
			}
			if out != (card{}) {
				t.Errorf("error body decoded into out: %+v", out)
			}
			if _, v := f.counts(); v != map[bool]int{true: 1, false: 0}[tt.signed] {
				t.Errorf("verify called %d times", v)
			}
			if tt.wantCode != "" && !IsCode(err, tt.wantCode) {
				t.Errorf("IsCode(%q) = false", tt.wantCode)
			}
		})
	}
}

func TestVerificationFailures(t *testing.T) {
	errBad := errors.New("bad signature")
	for _, tt := range []struct {
		name   string
		status int
		signed bool
	}{
		{"2xx", 200, false},
		{"signed error response", 400, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.signed {
					w.Header().Set("Wechatpay-Signature", "c2ln")
				}
				w.Header().Set("Request-ID", "RID-V")
				w.WriteHeader(tt.status)
				io.WriteString(w, `{"out_card_code":"x","code":"PARAM_ERROR"}`)
			})
			f.verifyErr = errBad
			var out card
			res, err := c.Do(context.Background(), &Request{Method: "GET", Template: "/v3/t", Path: "/v3/t"}, &out)
			if !errors.Is(err, errBad) {
				t.Fatalf("err = %v, want it to wrap the verification error", err)
			}
			var ae *APIError
			if errors.As(err, &ae) || IsCode(err, "PARAM_ERROR") {
				t.Errorf("unverified error response returned as APIError: %v", err)
			}
			if want := "apiv3: GET /v3/t (HTTP " + strconv.Itoa(tt.status) + "): bad signature"; err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			if out.OutCardCode != "" {
				t.Errorf("decoded before verification: %+v", out)
			}
			if res == nil || res.StatusCode != tt.status {
				t.Errorf("res = %+v", res)
			}
		})
	}
}

func TestVerificationSkipped(t *testing.T) {
	errBad := errors.New("bad signature")
	h := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"out_card_code":"u"}`) }

	c, f, _ := newFakeClient(t, h)
	f.verifyErr = errBad
	var out card
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/bill", UnsignedResponse: true}, &out); err != nil || out.OutCardCode != "u" {
		t.Errorf("UnsignedResponse: err = %v, out = %+v", err, out)
	}

	c, f, _ = newFakeClient(t, h, InsecureSkipResponseVerification())
	f.verifyErr = errBad
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, &out); err != nil {
		t.Errorf("InsecureSkipResponseVerification: %v", err)
	}
	if _, v := f.counts(); v != 0 {
		t.Errorf("verify called %d times", v)
	}
}

func TestDecodeError(t *testing.T) {
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Request-ID", "RID-D")
		io.WriteString(w, `{"out_card_code":1}`)
	})
	var out card
	res, err := c.Do(context.Background(), &Request{Method: "GET", Template: "/v3/d/{id}", Path: "/v3/d/1"}, &out)
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) || !strings.Contains(err.Error(), "RID-D") || !strings.Contains(err.Error(), "/v3/d/{id}") {
		t.Errorf("err = %v", err)
	}
	if res == nil || string(res.Body) != `{"out_card_code":1}` {
		t.Errorf("res = %+v", res)
	}
	// nil out and empty bodies are not decoded.
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/d/1"}, nil); err != nil {
		t.Errorf("nil out: %v", err)
	}
}

func TestMaxResponseBytes(t *testing.T) {
	const limit = 16
	for _, n := range []int{0, limit - 1, limit, limit + 1, 10 * limit} {
		body := strings.Repeat("x", n)
		c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }, WithMaxResponseBytes(limit))
		res, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/big"}, nil)
		if n > limit {
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("%d bytes: err = %v, want ErrResponseTooLarge", n, err)
			}
			if res == nil || res.StatusCode != 200 || res.Body != nil {
				t.Errorf("%d bytes: res = %+v", n, res)
			}
			continue
		}
		if err != nil || len(res.Body) != n {
			t.Errorf("%d bytes: err = %v, body %d bytes", n, err, len(res.Body))
		}
	}
}

func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)

	start := time.Now()
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/slow"}, nil, WithTimeout(50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WithTimeout: err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("WithTimeout took %v", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.Do(ctx, &Request{Method: "GET", Path: "/v3/slow"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}

	c.httpClient = &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/slow"}, nil); err == nil {
		t.Errorf("http.Client timeout: no error")
	}
}

func TestNewRequest(t *testing.T) {
	var sent atomic.Int32
	c, f, srv := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) { sent.Add(1) })
	req, err := c.NewRequest(context.Background(), &Request{
		Method: "POST", Path: "/v3/discount-card/cards/a%7Cb%2A/add-user-records", Query: "x=1", Body: &card{OutCardCode: "c"},
	}, WithHeader("X-A", "1"), WithTimeout(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	if sent.Load() != 0 {
		t.Errorf("NewRequest sent the request")
	}
	wantURI := "/v3/discount-card/cards/a%7Cb%2A/add-user-records?x=1"
	if req.URL.RequestURI() != wantURI || req.URL.String() != srv.URL+wantURI {
		t.Errorf("URL = %s (RequestURI %s)", req.URL, req.URL.RequestURI())
	}
	if req.URL.Path != "/v3/discount-card/cards/a|b*/add-user-records" {
		t.Errorf("URL.Path = %q", req.URL.Path)
	}
	if req.Host != req.URL.Host || req.Header.Get("X-A") != "1" || req.Header.Get("Content-Type") == "" {
		t.Errorf("req = %+v", req)
	}
	if s := fakeSigned(t, req.Header.Get("Authorization")); s != "POST\n"+wantURI+"\n"+`{"out_card_code":"c"}`+"\n" {
		t.Errorf("signed %q", s)
	}
	// The caller can send it, twice (GetBody is set).
	for range 2 {
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if req.GetBody == nil {
			t.Fatal("GetBody not set")
		}
		req.Body, _ = req.GetBody()
	}
	if sent.Load() != 2 {
		t.Errorf("sent %d", sent.Load())
	}
	if s, _ := f.counts(); s != 1 {
		t.Errorf("signed %d times", s)
	}
}

func TestEverySendSignsAfresh(t *testing.T) {
	var auths []string
	c, f, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
	})
	r := &Request{Method: "GET", Path: "/v3/a"}
	for range 3 {
		if _, err := c.Do(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if s, _ := f.counts(); s != 3 || auths[0] == auths[1] || auths[1] == auths[2] {
		t.Errorf("signs = %d, Authorization values %q", s, auths)
	}
}

// TestRequestTargetSentAsSigned checks that the request-target that reaches
// the server is the one signed, under base paths and for paths that need
// url.URL's Path and RawPath both. newHTTPRequest assembles the URL from
// parts checked separately (the base path by NewClient, the request path by
// prepare); see decodePath.
func TestRequestTargetSentAsSigned(t *testing.T) {
	paths := []string{"/", "/v3/a", "/v3/a%2Fb", "/v3/%7C%2A", "/v3/%7c", "/a/b/", "/v3/a:b@c!$&'()*+,;=", "//x/y", "/v3/%41", "/v3/%25%3F"}
	queries := []string{"", "x=%20&y", "a=/?b"}
	var got captured
	srv := httptest.NewServer(recordingHandler(&got, 204, ""))
	t.Cleanup(srv.Close)
	for _, base := range []string{"", "/prefix", "/a%2Fb", "/a%20b", "/b:@!"} {
		c, err := NewClient(testConfig(srv.URL + base))
		if err != nil {
			t.Fatal(err)
		}
		c.auth = &fakeAuth{}
		for _, p := range paths {
			for _, q := range queries {
				want := base + p
				if q != "" {
					want += "?" + q
				}
				r := &Request{Method: "GET", Path: p, Query: q}
				req, err := c.NewRequest(context.Background(), r)
				if err != nil {
					t.Fatalf("NewRequest(%q, %q) under %q: %v", p, q, base, err)
				}
				decoded, _ := url.PathUnescape(base + p)
				if s := fakeSigned(t, req.Header.Get("Authorization")); s != "GET\n"+want+"\n\n" ||
					req.URL.RequestURI() != want || req.URL.String() != srv.URL+want || req.URL.Path != decoded {
					t.Errorf("want %q: signed %q, URL %s, RequestURI %q, Path %q", want, s, req.URL, req.URL.RequestURI(), req.URL.Path)
				}
				if _, err := c.Do(context.Background(), r, nil); err != nil {
					t.Fatal(err)
				}
				if s := fakeSigned(t, got.header.Get("Authorization")); got.requestURI != want || s != "GET\n"+want+"\n\n" {
					t.Errorf("want %q: the server got %q, signed %q", want, got.requestURI, s)
				}
			}
		}
	}
}

// BenchmarkDo measures one signed call with a verified response against a
// loopback server (client and server allocations both count).
func BenchmarkDo(b *testing.B) {
	srv := signedServer(b, 200, `{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`)
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	r := &Request{Method: "POST", Template: "/v3/discount-card/cards/{out_card_code}/add-user-records",
		Path: "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3/add-user-records",
		Body: &card{OutCardCode: "6e8369071cd942c0476613f9d1ce9ca3"}}
	b.ReportAllocs()
	for b.Loop() {
		var out card
		if _, err := c.Do(context.Background(), r, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// cannedTransport answers every request with the same signed response,
// without a network, so BenchmarkDoClientOnly counts the client's work only.
type cannedTransport struct {
	header http.Header
	body   string
}

func (ct *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: ct.header, Body: io.NopCloser(strings.NewReader(ct.body)), Request: r}, nil
}

func BenchmarkDoClientOnly(b *testing.B) {
	body := `{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`
	c, err := NewClient(testConfig("https://api.mch.weixin.qq.com"),
		WithHTTPClient(&http.Client{Transport: &cannedTransport{header: platformSigned(b, body), body: body}}))
	if err != nil {
		b.Fatal(err)
	}
	r := &Request{Method: "POST", Template: "/v3/discount-card/cards/{out_card_code}/add-user-records",
		Path: "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3/add-user-records",
		Body: &card{OutCardCode: "6e8369071cd942c0476613f9d1ce9ca3"}}
	b.ReportAllocs()
	for b.Loop() {
		var out card
		if _, err := c.Do(context.Background(), r, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHeaderParamsWithControlCharactersAreRefused: a CR or LF in a header
// parameter could inject a header; it is a validation error naming the
// header, before anything is sent.
func TestHeaderParamsWithControlCharactersAreRefused(t *testing.T) {
	c, err := NewClient(testConfig("https://api.mch.weixin.qq.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"a\r\nX-Injected: 1", "a\nb", "a\x00b", "a\x7fb"} {
		_, err := c.NewRequest(context.Background(), &Request{Method: "GET", Path: "/v3/x", Header: http.Header{"Wechatpay-Foo": {v}}})
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Violations[0].In != "header" || ve.Violations[0].Field != "Wechatpay-Foo" {
			t.Errorf("%q: %v, want a header validation error", v, err)
		}
	}
	if _, err := c.NewRequest(context.Background(), &Request{Method: "GET", Path: "/v3/x", Header: http.Header{"X-Tab": {"a\tb"}}}); err != nil {
		t.Errorf("a tab is a legal header character: %v", err)
	}
}
