package gateway

import (
	"crypto/x509"
	"encoding/json"
	"strings"
	"time"
)

// CertificateSerial is a certificate's serial as WeChat Pay writes it:
// upper-case hexadecimal.
func CertificateSerial(cert *x509.Certificate) string {
	return strings.ToUpper(cert.SerialNumber.Text(16))
}

type encryptedCertificate struct {
	Algorithm      string `json:"algorithm"`
	Nonce          string `json:"nonce"`
	AssociatedData string `json:"associated_data"`
	Ciphertext     string `json:"ciphertext"`
}

type certificateItem struct {
	SerialNo      string               `json:"serial_no"`
	EffectiveTime string               `json:"effective_time"`
	ExpireTime    string               `json:"expire_time"`
	Encrypt       encryptedCertificate `json:"encrypt_certificate"`
}

// CertificatesBody returns the body of GET /v3/certificates listing
// certPEMs, each encrypted with the 32-byte apiv3Key as WeChat Pay does:
// serial_no (CertificateSerial), effective_time and expire_time (the
// certificate's validity, +08:00) and encrypt_certificate {algorithm
// AEAD_AES_256_GCM, nonce (12 characters), associated_data "certificate",
// ciphertext Base64(ciphertext||tag) of the PEM}.
func CertificatesBody(apiv3Key string, certPEMs ...[]byte) ([]byte, error) {
	var list struct {
		Data []certificateItem `json:"data"`
	}
	list.Data = []certificateItem{}
	for _, p := range certPEMs {
		cert, err := ParseCertificate(p)
		if err != nil {
			return nil, err
		}
		nonce := RandomString(12)
		ct, err := Seal(apiv3Key, nonce, "certificate", p)
		if err != nil {
			return nil, err
		}
		list.Data = append(list.Data, certificateItem{
			SerialNo:      CertificateSerial(cert),
			EffectiveTime: cert.NotBefore.In(Beijing).Format(time.RFC3339),
			ExpireTime:    cert.NotAfter.In(Beijing).Format(time.RFC3339),
			Encrypt:       encryptedCertificate{Algorithm: "AEAD_AES_256_GCM", Nonce: nonce, AssociatedData: "certificate", Ciphertext: ct},
		})
	}
	return json.Marshal(list)
}
