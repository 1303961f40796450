package benchbase

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// TestConfig returns the baseline configuration of the test merchant
// (internal/testkeys) in public-key mode against baseURL, sending userAgent
// (pass the generated client's, so that both send the same bytes).
func TestConfig(baseURL, userAgent string) (Config, error) {
	block, _ := pem.Decode(testkeys.MerchantKeyPEM)
	if block == nil {
		return Config{}, fmt.Errorf("benchbase: testkeys.MerchantKeyPEM is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return Config{}, fmt.Errorf("benchbase: merchant key: %w", err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return Config{}, fmt.Errorf("benchbase: merchant key is %T", k)
	}
	block, _ = pem.Decode(testkeys.PlatformPublicKeyPEM)
	if block == nil {
		return Config{}, fmt.Errorf("benchbase: testkeys.PlatformPublicKeyPEM is not PEM")
	}
	p, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return Config{}, fmt.Errorf("benchbase: platform public key: %w", err)
	}
	pub, ok := p.(*rsa.PublicKey)
	if !ok {
		return Config{}, fmt.Errorf("benchbase: platform public key is %T", p)
	}
	return Config{
		BaseURL:     baseURL,
		MchID:       testkeys.MchID,
		Serial:      testkeys.MerchantSerial,
		PrivateKey:  priv,
		PublicKeyID: testkeys.PublicKeyID,
		PublicKey:   pub,
		UserAgent:   userAgent,
	}, nil
}
