package wxtest

import (
	"net/http"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
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
	if len(certPEMs) == 0 {
		certPEMs = [][]byte{testkeys.PlatformCertPEM}
	}
	return gateway.CertificatesBody(apiv3Key, certPEMs...)
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
