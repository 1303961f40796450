package apiv3

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secCertResponse is the fixture answer of GET /v3/certificates: the
// platform certificate encrypted by Node, signed by openssl.
func secCertResponse(t testing.TB) *Response {
	body := secFixture(t, "certificates.json")
	sig := strings.TrimSpace(string(secFixture(t, "certificates_signature.b64")))
	return &Response{
		StatusCode: 200,
		Header:     secHeader(secFixtureTS, "CERTNONCE00000000000000000000001", sig, testkeys.PlatformSerial),
		Body:       body,
		RequestID:  "RID",
	}
}

// secStoreFixture is a store whose fetches are counted, and credentials in
// certificate mode that rely on it alone.
type secStoreFixture struct {
	store   *CertificateStore
	creds   *credentials
	fetches atomic.Int32
	now     atomic.Int64 // seconds added to secNow
	mu      sync.Mutex
	resp    func() (*Response, error)
	rots    []CertificateRotation
}

func newSecStoreFixture(t *testing.T, cfg Config) *secStoreFixture {
	t.Helper()
	fx := &secStoreFixture{}
	fx.resp = func() (*Response, error) { return secCertResponse(t), nil }
	store, err := NewCertificateStore(func(ctx context.Context) (*Response, error) {
		fx.fetches.Add(1)
		fx.mu.Lock()
		f := fx.resp
		fx.mu.Unlock()
		return f()
	}, testkeys.APIv3Key, WithRotationHook(func(r CertificateRotation) {
		fx.mu.Lock()
		fx.rots = append(fx.rots, r)
		fx.mu.Unlock()
	}), WithRefreshTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	s := secSettings()
	s.clock = func() time.Time { return secNow.Add(time.Duration(fx.now.Load()) * time.Second) }
	c, err := buildCredentials(cfg, s, store)
	if err != nil {
		t.Fatal(err)
	}
	fx.store, fx.creds = store, c
	return fx
}

func (fx *secStoreFixture) rotations() []CertificateRotation {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return append([]CertificateRotation(nil), fx.rots...)
}

// secCertOnlyConfig has no verification material: the store supplies it.
func secCertOnlyConfig() Config {
	cfg := secConfig()
	cfg.WechatPayPublicKeyID, cfg.WechatPayPublicKeyPEM = "", nil
	return cfg
}

func TestCertificateStoreOnDemand(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	h, body := secResponseFixture(t, testkeys.PlatformSerial)
	if err := fx.creds.verify(h, body); err != nil {
		t.Fatalf("first verification: %v", err)
	}
	if n := fx.fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
	if err := fx.creds.verify(h, body); err != nil {
		t.Fatal(err)
	}
	if got := fx.store.Serials(); len(got) != 1 || got[0] != testkeys.PlatformSerial {
		t.Errorf("Serials %v", got)
	}
	if rots := fx.rotations(); len(rots) != 1 || len(rots[0].Added) != 1 || rots[0].Added[0] != testkeys.PlatformSerial {
		t.Errorf("rotations %+v", rots)
	}

	// An unknown serial refreshes at most once a minute (counted from the
	// last download, which was just now).
	h2 := h.Clone()
	h2.Set(HeaderSerial, "0123456789ABCDEF")
	for i := 0; i < 3; i++ {
		if err := fx.creds.verify(h2, body); !errors.Is(err, ErrUnknownSerial) {
			t.Fatalf("unknown serial: %v", err)
		}
	}
	if n := fx.fetches.Load(); n != 1 {
		t.Errorf("%d fetches after three unknown serials within the minute, want 1", n)
	}
	fx.now.Store(61)
	h3 := h2.Clone()
	fx.creds.maxSkew = time.Hour // the fixture's timestamp is now 61 s old; irrelevant here
	fx.creds.verify(h3, body)
	if n := fx.fetches.Load(); n != 2 {
		t.Errorf("%d fetches a minute later, want 2", n)
	}
	fx.creds.verify(h3, body)
	if n := fx.fetches.Load(); n != 2 {
		t.Errorf("%d fetches right after, want 2", n)
	}
	if rots := fx.rotations(); len(rots) != 1 {
		t.Errorf("an unchanged set reported as a rotation: %+v", rots)
	}

	// Sensitive fields are encrypted with the store's newest certificate.
	if _, serial, err := fx.creds.encryptSensitive("x"); err != nil || serial != testkeys.PlatformSerial {
		t.Errorf("encryptSensitive: %s %v", serial, err)
	}
}

func TestCertificateStoreConcurrent(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	release := make(chan struct{})
	fx.resp = func() (*Response, error) {
		<-release
		return secCertResponse(t), nil
	}
	h, body := secResponseFixture(t, testkeys.PlatformSerial)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fx.creds.verify(h, body)
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := fx.fetches.Load(); n != 1 {
		t.Errorf("%d fetches for 32 concurrent verifications, want 1", n)
	}
	var wg2 sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if err := fx.store.Refresh(context.Background()); err != nil {
				t.Error(err)
			}
			fx.store.Serials()
		}()
	}
	wg2.Wait()
}

func TestCertificateStoreNoCertificates(t *testing.T) {
	fx := newSecStoreFixture(t, secConfig()) // public key configured too
	fx.resp = func() (*Response, error) {
		return &Response{StatusCode: 404}, &APIError{StatusCode: 404, Code: "RESOURCE_NOT_EXISTS", Message: "无可用的平台证书"}
	}
	err := fx.store.Refresh(context.Background())
	if !errors.Is(err, ErrNoPlatformCertificates) {
		t.Fatalf("404: %v", err)
	}
	// Public-key mode keeps working.
	h, body := secResponseFixture(t, testkeys.PublicKeyID)
	if err := fx.creds.verify(h, body); err != nil {
		t.Error(err)
	}
	// A certificate serial says why it is unknown.
	h, body = secResponseFixture(t, testkeys.PlatformSerial)
	if err := fx.creds.verify(h, body); !errors.Is(err, ErrUnknownSerial) || !strings.Contains(err.Error(), "no platform certificate") {
		t.Errorf("certificate serial after 404: %v", err)
	}
	if n := fx.fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1 (within the minute)", n)
	}
}

func TestCertificateStoreRefusesBadDownloads(t *testing.T) {
	good := secCertResponse(t)
	var doc map[string]any
	json.Unmarshal(good.Body, &doc)
	enc := doc["data"].([]any)[0].(map[string]any)["encrypt_certificate"].(map[string]any)
	tamperedCT := []byte(strings.Replace(string(good.Body), enc["ciphertext"].(string)[:8], "AAAAAAAA", 1))
	wrongSerial := []byte(strings.Replace(string(good.Body), testkeys.PlatformSerial, "00"+testkeys.PlatformSerial[2:], 1))

	for _, tc := range []struct {
		name string
		resp func() (*Response, error)
		want error
	}{
		{"tampered signature", func() (*Response, error) {
			r := secCertResponse(t)
			r.Body = append(r.Body, ' ')
			return r, nil
		}, ErrBadSignature},
		{"tampered certificate", func() (*Response, error) {
			return &Response{StatusCode: 200, Header: secSigned(tamperedCT, testkeys.PlatformSerial), Body: tamperedCT}, nil
		}, ErrDecrypt},
		{"serial_no differs", func() (*Response, error) {
			return &Response{StatusCode: 200, Header: secSigned(wrongSerial, testkeys.PlatformSerial), Body: wrongSerial}, nil
		}, nil},
		{"signed by an unknown key", func() (*Response, error) {
			return &Response{StatusCode: 200, Header: secSigned(good.Body, "FFFF"), Body: good.Body}, nil
		}, ErrUnknownSerial},
		{"transport error", func() (*Response, error) { return nil, context.DeadlineExceeded }, context.DeadlineExceeded},
		{"empty list", func() (*Response, error) {
			b := []byte(`{"data":[]}`)
			return &Response{StatusCode: 200, Header: secSigned(b, testkeys.PlatformSerial), Body: b}, nil
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newSecStoreFixture(t, secCertOnlyConfig())
			fx.resp = tc.resp
			err := fx.store.Refresh(context.Background())
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if s := fx.store.Serials(); len(s) != 0 {
				t.Errorf("store holds %v after a bad download", s)
			}
			secAssertNoSecrets(t, err.Error())
		})
	}
}

func TestNewCertificateStoreRefuses(t *testing.T) {
	fetch := func(context.Context) (*Response, error) { return nil, nil }
	// A nil fetch is accepted (the client binds its own), but a store that
	// has none yet cannot refresh.
	s, err := NewCertificateStore(nil, testkeys.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(context.Background()); err == nil || !strings.Contains(err.Error(), "WithCertificateStore") {
		t.Errorf("Refresh without a fetch function: %v", err)
	}
	if _, err := NewCertificateStore(fetch, "short"); err == nil {
		t.Error("short key accepted")
	}
}

// The fetcher may let the client verify (it should not): the store still
// verifies the download itself.
func TestCertificateStoreFetcherVerified(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	fx.resp = func() (*Response, error) {
		r := secCertResponse(t)
		return r, &VerificationError{Reason: ErrUnknownSerial, Serial: testkeys.PlatformSerial}
	}
	if err := fx.store.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	_ = http.StatusOK
}

// TestWithCertificateStore wires a store through the client option, the way
// the generated package does, with the fetch function calling the client.
func TestWithCertificateStore(t *testing.T) {
	var c *Client
	var fetches atomic.Int32
	store, err := NewCertificateStore(func(ctx context.Context) (*Response, error) {
		fetches.Add(1)
		if c == nil {
			return nil, errors.New("client not built yet")
		}
		return secCertResponse(t), nil
	}, testkeys.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	c, err = NewClient(secCertOnlyConfig(), WithCertificateStore(store), WithClock(func() time.Time { return secNow }))
	if err != nil {
		t.Fatal(err)
	}
	if fetches.Load() != 0 {
		t.Error("NewClient fetched")
	}
	h, body := secNotification(t, testkeys.PlatformSerial)
	if _, err := c.ParseNotification(h, body); err != nil {
		t.Fatal(err)
	}
	if fetches.Load() != 1 {
		t.Errorf("%d fetches, want 1", fetches.Load())
	}
	if _, err := NewClient(secCertOnlyConfig()); err == nil {
		t.Error("no verification material and no store accepted")
	}
}

// A public-key ID never makes the store download, so the store cannot wait
// for itself when the client verifies an error answer to the fetch.
func TestCertificateStoreIgnoresPublicKeyIDs(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	h, body := secResponseFixture(t, testkeys.PublicKeyID)
	start := time.Now()
	if err := fx.creds.verify(h, body); !errors.Is(err, ErrUnknownSerial) || !strings.Contains(err.Error(), "no public key is configured") {
		t.Errorf("public-key ID with a store only: %v", err)
	}
	fx.store.mu.Lock()
	fx.store.running = make(chan struct{}) // as if a download were running
	fx.store.mu.Unlock()
	fx.creds.verify(h, body)
	if n := fx.fetches.Load(); n != 0 || time.Since(start) > time.Second {
		t.Errorf("%d fetches, %v", n, time.Since(start))
	}
}

func TestCertificateStoreSurvivesPanickingFetch(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	fx.resp = func() (*Response, error) { panic("fetch bug") }
	func() {
		defer func() { recover() }()
		fx.store.Refresh(context.Background())
	}()
	fx.resp = func() (*Response, error) { return secCertResponse(t), nil }
	done := make(chan error)
	go func() { done <- fx.store.Refresh(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the store stayed locked after a panicking fetch")
	}
}

// TestCertificateStoreOverLoopback: a client with only a store downloads the
// certificates through FetchCertificates from a loopback server, then
// verifies a response signed with the downloaded certificate.
func TestCertificateStoreOverLoopback(t *testing.T) {
	cr := secCertResponse(t)
	cardBody, _ := secResponseFixture(t, testkeys.PlatformSerial)
	var certCalls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := secVerifyRequest(r); err != nil {
			t.Errorf("%s: %v", r.URL, err)
		}
		switch r.URL.Path {
		case "/v3/certificates":
			certCalls.Add(1)
			for k, v := range cr.Header {
				w.Header()[k] = v
			}
			w.Write(cr.Body)
		case "/v3/discount-card/cards/CARD-001":
			for k, v := range cardBody {
				w.Header()[k] = v
			}
			w.Write(secFixture(t, "response_body.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	var c *Client
	store, err := NewCertificateStore(func(ctx context.Context) (*Response, error) { return c.FetchCertificates(ctx) }, testkeys.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := secCertOnlyConfig()
	cfg.BaseURL = srv.URL
	c, err = NewClient(cfg, WithCertificateStore(store), WithClock(func() time.Time { return secNow }))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	res, err := c.Do(context.Background(), &Request{Method: "GET", Template: "/v3/discount-card/cards/{out_card_code}", Path: "/v3/discount-card/cards/CARD-001"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || out["state"] != "ONGOING" || certCalls.Load() != 1 {
		t.Errorf("status %d, body %v, %d certificate downloads", res.StatusCode, out, certCalls.Load())
	}
}

// secVerifyRequest checks the merchant signature of a request, as WeChat Pay
// does.
func secVerifyRequest(r *http.Request) error {
	m := secAuthRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return errors.New("bad Authorization")
	}
	body, _ := io.ReadAll(r.Body)
	msg := r.Method + "\n" + r.URL.RequestURI() + "\n" + m[3] + "\n" + m[2] + "\n" + string(body) + "\n"
	return secVerifyMerchant([]byte(msg), m[5])
}
