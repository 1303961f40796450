package wxtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// CertificatesBody returns the body of GET /v3/certificates listing
// certPEMs (default: testkeys.PlatformCertPEM), each encrypted with the
// 32-byte apiv3Key as WeChat Pay does: serial_no (upper-case hex of the
// certificate serial), effective_time and expire_time (the certificate's
// validity, +08:00) and encrypt_certificate {algorithm AEAD_AES_256_GCM,
// nonce (12 characters), associated_data "certificate", ciphertext
// Base64(ciphertext||tag) of the PEM}.
func CertificatesBody(apiv3Key string, certPEMs ...[]byte) ([]byte, error) {
	if len(apiv3Key) != 32 {
		return nil, fmt.Errorf("wxtest: APIv3 key has %d bytes, want 32", len(apiv3Key))
	}
	if len(certPEMs) == 0 {
		certPEMs = [][]byte{testkeys.PlatformCertPEM}
	}
	block, err := aes.NewCipher([]byte(apiv3Key))
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	type encrypted struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo      string    `json:"serial_no"`
		EffectiveTime string    `json:"effective_time"`
		ExpireTime    string    `json:"expire_time"`
		Encrypt       encrypted `json:"encrypt_certificate"`
	}
	var list struct {
		Data []item `json:"data"`
	}
	for _, p := range certPEMs {
		b, _ := pem.Decode(p)
		if b == nil || b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("wxtest: not a PEM certificate")
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("wxtest: %w", err)
		}
		nonce := randomString(12)
		list.Data = append(list.Data, item{
			SerialNo:      strings.ToUpper(cert.SerialNumber.Text(16)),
			EffectiveTime: cert.NotBefore.In(beijing).Format(time.RFC3339),
			ExpireTime:    cert.NotAfter.In(beijing).Format(time.RFC3339),
			Encrypt: encrypted{
				Algorithm:      "AEAD_AES_256_GCM",
				Nonce:          nonce,
				AssociatedData: "certificate",
				Ciphertext:     base64.StdEncoding.EncodeToString(gcm.Seal(nil, []byte(nonce), p, []byte("certificate"))),
			},
		})
	}
	return json.Marshal(list)
}

// CertificatesHandler answers every request with CertificatesBody(apiv3Key,
// certPEMs...) (status 200); mount it for GET /v3/certificates, e.g. in an
// http.ServeMux used as Options.Handler. It panics on bad arguments.
func CertificatesHandler(apiv3Key string, certPEMs ...[]byte) http.Handler {
	if _, err := CertificatesBody(apiv3Key, certPEMs...); err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		body, err := CertificatesBody(apiv3Key, certPEMs...)
		if err != nil {
			panic(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}
