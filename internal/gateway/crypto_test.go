package gateway_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// open decrypts by hand what Seal made.
func open(t *testing.T, nonce, aad, ciphertext string) []byte {
	t.Helper()
	block, _ := aes.NewCipher([]byte(testkeys.APIv3Key))
	gcm, _ := cipher.NewGCM(block)
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := gcm.Open(nil, []byte(nonce), ct, []byte(aad))
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

func TestSeal(t *testing.T) {
	ct, err := gateway.Seal(testkeys.APIv3Key, "123456789012", "aad", []byte("plain"))
	if err != nil || string(open(t, "123456789012", "aad", ct)) != "plain" {
		t.Errorf("%q %v", ct, err)
	}
	if _, err := gateway.Seal("short", "123456789012", "", nil); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestCertificatesBody(t *testing.T) {
	body, err := gateway.CertificatesBody(testkeys.APIv3Key, testkeys.PlatformCertPEM)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Data []struct {
			SerialNo      string `json:"serial_no"`
			EffectiveTime string `json:"effective_time"`
			ExpireTime    string `json:"expire_time"`
			Encrypt       struct {
				Algorithm, Nonce, Ciphertext string
				AssociatedData               string `json:"associated_data"`
			} `json:"encrypt_certificate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Data) != 1 {
		t.Fatalf("%s: %v", body, err)
	}
	c := list.Data[0]
	if c.SerialNo != testkeys.PlatformSerial || c.Encrypt.Algorithm != "AEAD_AES_256_GCM" || c.Encrypt.AssociatedData != "certificate" ||
		len(c.Encrypt.Nonce) != 12 || !strings.HasSuffix(c.EffectiveTime, "+08:00") || !strings.HasSuffix(c.ExpireTime, "+08:00") {
		t.Errorf("%s", body)
	}
	if pt := open(t, c.Encrypt.Nonce, c.Encrypt.AssociatedData, c.Encrypt.Ciphertext); !bytes.Equal(pt, testkeys.PlatformCertPEM) {
		t.Errorf("decrypted %q", pt)
	}
	if _, err := gateway.CertificatesBody(testkeys.APIv3Key, testkeys.PlatformPublicKeyPEM); err == nil {
		t.Error("a public key was listed as a certificate")
	}
}

func TestEncryptNotification(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	body, err := gateway.EncryptNotification(testkeys.APIv3Key, gateway.Notification{
		ID: gateway.NewEventID(now), CreateTime: now, EventType: "DISCOUNT_CARD.USER_PAID", Summary: "扣费状态变化", Plaintext: []byte(`{"a":1}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	var env gateway.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(env.ID, "EV-20260301200000") || len(env.ID) != 3+14+7 || env.CreateTime != "2026-03-01T20:00:00+08:00" ||
		env.EventType != "DISCOUNT_CARD.USER_PAID" || env.ResourceType != "encrypt-resource" || env.Summary != "扣费状态变化" {
		t.Errorf("envelope %s", body)
	}
	res := env.Resource
	if res.Algorithm != "AEAD_AES_256_GCM" || len(res.Nonce) != 12 || res.OriginalType != "discount_card" || res.AssociatedData != "discount_card" {
		t.Errorf("resource %+v", res)
	}
	if pt := open(t, res.Nonce, res.AssociatedData, res.Ciphertext); string(pt) != `{"a":1}` {
		t.Errorf("decrypted %q", pt)
	}
}

func TestSignedBody(t *testing.T) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("meta", `{"filename":"a.png"}`)
	mw.WriteField("other", `x`)
	mw.Close()
	r := httptest.NewRequest("POST", "/v3/upload", bytes.NewReader(buf.Bytes()))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if got := gateway.SignedBody(r, buf.Bytes(), nil); string(got) != `{"filename":"a.png"}` {
		t.Errorf("meta part: %q", got)
	}
	upload := loadSpec(t, `
openapi: 3.0.3
info: {title: upload, version: "1"}
paths:
  /v3/upload:
    post:
      requestBody:
        x-wechatpay-sign-part: other
        content:
          multipart/form-data:
            schema: {type: object}
      responses:
        '200': {description: ok}
`)
	rt, err := gateway.NewRouter(upload)
	if err != nil {
		t.Fatal(err)
	}
	route, err := rt.Find(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := gateway.SignedBody(r, buf.Bytes(), route); string(got) != "x" {
		t.Errorf("x-wechatpay-sign-part: %q", got)
	}
	r.Header.Set("Content-Type", "application/json")
	if got := gateway.SignedBody(r, []byte("{}"), route); string(got) != "{}" {
		t.Errorf("JSON: %q", got)
	}
}

func TestKeys(t *testing.T) {
	for _, p := range [][]byte{testkeys.MerchantKeyPEM, testkeys.MerchantKeyPKCS1PEM} {
		if k, err := gateway.ParsePrivateKey(p); err != nil || !k.PublicKey.Equal(&merchantKey().PublicKey) {
			t.Errorf("private key: %v", err)
		}
	}
	for _, p := range [][]byte{testkeys.PlatformPublicKeyPEM, testkeys.PlatformCertPEM} {
		if k, err := gateway.ParsePublicKey(p); err != nil || !k.Equal(&platformKey().PublicKey) {
			t.Errorf("public key: %v", err)
		}
	}
	cert, err := gateway.ParseCertificate(testkeys.PlatformCertPEM)
	if err != nil || gateway.CertificateSerial(cert) != testkeys.PlatformSerial {
		t.Errorf("certificate: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("junk"), testkeys.PlatformCertPEM} {
		if _, err := gateway.ParsePrivateKey(bad); err == nil {
			t.Errorf("private key from %.20q", bad)
		}
	}
}

func TestRandom(t *testing.T) {
	if s := gateway.RandomFrom(gateway.Digits, 100); len(s) != 100 || strings.Trim(s, gateway.Digits) != "" {
		t.Errorf("%q", s)
	}
	if a, b := gateway.Nonce(), gateway.Nonce(); len(a) != 32 || a == b || strings.Trim(a, gateway.Alphanumeric) != "" {
		t.Errorf("%q %q", a, b)
	}
}
