package wxtest_test

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
	"github.com/wxpaygen/wxpaygen/spec"
)

func TestCertificatesHandler(t *testing.T) {
	data, err := spec.FS.ReadFile("certificates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v3/certificates", wxtest.CertificatesHandler(testkeys.APIv3Key))
	srv := wxtest.NewServer(t, wxtest.Options{Spec: loadSpec(t, data), Mode: wxtest.Certificate, ValidateResponses: true, Handler: mux})
	resp, body := do(t, srv, "GET", "/v3/certificates?algorithm_type=RSA", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if err := verifyResponse(resp.Header, body); err != nil {
		t.Error(err)
	}
	var list struct {
		Data []struct {
			SerialNo           string `json:"serial_no"`
			EffectiveTime      string `json:"effective_time"`
			EncryptCertificate struct {
				Algorithm, Nonce, Ciphertext string
				AssociatedData               string `json:"associated_data"`
			} `json:"encrypt_certificate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Data) != 1 {
		t.Fatalf("%s: %v", body, err)
	}
	c := list.Data[0]
	if c.SerialNo != testkeys.PlatformSerial || c.EncryptCertificate.Algorithm != "AEAD_AES_256_GCM" || c.EffectiveTime == "" {
		t.Errorf("%s", body)
	}
	block, _ := aes.NewCipher([]byte(testkeys.APIv3Key))
	gcm, _ := cipher.NewGCM(block)
	ct, _ := base64.StdEncoding.DecodeString(c.EncryptCertificate.Ciphertext)
	pemBytes, err := gcm.Open(nil, []byte(c.EncryptCertificate.Nonce), ct, []byte(c.EncryptCertificate.AssociatedData))
	if err != nil || string(pemBytes) != string(testkeys.PlatformCertPEM) {
		t.Errorf("decrypted %q, %v", pemBytes, err)
	}
}
