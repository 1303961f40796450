package sandbox

import (
	"time"

	"testing"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// testConfig is a Config on the committed test keys: no key generation,
// which is slow under -race.
func testConfig(t testing.TB) Config {
	t.Helper()
	merchantPub, err := gateway.ParsePublicKey(testkeys.MerchantPublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	platformKey, err := gateway.ParsePrivateKey(testkeys.PlatformKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		MchID: testkeys.MchID, MerchantSerial: testkeys.MerchantSerial, MerchantPublicKey: merchantPub,
		PlatformKey: platformKey, PublicKeyID: testkeys.PublicKeyID, PlatformSerial: testkeys.PlatformSerial,
		PlatformCertificatePEM: testkeys.PlatformCertPEM,
		APIv3Key:               "0123456789abcdef0123456789abcdef",
		Template:               defaultTemplate(),
		NotifyBackoff:          time.Millisecond,
		NotifyMaxBackoff:       10 * time.Millisecond,
	}
}

// newTestServer is a Server on testConfig, closed by t.Cleanup.
func newTestServer(t testing.TB, opts ...func(*Config)) *Server {
	t.Helper()
	cfg := testConfig(t)
	for _, o := range opts {
		o(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
