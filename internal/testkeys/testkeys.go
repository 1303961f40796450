// Package testkeys holds the RSA key pairs and certificates that the tests of
// this repository use: one for a merchant, one for a WeChat Pay platform.
//
// They were made once with openssl (see testdata/README) and are committed so
// that every test signs and verifies with the same material. They protect
// nothing: never use them outside tests.
package testkeys

import _ "embed"

// Merchant material: the API private key (PKCS#8 and PKCS#1), its public key
// and a self-signed certificate whose serial is MerchantSerial.
var (
	//go:embed testdata/merchant_key.pem
	MerchantKeyPEM []byte
	//go:embed testdata/merchant_key_pkcs1.pem
	MerchantKeyPKCS1PEM []byte
	//go:embed testdata/merchant_pub.pem
	MerchantPublicKeyPEM []byte
	//go:embed testdata/merchant_cert.pem
	MerchantCertPEM []byte
)

// Platform material: what WeChat Pay would sign responses with, its public key
// (public-key mode) and a certificate (platform-certificate mode).
var (
	//go:embed testdata/platform_key.pem
	PlatformKeyPEM []byte
	//go:embed testdata/platform_pub.pem
	PlatformPublicKeyPEM []byte
	//go:embed testdata/platform_cert.pem
	PlatformCertPEM []byte
)

const (
	// MchID is the merchant ID the tests use.
	MchID = "1900000109"
	// MerchantSerial is the serial of MerchantCertPEM as WeChat Pay prints it.
	MerchantSerial = "5E53E40ABB8CD463F625F03D14E8D56F85E91188"
	// PlatformSerial is the serial of PlatformCertPEM.
	PlatformSerial = "1244DA4418F4B94C2F29A51A635E9E2024C96FF8"
	// PublicKeyID is the WeChat Pay public-key ID paired with PlatformPublicKeyPEM.
	PublicKeyID = "PUB_KEY_ID_01190000010920251101000000000001"
	// APIv3Key is a 32-byte APIv3 key.
	APIv3Key = "wxpaygenTestAPIv3Key0123456789ab"
)
