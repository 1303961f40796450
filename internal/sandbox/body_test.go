package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// TestMalformedBodies: a prepareCard body that is not exactly one JSON
// value in UTF-8 is refused with 400 PARAM_ERROR (after the signature,
// which covers the bytes as sent) and stores nothing. openapi3filter alone
// read the first value and let the rest through.
func TestMalformedBodies(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s)
	defer hs.Close()
	valid := `{"out_card_code":"c1","card_template_id":"` + s.cfg.Template.CardTemplateID +
		`","appid":"wxd678efh567hg6787","notify_url":"http://127.0.0.1:9/n"}`
	for name, body := range map[string]string{
		"trailing garbage": valid + "garbage",
		"two objects":      valid + valid,
		"invalid UTF-8":    strings.Replace(valid, "c1", "c\xff", 1),
		"truncated":        valid[:len(valid)-1],
	} {
		resp := signedPost(t, hs.URL+"/v3/discount-card/cards", body, nil)
		var e struct{ Code string }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Code != "PARAM_ERROR" || resp.Header.Get("Wechatpay-Signature") == "" {
			t.Errorf("%s: %d %s, want a signed 400 PARAM_ERROR", name, resp.StatusCode, e.Code)
		}
	}
	if n := countCards(t, s); n != 0 {
		t.Errorf("%d cards stored from malformed bodies", n)
	}
	if resp := signedPost(t, hs.URL+"/v3/discount-card/cards", valid, nil); resp.StatusCode != 200 {
		t.Errorf("the valid body: %d", resp.StatusCode)
	}
}

// TestTricklingBody: a body that stops arriving is cut off at the body
// deadline with 400 INVALID_REQUEST, instead of holding the request open.
func TestTricklingBody(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.BodyTimeout = 200 * time.Millisecond })
	hs := httptest.NewServer(s)
	defer hs.Close()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"out_card_code":`)) // then nothing, for longer than the deadline
		time.Sleep(3 * time.Second)
		pw.Close()
	}()
	start := time.Now()
	resp := signedPost(t, hs.URL+"/v3/discount-card/cards", "", pr)
	took := time.Since(start)
	var e struct{ Code, Message string }
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 400 || e.Code != "INVALID_REQUEST" || took > 2*time.Second {
		t.Errorf("trickling body: %d %s %q after %v, want 400 INVALID_REQUEST at the deadline", resp.StatusCode, e.Code, e.Message, took)
	}
}

// signedPost POSTs body (or what r reads, unsigned then: it is cut off
// before the signature is checked) signed with the test merchant key.
func signedPost(t *testing.T, url, body string, r io.Reader) *http.Response {
	t.Helper()
	if r == nil {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodPost, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "test")
	wxtest.SignRequest(req, []byte(body), time.Now())
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{}).DialContext}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

func countCards(t *testing.T, s *Server) (n int) {
	t.Helper()
	s.store.db.View(func(b *bolt.Tx) error {
		n = b.Bucket(bucketCards).Stats().KeyN
		return nil
	})
	return n
}
