package apiv3

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// testConfig is a public-key-mode configuration made of the committed test
// keys, pointed at baseURL.
func testConfig(baseURL string) Config {
	return Config{
		BaseURL:                   baseURL,
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}
}

// fakeAuth stands in for the credentials in transport tests: its
// "signature" is the Base64 of the signed lines, so the server can check that
// the request-target signed is the one it received.
type fakeAuth struct {
	mu        sync.Mutex
	signs     int
	verifies  int
	verifyErr error
	serial    string
}

func (f *fakeAuth) authorize(method, target string, body []byte) (string, error) {
	f.mu.Lock()
	f.signs++
	n := f.signs
	f.mu.Unlock()
	sig := base64.StdEncoding.EncodeToString([]byte(method + "\n" + target + "\n" + string(body) + "\n"))
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="NONCE%d",timestamp="1700000000",serial_no="%s",signature="%s"`,
		testkeys.MchID, n, testkeys.MerchantSerial, sig), nil
}

func (f *fakeAuth) verify(h http.Header, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verifies++
	return f.verifyErr
}

func (f *fakeAuth) serialHeader() string { return f.serial }
func (f *fakeAuth) mchID() string        { return testkeys.MchID }

func (f *fakeAuth) counts() (signs, verifies int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signs, f.verifies
}

// fakeSigned decodes the fake signature of an Authorization value.
func fakeSigned(t *testing.T, authz string) string {
	t.Helper()
	_, sig, ok := strings.Cut(authz, `signature="`)
	if !ok {
		t.Fatalf("no signature in Authorization %q", authz)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(sig, `"`))
	if err != nil {
		t.Fatalf("fake signature: %v", err)
	}
	return string(b)
}

// newFakeClient starts a loopback server with h and returns a client whose
// credentials are a fakeAuth.
func newFakeClient(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *fakeAuth, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(testConfig(srv.URL), opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	f := &fakeAuth{serial: testkeys.PublicKeyID}
	c.auth = f
	return c, f, srv
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		url      string
		wantErr  string // substring; "" for success
		wantPath string // base.rawPath
	}{
		{"", "", ""},
		{"https://api.mch.weixin.qq.com", "", ""},
		{"https://api.mch.weixin.qq.com/", "", ""},
		{"https://apihk.mch.weixin.qq.com/prefix/", "", "/prefix"},
		{"https://example.com/a%2Fb", "", "/a%2Fb"},
		{"http://127.0.0.1:8080", "", ""},
		{"http://127.9.9.9", "", ""},
		{"http://[::1]:1234/x", "", "/x"},
		{"http://localhost:1", "", ""},
		{"http://LocalHost", "", ""},
		{"http://api.mch.weixin.qq.com", "only for loopback", ""},
		{"http://10.0.0.1", "only for loopback", ""},
		{"http://localhost.example.com", "only for loopback", ""},
		{"ftp://127.0.0.1", "scheme must be https", ""},
		{"api.mch.weixin.qq.com", "scheme must be https", ""},
		{"https://", "absolute URL", ""},
		{"https://x.com?a=1", "query", ""},
		{"https://x.com/?", "query", ""},
		{"https://x.com/#f", "fragment", ""},
		{"https://x.com#", "fragment", ""},
		{"https://u:p@x.com", "user information", ""},
		{"https://x.com/a b", "", "/a%20b"},
		{"https://x.com/%zz", "", ""}, // url.Parse refuses it; checked below
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := NewClient(testConfig(tt.url))
			if tt.url == "https://x.com/%zz" {
				if err == nil {
					t.Fatal("NewClient accepted a bad escape")
				}
				return
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewClient(%q) error = %v, want it to contain %q", tt.url, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClient(%q): %v", tt.url, err)
			}
			if c.base.rawPath != tt.wantPath {
				t.Errorf("base.rawPath = %q, want %q", c.base.rawPath, tt.wantPath)
			}
		})
	}
}

func TestBackupBaseURL(t *testing.T) {
	c, err := NewClient(testConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.base.url.String(); got != DefaultBaseURL {
		t.Errorf("baseURL = %s, want %s", got, DefaultBaseURL)
	}
	if got := c.backup.url.String(); got != DefaultBackupBaseURL {
		t.Errorf("backupURL = %s, want %s", got, DefaultBackupBaseURL)
	}
	cfg := testConfig("")
	cfg.BackupBaseURL = "http://api2.mch.weixin.qq.com"
	if _, err := NewClient(cfg); err == nil || !strings.Contains(err.Error(), "BackupBaseURL") {
		t.Errorf("plain-http backup URL: error = %v, want one naming BackupBaseURL", err)
	}
}

func TestNewClientOptions(t *testing.T) {
	for _, tt := range []struct {
		name string
		opt  Option
		want string
	}{
		{"skew", WithMaxSkew(0), "WithMaxSkew"},
		{"bytes", WithMaxResponseBytes(-1), "WithMaxResponseBytes"},
		{"ua", WithUserAgent("x\r\nEvil: 1"), "WithUserAgent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(testConfig(""), tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %s", err, tt.want)
			}
		})
	}

	hc := &http.Client{Timeout: 7 * time.Second}
	clock := func() time.Time { return time.Unix(1, 0) }
	c, err := NewClient(testConfig(""), nil, WithHTTPClient(hc), WithClock(clock), WithMaxSkew(time.Minute),
		WithMaxResponseBytes(10), InsecureSkipResponseVerification(), WithUserAgent("shop/1"))
	if err != nil {
		t.Fatal(err)
	}
	// A copy of hc, which must not follow redirects (redirect_test.go).
	if c.httpClient.Timeout != hc.Timeout || c.httpClient.Transport != hc.Transport || c.settings.maxSkew != time.Minute || c.settings.maxBodyBytes != 10 ||
		!c.settings.skipVerify || c.settings.clock().Unix() != 1 {
		t.Errorf("options not applied: %+v", c.settings)
	}
	if c.MchID() != testkeys.MchID {
		t.Errorf("MchID() = %q", c.MchID())
	}

	d, err := NewClient(testConfig(""), WithHTTPClient(nil), WithClock(nil))
	if err != nil {
		t.Fatal(err)
	}
	if d.httpClient == nil || d.httpClient.CheckRedirect == nil {
		t.Errorf("default http client = %+v", d.httpClient)
	}
	if d.settings.clock == nil || d.settings.maxSkew != DefaultMaxSkew || d.settings.maxBodyBytes != 8<<20 {
		t.Errorf("default settings = %+v", d.settings)
	}
}

func TestUserAgent(t *testing.T) {
	want := "wxpaygen/" + RuntimeVersion + " (" + runtime.GOOS + "/" + runtime.GOARCH + ") Go/" + runtime.Version()
	if got := userAgent(""); got != want {
		t.Errorf("userAgent() = %q, want %q", got, want)
	}
	if got := userAgent(" shop/1.2 "); got != want+" shop/1.2" {
		t.Errorf("userAgent(shop) = %q", got)
	}
}

// --- end to end with the real credentials ---------------------------------

// signedServer checks the merchant signature of every request with the test
// merchant public key and signs its answers with the test platform key.
func signedServer(t testing.TB, status int, body string) *httptest.Server {
	t.Helper()
	mpub := parseRSAPublic(t, testkeys.MerchantPublicKeyPEM)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(r.Body)
		if err := checkMerchantSignature(r, reqBody, mpub); err != nil {
			t.Errorf("server: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h := w.Header()
		for k, v := range platformSigned(t, body) {
			h[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// platformSigned returns the headers WeChat Pay would send with body,
// signed now with the test platform key in public-key mode.
func platformSigned(t testing.TB, body string) http.Header {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := "SERVERNONCE"
	sum := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + body + "\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, parseRSAPrivate(t, testkeys.PlatformKeyPEM), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Request-ID", "REQ-1")
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", testkeys.PublicKeyID)
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
	h.Set("Content-Type", "application/json")
	return h
}

func checkMerchantSignature(r *http.Request, body []byte, pub *rsa.PublicKey) error {
	authz := r.Header.Get("Authorization")
	scheme, params, _ := strings.Cut(authz, " ")
	if scheme != "WECHATPAY2-SHA256-RSA2048" {
		return fmt.Errorf("Authorization scheme %q", scheme)
	}
	p := map[string]string{}
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(kv, "=")
		p[k] = strings.Trim(v, `"`)
	}
	if p["mchid"] != testkeys.MchID || !strings.EqualFold(p["serial_no"], testkeys.MerchantSerial) {
		return fmt.Errorf("Authorization mchid/serial_no: %q", authz)
	}
	msg := r.Method + "\n" + r.RequestURI + "\n" + p["timestamp"] + "\n" + p["nonce_str"] + "\n" + string(body) + "\n"
	sig, err := base64.StdEncoding.DecodeString(p["signature"])
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
}

func parseRSAPublic(t testing.TB, b []byte) *rsa.PublicKey {
	t.Helper()
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PublicKey)
}

func parseRSAPrivate(t testing.TB, b []byte) *rsa.PrivateKey {
	t.Helper()
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		k2, err2 := x509.ParsePKCS1PrivateKey(blk.Bytes)
		if err2 != nil {
			t.Fatal(err)
		}
		return k2
	}
	return k.(*rsa.PrivateKey)
}

func TestSignedRoundTrip(t *testing.T) {
	srv := signedServer(t, 200, `{"out_card_code":"a|b"}`)
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		OutCardCode string `json:"out_card_code"`
	}
	res, err := c.Do(context.Background(), &Request{
		Method: "POST", Template: "/v3/x/{id}", Path: "/v3/x/a%7Cb%2A%2F", Query: "q=1",
		Body: map[string]string{"k": "v&<>"},
	}, &out)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if res.RequestID != "REQ-1" || out.OutCardCode != "a|b" {
		t.Errorf("res = %+v, out = %+v", res, out)
	}

	// A signed error response verifies too.
	srv = signedServer(t, 400, `{"code":"PARAM_ERROR","message":"bad"}`)
	c, err = NewClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/y"}, nil)
	var ae *APIError
	if !errors.As(err, &ae) || !ae.Verified || ae.Code != "PARAM_ERROR" {
		t.Errorf("err = %v (%+v), want a verified PARAM_ERROR", err, ae)
	}
}

func TestSignedResponseTampered(t *testing.T) {
	signed := signedServer(t, 200, `{"a":1}`)
	// A proxy that changes the body after WeChat Pay signed it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequest(r.Method, signed.URL+r.RequestURI, r.Body)
		req.Header = r.Header
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		io.WriteString(w, `{"a":2}`)
	}))
	defer srv.Close()
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]int
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/z"}, &out)
	var ve *VerificationError
	if !errors.Is(err, ErrBadSignature) || !errors.As(err, &ve) || out != nil {
		t.Fatalf("tampered body: err = %v, out = %v; want ErrBadSignature", err, out)
	}
	if ve.RequestID != "REQ-1" || !strings.Contains(err.Error(), "GET /v3/z (HTTP 200)") {
		t.Errorf("err = %q, want the operation and Request-ID", err)
	}
}

func TestSignedErrorResponses(t *testing.T) {
	// Unsigned error responses are returned as unverified APIErrors.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, `{"code":"SYSTEM_ERROR","message":"proxy"}`)
	}))
	defer srv.Close()
	c, err := NewClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/e"}, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Verified || ae.Code != "SYSTEM_ERROR" {
		t.Errorf("err = %v (%+v), want an unverified APIError", err, ae)
	}

	// A signed error response whose signature is wrong is a verification error.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Wechatpay-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		h.Set("Wechatpay-Nonce", "N")
		h.Set("Wechatpay-Serial", testkeys.PublicKeyID)
		h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(make([]byte, 256)))
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"PARAM_ERROR","message":"forged"}`)
	}))
	defer srv2.Close()
	c, err = NewClient(testConfig(srv2.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/e"}, nil)
	if !errors.Is(err, ErrBadSignature) || errors.As(err, &ae) {
		t.Errorf("err = %v, want ErrBadSignature and no APIError", err)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestDefaultClientTimesOutAStalledAnswer: the default client's exchange
// deadline fails an attempt whose answer never comes, and a slow but
// complete answer within the deadline is fine.
func TestDefaultClientTimesOutAStalledAnswer(t *testing.T) {
	stall := make(chan struct{})
	defer close(stall)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(50 * time.Millisecond)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	hc := newHTTPClient(300 * time.Millisecond)
	resp, err := hc.Get(srv.URL + "/slow")
	if err != nil {
		t.Fatalf("slow answer within the deadline: %v", err)
	}
	resp.Body.Close()
	start := time.Now()
	_, err = hc.Get(srv.URL + "/stall")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("stalled answer: err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timed out after %v", d)
	}
	// The pool recovers: the next exchange works.
	resp, err = hc.Get(srv.URL + "/slow")
	if err != nil {
		t.Fatalf("after a timeout: %v", err)
	}
	resp.Body.Close()
}
