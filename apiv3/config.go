package apiv3

// STUB written by the coordinator so that both runtime owners compile from the
// start; runtime-security replaces this file.

// Config carries the base URL, merchant ID, keys and verification material.
type Config struct {
	BaseURL                   string
	BackupBaseURL             string
	MchID                     string
	MerchantCertificateSerial string
	MerchantCertificatePEM    []byte
	MerchantCertificateFile   string
	MerchantPrivateKeyPEM     []byte
	MerchantPrivateKeyFile    string
	APIv3Key                  string
	WechatPayPublicKeyID      string
	WechatPayPublicKeyPEM     []byte
	WechatPayPublicKeyFile    string
	PlatformCertificatesPEM   [][]byte
	PlatformCertificateFiles  []string
}
