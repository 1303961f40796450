package wxtest_test

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

func TestEncryptNotification(t *testing.T) {
	plaintext := []byte(`{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`)
	var gotHeader http.Header
	var gotBody []byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeader = r.Header.Clone()
		gotBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	h, body := wxtest.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_ACCEPTED", plaintext)
	resp := wxtest.PostNotification(t, hook.URL+"/notify", h, body)
	if resp.StatusCode != 204 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if string(gotBody) != string(body) || gotHeader.Get("Content-Type") != "application/json" || gotHeader.Get("User-Agent") == "" {
		t.Errorf("delivered %v %s", gotHeader, gotBody)
	}
	if err := verifyResponse(gotHeader, gotBody); err != nil {
		t.Errorf("notification signature: %v", err)
	}
	if gotHeader.Get("Wechatpay-Serial") != testkeys.PublicKeyID {
		t.Errorf("serial %q", gotHeader.Get("Wechatpay-Serial"))
	}

	var env struct {
		ID, CreateTime, EventType, ResourceType, Summary string
		Resource                                         map[string]string
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(gotBody, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "create_time", "event_type", "resource_type", "summary", "resource"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("envelope has no %s", k)
		}
	}
	json.Unmarshal(raw["id"], &env.ID)
	json.Unmarshal(raw["create_time"], &env.CreateTime)
	json.Unmarshal(raw["event_type"], &env.EventType)
	json.Unmarshal(raw["resource_type"], &env.ResourceType)
	json.Unmarshal(raw["resource"], &env.Resource)
	if env.ID == "" || env.EventType != "DISCOUNT_CARD.USER_ACCEPTED" || env.ResourceType != "encrypt-resource" {
		t.Errorf("envelope %s", gotBody)
	}
	if ct, err := time.Parse(time.RFC3339, env.CreateTime); err != nil || time.Since(ct) > time.Minute {
		t.Errorf("create_time %q: %v", env.CreateTime, err)
	}
	res := env.Resource
	if res["algorithm"] != "AEAD_AES_256_GCM" || len(res["nonce"]) != 12 || res["original_type"] != "discount_card" {
		t.Errorf("resource %v", res)
	}

	// Decrypt by hand.
	block, _ := aes.NewCipher([]byte(testkeys.APIv3Key))
	gcm, _ := cipher.NewGCM(block)
	ct, err := base64.StdEncoding.DecodeString(res["ciphertext"])
	if err != nil {
		t.Fatal(err)
	}
	got, err := gcm.Open(nil, []byte(res["nonce"]), ct, []byte(res["associated_data"]))
	if err != nil || string(got) != string(plaintext) {
		t.Errorf("decrypted %q, %v", got, err)
	}
}

func TestServerEncryptNotification(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := wxtest.NewServer(t, wxtest.Options{Mode: wxtest.Certificate, Clock: func() time.Time { return now }})
	h, body := srv.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", []byte(`{}`))
	if h.Get("Wechatpay-Serial") != testkeys.PlatformSerial || h.Get("Wechatpay-Timestamp") != "1772366400" {
		t.Errorf("headers %v", h)
	}
	var env struct {
		CreateTime string `json:"create_time"`
	}
	json.Unmarshal(body, &env)
	if env.CreateTime != "2026-03-01T20:00:00+08:00" {
		t.Errorf("create_time %q", env.CreateTime)
	}
}
