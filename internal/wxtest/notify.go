package wxtest

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// Envelope is the JSON body of a WeChat Pay notification.
type Envelope = gateway.Envelope

// Resource is the encrypted part of a notification.
type Resource = gateway.Resource

// EncryptNotification builds a notification of eventType carrying plaintext
// the way WeChat Pay sends it: the envelope (id, create_time in +08:00,
// event_type, resource_type "encrypt-resource", summary, resource with
// algorithm AEAD_AES_256_GCM, ciphertext = Base64(ciphertext||tag) under the
// 32-byte apiv3Key, a 12-character nonce, associated_data and original_type
// both the lower-cased event prefix, e.g. "discount_card") and its headers:
// Content-Type and the Wechatpay-* signature headers signed with the test
// platform key now, with Wechatpay-Serial testkeys.PublicKeyID. Use
// Server.EncryptNotification for the server's clock and serial.
func EncryptNotification(t testing.TB, apiv3Key, eventType string, plaintext []byte) (http.Header, []byte) {
	t.Helper()
	h, body, err := BuildNotification(apiv3Key, eventType, plaintext)
	if err != nil {
		t.Fatal(err)
	}
	return h, body
}

// BuildNotification is EncryptNotification for code without a testing.TB,
// such as runnable examples.
func BuildNotification(apiv3Key, eventType string, plaintext []byte) (http.Header, []byte, error) {
	return encryptNotification(apiv3Key, eventType, plaintext, time.Now(), testkeys.PublicKeyID, PlatformKey())
}

// EncryptNotification is the package function with the server's clock,
// platform key and serial (in Both mode: the public-key ID).
func (s *Server) EncryptNotification(t testing.TB, apiv3Key, eventType string, plaintext []byte) (http.Header, []byte) {
	t.Helper()
	serial := s.opts.PublicKeyID
	if s.opts.Mode == Certificate {
		serial = s.opts.PlatformSerial
	}
	h, body, err := encryptNotification(apiv3Key, eventType, plaintext, s.opts.Clock(), serial, s.opts.PlatformKey)
	if err != nil {
		t.Fatal(err)
	}
	return h, body
}

func encryptNotification(apiv3Key, eventType string, plaintext []byte, now time.Time, serial string, key *rsa.PrivateKey) (http.Header, []byte, error) {
	body, err := gateway.EncryptNotification(apiv3Key, gateway.Notification{
		ID: gateway.NewEventID(now), CreateTime: now, EventType: eventType, Summary: "微信支付通知", Plaintext: plaintext,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("wxtest: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	(&gateway.Signer{Key: key}).SignResponse(h, body, now, serial)
	return h, body, nil
}

// PostNotification POSTs a notification to url with header and body and
// returns the answer with its body already read (resp.Body reads it again;
// closing is optional). A transport error fails the test.
func PostNotification(t testing.TB, url string, header http.Header, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = append([]string(nil), v...)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "Mozilla/4.0")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("wxtest: posting the notification: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("wxtest: reading the answer to the notification: %v", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}
