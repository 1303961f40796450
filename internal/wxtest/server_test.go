package wxtest_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

const testSpec = `
openapi: 3.0.3
info: {title: wxtest, version: "1"}
servers:
  - url: https://api.mch.weixin.qq.com
paths:
  /v3/discount-card/cards/{out_card_code}:
    parameters:
      - $ref: '#/components/parameters/OutCardCode'
    get:
      operationId: getCard
      responses:
        '200':
          description: the card
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Card'}
              example: {out_card_code: 6e8369071cd942c0476613f9d1ce9ca3, state: ONGOING}
        4XX: {$ref: '#/components/responses/Error'}
  /v3/discount-card/cards/{out_card_code}/add-user-records:
    parameters:
      - $ref: '#/components/parameters/OutCardCode'
    post:
      operationId: addUserRecords
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [objective_completion_records]
              properties:
                objective_completion_records:
                  type: array
                  items:
                    type: object
                    required: [serial_no, completion_type]
                    properties:
                      serial_no: {type: string, minLength: 1, maxLength: 32}
                      completion_type: {type: string, enum: [INCREASE, DECREASE]}
                      description: {type: string, maxLength: 5}
                      completion_time: {type: string, format: date-time}
      responses:
        '204': {description: recorded}
        4XX: {$ref: '#/components/responses/Error'}
components:
  parameters:
    OutCardCode:
      name: out_card_code
      in: path
      required: true
      schema: {type: string, minLength: 1, maxLength: 32, pattern: '^[0-9A-Za-z_|*-]+$'}
  schemas:
    Card:
      type: object
      required: [out_card_code, state]
      properties:
        out_card_code: {type: string}
        state: {type: string}
    ErrorResponse:
      type: object
      required: [code, message]
      properties:
        code: {type: string}
        message: {type: string}
        detail: {type: object}
  responses:
    Error:
      description: an error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ErrorResponse'}
`

func loadSpec(t testing.TB, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Hand-made key material and signatures: nothing from the package under test.

var (
	merchantKey = sync.OnceValue(func() *rsa.PrivateKey {
		block, _ := pem.Decode(testkeys.MerchantKeyPEM)
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			panic(err)
		}
		return k.(*rsa.PrivateKey)
	})
	platformPub = sync.OnceValue(func() *rsa.PublicKey {
		block, _ := pem.Decode(testkeys.PlatformPublicKeyPEM)
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			panic(err)
		}
		return k.(*rsa.PublicKey)
	})
)

func rsaSign(t testing.TB, msg string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, merchantKey(), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// auth holds what goes into a hand-made Authorization header.
type auth struct {
	mchid, nonce, serial string
	ts                   int64
	target               string // signed request-target ("" = the one sent)
	signature            string // "" = computed
	header               string // "" = built from the fields; "-" = no header
}

// do sends a hand-signed request; mutate may change the auth fields and the
// request before signing.
func do(t testing.TB, srv *wxtest.Server, method, target string, body string, mutate func(*auth, *http.Request)) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wxtest-test/1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	a := &auth{mchid: testkeys.MchID, nonce: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", serial: testkeys.MerchantSerial, ts: time.Now().Unix()}
	if mutate != nil {
		mutate(a, req)
	}
	if a.target == "" {
		a.target = req.URL.RequestURI()
	}
	if a.signature == "" {
		a.signature = rsaSign(t, fmt.Sprintf("%s\n%s\n%d\n%s\n%s\n", method, a.target, a.ts, a.nonce, body))
	}
	switch a.header {
	case "":
		req.Header.Set("Authorization", fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",signature="%s",timestamp="%d",serial_no="%s"`,
			a.mchid, a.nonce, a.signature, a.ts, a.serial))
	case "-":
	default:
		req.Header.Set("Authorization", a.header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// verifyResponse checks the signature headers of a response by hand.
func verifyResponse(h http.Header, body []byte) error {
	for _, k := range []string{"Request-ID", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature"} {
		if h.Get(k) == "" {
			return fmt.Errorf("no %s header", k)
		}
	}
	if got := h.Get("Wechatpay-Signature-Type"); got != "WECHATPAY2-SHA256-RSA2048" {
		return fmt.Errorf("Wechatpay-Signature-Type = %q", got)
	}
	ts, err := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if err != nil {
		return err
	}
	if d := time.Since(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %v away", d)
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	return rsa.VerifyPKCS1v15(platformPub(), crypto.SHA256, sum[:], sig)
}

type errorBody struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Detail  map[string]any `json:"detail"`
}

func decodeError(t testing.TB, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %s: %v", b, err)
	}
	return e
}

func newTestServer(t *testing.T, opts wxtest.Options) *wxtest.Server {
	t.Helper()
	if opts.Spec == nil {
		opts.Spec = loadSpec(t, []byte(testSpec))
	}
	opts.ValidateResponses = true
	return wxtest.NewServer(t, opts)
}

func TestSignedRequestAccepted(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	resp, body := do(t, srv, "GET", "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if want := `{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`; string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}
	if err := verifyResponse(resp.Header, body); err != nil {
		t.Errorf("response signature: %v", err)
	}
	if got := resp.Header.Get("Wechatpay-Serial"); got != testkeys.PublicKeyID {
		t.Errorf("Wechatpay-Serial = %q, want the public-key ID", got)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d recorded requests", len(reqs))
	}
	r := reqs[0]
	if !r.Verified || r.AuthError != nil || r.StatusCode != 200 || r.Method != "GET" ||
		r.RequestURI != "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3" ||
		r.Route == nil || r.Route.OperationID != "getCard" {
		t.Errorf("recorded %+v", r)
	}
}

func TestPostWithBodyAccepted(t *testing.T) {
	var got []byte
	srv := newTestServer(t, wxtest.Options{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	})})
	body := `{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE","description":"特价","completion_time":"2015-05-20T13:29:35.120+08:00"}]}`
	resp, b := do(t, srv, "POST", "/v3/discount-card/cards/abc/add-user-records", body, nil)
	if resp.StatusCode != 204 || len(b) != 0 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if string(got) != body {
		t.Errorf("handler read %s", got)
	}
	if err := verifyResponse(resp.Header, b); err != nil {
		t.Errorf("response signature: %v", err)
	}
}

func TestSignErrors(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	const target = "/v3/discount-card/cards/abc"
	tests := []struct {
		name   string
		mutate func(*auth, *http.Request)
		field  string
	}{
		{"wrong signature", func(a *auth, _ *http.Request) { a.signature = rsaSign(t, "something else\n") }, "signature"},
		{"signature not base64", func(a *auth, _ *http.Request) { a.signature = "!!!" }, "signature"},
		{"signed over decoded target", func(a *auth, r *http.Request) {
			r.URL.Opaque = "/v3/discount-card/cards/a%7Cb"
			a.target = "/v3/discount-card/cards/a|b"
		}, "signature"},
		{"signed over another target", func(a *auth, _ *http.Request) { a.target = target + "?x=1" }, "signature"},
		{"signed over another method", func(a *auth, r *http.Request) {
			a.signature = rsaSign(t, fmt.Sprintf("POST\n%s\n%d\n%s\n\n", target, a.ts, a.nonce))
		}, "signature"},
		{"wrong serial", func(a *auth, _ *http.Request) { a.serial = testkeys.PlatformSerial }, "serial_no"},
		{"wrong mchid", func(a *auth, _ *http.Request) { a.mchid = "1230000109" }, "mchid"},
		{"stale timestamp", func(a *auth, _ *http.Request) { a.ts -= 301 }, "timestamp"},
		{"future timestamp", func(a *auth, _ *http.Request) { a.ts += 301 }, "timestamp"},
		{"millisecond timestamp", func(a *auth, _ *http.Request) { a.ts *= 1000 }, "timestamp"},
		{"missing header", func(a *auth, _ *http.Request) { a.header = "-" }, "authorization"},
		{"wrong scheme", func(a *auth, _ *http.Request) {
			a.header = fmt.Sprintf(`WECHATPAY2-SHA256-RSA mchid="%s",nonce_str="n",signature="s",timestamp="%d",serial_no="%s"`, a.mchid, a.ts, a.serial)
		}, "authorization"},
		{"missing field", func(a *auth, _ *http.Request) {
			a.header = fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="n",timestamp="%d",serial_no="%s"`, a.mchid, a.ts, a.serial)
		}, "authorization"},
		{"unquoted value", func(a *auth, _ *http.Request) {
			a.header = fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid=%s,nonce_str="n",signature="s",timestamp="%d",serial_no="%s"`, a.mchid, a.ts, a.serial)
		}, "authorization"},
		{"repeated field", func(a *auth, _ *http.Request) {
			a.header = fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",mchid="%s",nonce_str="n",signature="s",timestamp="%d",serial_no="%s"`, a.mchid, a.mchid, a.ts, a.serial)
		}, "authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, srv, "GET", target, "", tt.mutate)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			e := decodeError(t, body)
			if e.Code != "SIGN_ERROR" || e.Message == "" || e.Detail["field"] != tt.field || e.Detail["location"] != "authorization" {
				t.Errorf("error %s", body)
			}
			if err := verifyResponse(resp.Header, body); err != nil {
				t.Errorf("error response signature: %v", err)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Verified || r.AuthError == nil || r.StatusCode != 401 {
			t.Errorf("recorded %s: verified %v, %v, %d", r.RequestURI, r.Verified, r.AuthError, r.StatusCode)
		}
	}
}

func TestSignErrorShowsSignMessage(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", func(a *auth, _ *http.Request) { a.signature = rsaSign(t, "x") })
	e := decodeError(t, body)
	info, _ := e.Detail["sign_information"].(map[string]any)
	if resp.StatusCode != 401 || info["url"] != "/v3/discount-card/cards/abc" || info["method"] != "GET" ||
		!strings.HasPrefix(info["truncated_sign_message"].(string), "GET\n/v3/discount-card/cards/abc\n") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestMissingAcceptOrUserAgent(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	for _, h := range []string{"User-Agent", "Accept"} {
		t.Run(h, func(t *testing.T) {
			resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", func(_ *auth, r *http.Request) {
				r.Header.Set(h, "") // an empty User-Agent makes net/http send none
			})
			if resp.StatusCode != 400 || decodeError(t, body).Code != "INVALID_REQUEST" {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
			if err := verifyResponse(resp.Header, body); err != nil {
				t.Errorf("error response signature: %v", err)
			}
		})
	}
}

func TestParamError(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	tests := []struct {
		name, target, body string
		field, location    string
	}{
		{"enum in array item", "/v3/discount-card/cards/abc/add-user-records",
			`{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE"},{"serial_no":"2","completion_type":"SIDEWAYS"}]}`,
			"/objective_completion_records/1/completion_type", "body"},
		{"length in code points", "/v3/discount-card/cards/abc/add-user-records",
			`{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE","description":"一二三四五六"}]}`,
			"/objective_completion_records/0/description", "body"},
		{"required property", "/v3/discount-card/cards/abc/add-user-records",
			`{"objective_completion_records":[{"completion_type":"INCREASE"}]}`,
			"/objective_completion_records/0/serial_no", "body"},
		{"date-time format", "/v3/discount-card/cards/abc/add-user-records",
			`{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE","completion_time":"2015-05-20 13:29:35"}]}`,
			"/objective_completion_records/0/completion_time", "body"},
		{"four-byte character", "/v3/discount-card/cards/abc/add-user-records",
			`{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE","description":"🙂"}]}`,
			"/objective_completion_records/0/description", "body"},
		{"malformed JSON", "/v3/discount-card/cards/abc/add-user-records", `{"objective_completion_records":`, "/", "body"},
		{"path pattern", "/v3/discount-card/cards/a%24b", "", "out_card_code", "path"},
		{"path length", "/v3/discount-card/cards/" + strings.Repeat("a", 33), "", "out_card_code", "path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if tt.body != "" {
				method = "POST"
			}
			resp, body := do(t, srv, method, tt.target, tt.body, nil)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			e := decodeError(t, body)
			if e.Code != "PARAM_ERROR" || e.Detail["field"] != tt.field || e.Detail["location"] != tt.location {
				t.Errorf("error %s", body)
			}
			if err := verifyResponse(resp.Header, body); err != nil {
				t.Errorf("error response signature: %v", err)
			}
		})
	}
}

func TestEscapedPathParam(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	srv := newTestServer(t, wxtest.Options{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, wxtest.PathParam(r, "out_card_code"))
		mu.Unlock()
		w.Write([]byte(`{"out_card_code":"x","state":"ONGOING"}`))
	})})
	for _, target := range []string{
		"/v3/discount-card/cards/ab%7Ccd%2Aef", // as RFC 6570 / the runtime escape
		"/v3/discount-card/cards/ab%7ccd*ef",   // lower-case hex, raw '*'
	} {
		resp, body := do(t, srv, "GET", target, "", func(_ *auth, r *http.Request) { r.URL.Opaque = target })
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", target, resp.StatusCode, body)
		}
	}
	if len(seen) != 2 || seen[0] != "ab|cd*ef" || seen[1] != "ab|cd*ef" {
		t.Errorf("handler saw %q", seen)
	}
	reqs := srv.Requests()
	if reqs[0].RequestURI != "/v3/discount-card/cards/ab%7Ccd%2Aef" || reqs[1].RequestURI != "/v3/discount-card/cards/ab%7ccd*ef" {
		t.Errorf("recorded %q, %q", reqs[0].RequestURI, reqs[1].RequestURI)
	}
	// An escaped slash stays inside the parameter, and is then refused by its pattern.
	resp, body := do(t, srv, "GET", "/v3/discount-card/cards/a%2Fb", "", func(_ *auth, r *http.Request) { r.URL.Opaque = "/v3/discount-card/cards/a%2Fb" })
	if e := decodeError(t, body); resp.StatusCode != 400 || e.Detail["field"] != "out_card_code" {
		t.Errorf("a%%2Fb: %d %s", resp.StatusCode, body)
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	resp, body := do(t, srv, "GET", "/v3/nothing", "", nil)
	if resp.StatusCode != 404 || decodeError(t, body).Code != "NOT_FOUND" {
		t.Errorf("status %d: %s", resp.StatusCode, body)
	}
	resp, body = do(t, srv, "DELETE", "/v3/discount-card/cards/abc", "", nil)
	if resp.StatusCode != 405 {
		t.Errorf("status %d: %s", resp.StatusCode, body)
	}
}

func TestModes(t *testing.T) {
	tests := []struct {
		mode      wxtest.Mode
		reqSerial string
		want      string
	}{
		{wxtest.PublicKey, "", testkeys.PublicKeyID},
		{wxtest.PublicKey, testkeys.PlatformSerial, testkeys.PublicKeyID},
		{wxtest.Certificate, "", testkeys.PlatformSerial},
		{wxtest.Certificate, testkeys.PublicKeyID, testkeys.PlatformSerial},
		{wxtest.Both, testkeys.PublicKeyID, testkeys.PublicKeyID},
		{wxtest.Both, testkeys.PlatformSerial, testkeys.PlatformSerial},
		{wxtest.Both, "", testkeys.PlatformSerial},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%s", tt.mode, tt.reqSerial), func(t *testing.T) {
			srv := newTestServer(t, wxtest.Options{Mode: tt.mode})
			resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", func(_ *auth, r *http.Request) {
				if tt.reqSerial != "" {
					r.Header.Set("Wechatpay-Serial", tt.reqSerial)
				}
			})
			if got := resp.Header.Get("Wechatpay-Serial"); got != tt.want {
				t.Errorf("Wechatpay-Serial = %q, want %q", got, tt.want)
			}
			if err := verifyResponse(resp.Header, body); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestClock(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))
	srv := newTestServer(t, wxtest.Options{Clock: func() time.Time { return now }})
	resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", func(a *auth, _ *http.Request) { a.ts = now.Unix() - 299 })
	if resp.StatusCode != 200 || resp.Header.Get("Wechatpay-Timestamp") != strconv.FormatInt(now.Unix(), 10) {
		t.Errorf("%d %s %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil) // signed with the real time
	if resp.StatusCode != 401 {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestTamper(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	tests := []struct {
		name   string
		tamper func(*wxtest.TamperedResponse)
		ok     bool // still verifies by hand
	}{
		{"none", func(*wxtest.TamperedResponse) {}, true},
		{"body byte", func(tr *wxtest.TamperedResponse) { tr.Body[3] ^= 1 }, false},
		{"nonce", func(tr *wxtest.TamperedResponse) { tr.Header.Set("Wechatpay-Nonce", "x") }, false},
		{"timestamp", func(tr *wxtest.TamperedResponse) { tr.Header.Set("Wechatpay-Timestamp", "1") }, false},
		{"stale timestamp, re-signed", func(tr *wxtest.TamperedResponse) { tr.SetTimestamp(time.Now().Add(-6 * time.Minute)) }, false},
		{"fresh timestamp, re-signed", func(tr *wxtest.TamperedResponse) { tr.SetTimestamp(time.Now().Add(-4 * time.Minute)) }, true},
		{"body changed, re-signed", func(tr *wxtest.TamperedResponse) { tr.Body = []byte(`{}`); tr.Resign() }, true},
		{"drop signature", func(tr *wxtest.TamperedResponse) { tr.Header.Del("Wechatpay-Signature") }, false},
		{"probe", func(tr *wxtest.TamperedResponse) { tr.SignTest() }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetTamper(tt.tamper)
			defer srv.SetTamper(nil)
			resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil)
			if err := verifyResponse(resp.Header, body); (err == nil) != tt.ok {
				t.Errorf("verification error %v, want ok=%v", err, tt.ok)
			}
		})
	}
	srv.SetTamper(func(tr *wxtest.TamperedResponse) { tr.SignTest() })
	_, _ = do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil)
	srv.SetTamper(nil)
	resp, _ := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil)
	if sig := resp.Header.Get("Wechatpay-Signature"); strings.HasPrefix(sig, wxtest.SignTestPrefix) {
		t.Errorf("tamper still active after SetTamper(nil)")
	}
}

// recordingTB catches the failures the server reports.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestValidateResponses(t *testing.T) {
	rt := &recordingTB{TB: t}
	bad := `{"out_card_code":7}`
	srv := wxtest.NewServer(rt, wxtest.Options{
		Spec:              loadSpec(t, []byte(testSpec)),
		ValidateResponses: true,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "POST" {
				w.WriteHeader(http.StatusCreated) // undocumented
				return
			}
			w.Write([]byte(bad))
		}),
	})
	do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil)
	do(t, srv, "POST", "/v3/discount-card/cards/abc/add-user-records", `{"objective_completion_records":[]}`, nil)
	do(t, srv, "GET", "/v3/discount-card/cards/abc", "", func(a *auth, _ *http.Request) { a.ts = 0 }) // a 401 that matches 4XX
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.errors) != 2 || !strings.Contains(rt.errors[0], "200 answer to GET") || !strings.Contains(rt.errors[1], "201 answer to POST") {
		t.Errorf("reported %q", rt.errors)
	}
}

func TestNoSpec(t *testing.T) {
	srv := wxtest.NewServer(t, wxtest.Options{})
	resp, body := do(t, srv, "DELETE", "/anything/at%2Fall?x=1", "", nil)
	if resp.StatusCode != 204 || len(body) != 0 {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if err := verifyResponse(resp.Header, body); err != nil {
		t.Error(err)
	}
	if r := srv.Requests()[0]; !r.Verified || r.Route != nil || r.RequestURI != "/anything/at%2Fall?x=1" {
		t.Errorf("recorded %+v", r)
	}
}

func TestSignRequestHelper(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	body := `{"objective_completion_records":[]}`
	req, _ := http.NewRequest("POST", srv.URL+"/v3/discount-card/cards/a%7Cb/add-user-records", strings.NewReader(body))
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Content-Type", "application/json")
	wxtest.SignRequest(req, []byte(body), time.Now())
	if err := wxtest.VerifyAuthorization(req, []byte(body), &merchantKey().PublicKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestSignResponse(t *testing.T) {
	h := http.Header{}
	body := []byte(`{"a":1}`)
	wxtest.SignResponse(h, body)
	if err := verifyResponse(h, body); err != nil && !strings.Contains(err.Error(), "Request-ID") {
		t.Error(err)
	}
	if h.Get("Wechatpay-Serial") != testkeys.PublicKeyID {
		t.Errorf("serial %q", h.Get("Wechatpay-Serial"))
	}
	ts, nonce := "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242"
	if got := wxtest.Sign([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n")); got == "" {
		t.Error("empty signature")
	}
}
