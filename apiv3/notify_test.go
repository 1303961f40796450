package apiv3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secNotification returns the fixture notification: headers signed by
// openssl, body with a resource encrypted by Node.
func secNotification(t testing.TB, serial string) (http.Header, []byte) {
	body := secFixture(t, "notification.json")
	sig := strings.TrimSpace(string(secFixture(t, "notification_signature.b64")))
	h := secHeader(secFixtureTS, "NOTIFYNONCE000000000000000000001", sig, serial)
	h.Del(HeaderRequestID)
	h.Set("Content-Type", "application/json")
	return h, body
}

func secClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := NewClient(cfg, WithClock(func() time.Time { return secNow }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseNotificationKnownAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    Config
		serial string
	}{
		{"public key", secConfig(), testkeys.PublicKeyID},
		{"migration, certificate", secMigrationConfig(), testkeys.PlatformSerial},
	} {
		c := secClient(t, tc.cfg)
		h, body := secNotification(t, tc.serial)
		n, err := c.ParseNotification(h, body)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n.ID != "EV-2018022511223320873" || n.EventType != "DISCOUNT_CARD.USER_ACCEPTED" ||
			n.ResourceType != "encrypt-resource" || n.Summary != "用户领取先享卡" ||
			n.Resource.OriginalType != "discount_card" ||
			!n.CreateTime.Equal(time.Date(2025, 11, 24, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: envelope %+v", tc.name, n)
		}
		if want := secFixture(t, "notification_plaintext.json"); !bytes.Equal(n.Plaintext, want) {
			t.Errorf("%s: plaintext %s", tc.name, n.Plaintext)
		}

		r := httptest.NewRequest("POST", "/notify", bytes.NewReader(body))
		r.Header = h
		if n, err := c.ParseNotificationRequest(r); err != nil || n.ID != "EV-2018022511223320873" {
			t.Errorf("%s: ParseNotificationRequest: %v", tc.name, err)
		}
	}
}

func TestParseNotificationRefuses(t *testing.T) {
	c := secClient(t, secConfig())
	h, body := secNotification(t, testkeys.PublicKeyID)

	// The body already consumed by a framework.
	r := httptest.NewRequest("POST", "/notify", bytes.NewReader(body))
	r.Header = h
	io.ReadAll(r.Body)
	if _, err := c.ParseNotificationRequest(r); !errors.Is(err, ErrMalformedNotification) || !strings.Contains(err.Error(), "already read") {
		t.Errorf("consumed body: %v", err)
	}

	if _, err := c.ParseNotification(h, append(body, ' ')); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered body: %v", err)
	}
	late := secClient(t, secConfig())
	late.creds.clock = func() time.Time { return secNow.Add(10 * time.Minute) }
	if _, err := late.ParseNotification(h, body); !errors.Is(err, ErrTimestampSkew) {
		t.Errorf("replayed later: %v", err)
	}

	// Signed, but broken inside: these pass verification and fail after.
	var env map[string]any
	json.Unmarshal(body, &env)
	res := env["resource"].(map[string]any)
	for _, tc := range []struct {
		name string
		body string
		want error
	}{
		{"not JSON", `not json`, ErrMalformedNotification},
		{"two objects", `{"id":"a"} {}`, ErrMalformedNotification},
		{"no id", `{"event_type":"X","resource":{"ciphertext":"AA"}}`, ErrMalformedNotification},
		{"no event type", `{"id":"a","resource":{"ciphertext":"AA"}}`, ErrMalformedNotification},
		{"no resource", `{"id":"a","event_type":"X"}`, ErrMalformedNotification},
		{"wrong key", secJSON(map[string]any{"id": "a", "event_type": "X", "resource": map[string]any{
			"algorithm": "AEAD_AES_256_GCM", "nonce": res["nonce"], "associated_data": "other", "ciphertext": res["ciphertext"]}}), ErrDecrypt},
	} {
		b := []byte(tc.body)
		_, err := c.ParseNotification(secSigned(b, testkeys.PublicKeyID), b)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		secAssertNoSecrets(t, err.Error())
	}
}

func secJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestNotificationHandler drives the handler over loopback.
func TestNotificationHandler(t *testing.T) {
	c := secClient(t, secConfig())
	h, body := secNotification(t, testkeys.PublicKeyID)

	var mu sync.Mutex
	var calls []string
	fail := true
	var hookErrs []error
	handler := c.NotificationHandler(func(ctx context.Context, n *Notification) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, n.ID)
		if fail {
			fail = false
			return errors.New("database down; secret=" + testkeys.APIv3Key)
		}
		if !bytes.Equal(n.Plaintext, secFixture(t, "notification_plaintext.json")) {
			return errors.New("bad plaintext")
		}
		return nil
	}, WithMaxNotificationBytes(4096), WithNotificationErrorHook(func(r *http.Request, err error) {
		mu.Lock()
		hookErrs = append(hookErrs, err)
		mu.Unlock()
	}))
	srv := httptest.NewServer(handler)
	defer srv.Close()

	post := func(method string, h http.Header, body []byte) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+"/notify", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = h.Clone()
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	checkFail := func(what string, status int, got string, wantStatus int) {
		t.Helper()
		if status != wantStatus {
			t.Errorf("%s: status %d, want %d", what, status, wantStatus)
		}
		var e struct{ Code, Message string }
		if err := json.Unmarshal([]byte(got), &e); err != nil || e.Code != "FAIL" || e.Message == "" {
			t.Errorf("%s: body %q, want {\"code\":\"FAIL\",...}", what, got)
		}
		secAssertNoSecrets(t, got)
		if strings.Contains(got, "database") {
			t.Errorf("%s: the answer echoes the error: %s", what, got)
		}
	}

	status, got := post("POST", h, body)
	checkFail("dispatch fails", status, got, 500)
	status, got = post("POST", h, body)
	if status != 204 || got != "" {
		t.Errorf("redelivery: %d %q, want 204", status, got)
	}
	status, _ = post("POST", h, body)
	if status != 204 {
		t.Errorf("duplicate: %d, want 204", status)
	}
	mu.Lock()
	if len(calls) != 2 {
		t.Errorf("dispatched %d times, want 2 (failure, then success; the duplicate not at all)", len(calls))
	}
	mu.Unlock()

	status, got = post("POST", h, append(append([]byte{}, body...), ' '))
	checkFail("tampered", status, got, 401)
	status, got = post("GET", h, nil)
	checkFail("GET", status, got, 405)
	status, got = post("POST", h, bytes.Repeat([]byte("x"), 5000))
	checkFail("too large", status, got, 413)
	b := []byte(`{"id":"x"}`)
	status, got = post("POST", secSigned(b, testkeys.PublicKeyID), b)
	checkFail("malformed", status, got, 400)

	mu.Lock()
	defer mu.Unlock()
	if len(hookErrs) != 5 {
		t.Errorf("error hook called %d times, want 5: %v", len(hookErrs), hookErrs)
	}
}

func TestNotificationHandlerPanicAndDeduperErrors(t *testing.T) {
	c := secClient(t, secConfig())
	h, body := secNotification(t, testkeys.PublicKeyID)
	handler := c.NotificationHandler(func(ctx context.Context, n *Notification) error { panic("boom") })
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	r.Header = h
	handler.ServeHTTP(rec, r)
	if rec.Code != 500 {
		t.Errorf("panicking dispatch: %d", rec.Code)
	}

	handler = c.NotificationHandler(func(ctx context.Context, n *Notification) error { return nil }, WithDeduper(secBrokenDeduper{}))
	rec = httptest.NewRecorder()
	r = httptest.NewRequest("POST", "/", bytes.NewReader(body))
	r.Header = h
	handler.ServeHTTP(rec, r)
	if rec.Code != 500 {
		t.Errorf("failing deduper: %d", rec.Code)
	}

	handler = c.NotificationHandler(func(ctx context.Context, n *Notification) error { return nil }, WithDeduper(nil))
	for i := 0; i < 2; i++ {
		rec = httptest.NewRecorder()
		r = httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header = h
		handler.ServeHTTP(rec, r)
		if rec.Code != 204 {
			t.Errorf("no deduper, delivery %d: %d", i, rec.Code)
		}
	}
}

type secBrokenDeduper struct{}

func (secBrokenDeduper) Claim(context.Context, string) (ClaimState, string, error) {
	return 0, "", errors.New("down")
}
func (secBrokenDeduper) Done(context.Context, string, string) error    { return errors.New("down") }
func (secBrokenDeduper) Release(context.Context, string, string) error { return errors.New("down") }

// The in-memory deduper forgets the oldest handled id first; the rest of
// its contract is checked by dedupetest (dedupe_test.go).
func TestMemoryDeduperRing(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(3)
	handle := func(id string) {
		if state, token, err := d.Claim(ctx, id); err == nil && state == ClaimAcquired {
			d.Done(ctx, id, token)
		}
	}
	for i := 0; i < 4; i++ {
		handle(fmt.Sprint(i))
	}
	handle("3") // already there: no eviction
	for id, want := range map[string]ClaimState{"0": ClaimAcquired, "1": ClaimHandled, "2": ClaimHandled, "3": ClaimHandled, "4": ClaimAcquired} {
		if state, _, _ := d.Claim(ctx, id); state != want {
			t.Errorf("Claim(%s) = %v, want %v", id, state, want)
		}
	}
}

// FuzzParseNotification: never panics, refuses with a classified error, and
// accepts only what the platform key signed and the APIv3 key encrypted.
func FuzzParseNotification(f *testing.F) {
	h, body := secNotification(f, testkeys.PublicKeyID)
	f.Add(h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature), h.Get(HeaderSerial), body)
	f.Add(secFixtureTS, "n", "", testkeys.PublicKeyID, []byte(`{"id":"a","event_type":"b","resource":{}}`))
	f.Add("", "", "", "", []byte{})
	c := secClient(f, secMigrationConfig())
	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial string, body []byte) {
		h := http.Header{}
		for k, v := range map[string]string{HeaderTimestamp: ts, HeaderNonce: nonce, HeaderSignature: sig, HeaderSerial: serial} {
			if v != "" {
				h[k] = []string{v}
			}
		}
		n, err := c.ParseNotification(h, body)
		if err == nil {
			if want := secSignPlatform(ts, nonce, body); sig != want {
				t.Fatalf("accepted a signature the platform key did not make: %q", sig)
			}
			if n.ID == "" || n.EventType == "" || n.Plaintext == nil {
				t.Fatalf("accepted an incomplete notification %+v", n)
			}
			return
		}
		var ve *VerificationError
		if !errors.As(err, &ve) && !errors.Is(err, ErrMalformedNotification) && !errors.Is(err, ErrDecrypt) {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

// FuzzDecodeNotification fuzzes what follows verification: the envelope
// decoder and the decryption.
func FuzzDecodeNotification(f *testing.F) {
	_, body := secNotification(f, testkeys.PublicKeyID)
	f.Add(body)
	f.Add([]byte(`{"id":"a","event_type":"b","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"fixednonce12","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}}`))
	f.Add([]byte(`{"create_time":"2025-13-45T99:00:00Z"}`))
	f.Add([]byte(`null`))
	key := []byte(testkeys.APIv3Key)
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := decodeNotification(key, body)
		if err == nil {
			if n.ID == "" || n.EventType == "" || n.Plaintext == nil {
				t.Fatalf("accepted an incomplete notification %+v", n)
			}
			return
		}
		if !errors.Is(err, ErrMalformedNotification) && !errors.Is(err, ErrDecrypt) {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

func TestDecodeNotificationRefusesDataAfterTheObject(t *testing.T) {
	const obj = `{"id":"1","event_type":"E","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"x","nonce":"123456789012"}}`
	for _, body := range []string{obj + `}`, obj + ` {}`, obj + `x`} {
		if _, err := decodeNotification([]byte(testkeysAPIv3KeyForDecode), []byte(body)); !errors.Is(err, ErrMalformedNotification) {
			t.Errorf("%s: err = %v, want ErrMalformedNotification", body, err)
		}
	}
}

const testkeysAPIv3KeyForDecode = "0123456789abcdef0123456789abcdef"
