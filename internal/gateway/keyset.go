package gateway

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"time"
)

// KeySet is the key material of one merchant and of "WeChat Pay" for it,
// made fresh: what the sandbox's init writes and what the test kit hands
// its client. The public key and the platform certificate are two names for
// one platform key pair (see Mode).
type KeySet struct {
	MchID           string
	MerchantKey     *rsa.PrivateKey
	MerchantKeyPEM  []byte // PKCS#8
	MerchantCertPEM []byte // self-signed, 5 years
	MerchantSerial  string // 40 upper-case hex digits

	PlatformKey          *rsa.PrivateKey
	PlatformKeyPEM       []byte // PKCS#8
	PlatformPublicKeyPEM []byte // PKIX: the WeChat Pay public key
	PlatformCertPEM      []byte
	PlatformSerial       string
	PublicKeyID          string // PUB_KEY_ID_ + 32 digits

	APIv3Key string // 32 alphanumeric characters
}

// NewKeySet makes two RSA-2048 key pairs, their certificates, a public-key
// ID and an APIv3 key for mchID.
func NewKeySet(mchID string) (*KeySet, error) {
	ks := &KeySet{MchID: mchID, PublicKeyID: "PUB_KEY_ID_" + RandomFrom(Digits, 32), APIv3Key: RandomString(32)}
	var err error
	if ks.MerchantKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, err
	}
	if ks.PlatformKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, err
	}
	now := time.Now()
	var der []byte
	if der, ks.MerchantSerial, err = selfSigned(ks.MerchantKey, pkix.Name{
		CommonName: mchID, Organization: []string{"微信商户系统 (sandbox)"}, OrganizationalUnit: []string{"wxpay-sandbox merchant"},
	}, now); err != nil {
		return nil, err
	}
	ks.MerchantCertPEM = pemBlock("CERTIFICATE", der)
	if der, ks.PlatformSerial, err = selfSigned(ks.PlatformKey, pkix.Name{
		CommonName: "Tenpay.com sandbox platform", Organization: []string{"wxpay-sandbox"},
	}, now); err != nil {
		return nil, err
	}
	ks.PlatformCertPEM = pemBlock("CERTIFICATE", der)
	if der, err = x509.MarshalPKCS8PrivateKey(ks.MerchantKey); err != nil {
		return nil, err
	}
	ks.MerchantKeyPEM = pemBlock("PRIVATE KEY", der)
	if der, err = x509.MarshalPKCS8PrivateKey(ks.PlatformKey); err != nil {
		return nil, err
	}
	ks.PlatformKeyPEM = pemBlock("PRIVATE KEY", der)
	if der, err = x509.MarshalPKIXPublicKey(&ks.PlatformKey.PublicKey); err != nil {
		return nil, err
	}
	ks.PlatformPublicKeyPEM = pemBlock("PUBLIC KEY", der)
	return ks, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// selfSigned makes a 5-year self-signed certificate for key and returns it
// (DER) with its serial as WeChat Pay prints it: 40 upper-case hex digits.
func selfSigned(key *rsa.PrivateKey, subject pkix.Name, now time.Time) ([]byte, string, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	raw[0] = raw[0]&0x7f | 0x10 // positive, and 40 hex digits without a leading zero
	serial := new(big.Int).SetBytes(raw)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, "", err
	}
	return der, strings.ToUpper(serial.Text(16)), nil
}
