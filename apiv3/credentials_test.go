package apiv3

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secConfig is a complete public-key-mode configuration.
func secConfig() Config {
	return Config{
		MchID:                  testkeys.MchID,
		MerchantCertificatePEM: testkeys.MerchantCertPEM,
		MerchantPrivateKeyPEM:  testkeys.MerchantKeyPEM,
		APIv3Key:               testkeys.APIv3Key,
		WechatPayPublicKeyID:   testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:  testkeys.PlatformPublicKeyPEM,
	}
}

var secNow = time.Unix(1764000000, 0) // the fixtures' timestamp

func secSettings() *settings {
	return &settings{
		clock:   func() time.Time { return secNow },
		nonce:   func() (string, error) { return "593BEC0C930BF1AFEB40B4A08C8FB242", nil },
		maxSkew: DefaultMaxSkew,
	}
}

func secCredentials(t testing.TB, cfg Config) *credentials {
	t.Helper()
	c, err := newCredentials(cfg, secSettings())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewCredentialsModes(t *testing.T) {
	pk := secCredentials(t, secConfig())
	if pk.serial != testkeys.MerchantSerial {
		t.Errorf("derived serial %s, want %s", pk.serial, testkeys.MerchantSerial)
	}
	if got := pk.serialHeader(); got != testkeys.PublicKeyID {
		t.Errorf("serialHeader %q", got)
	}
	if pk.mchID() != testkeys.MchID {
		t.Errorf("mchID %q", pk.mchID())
	}

	cfg := secConfig()
	cfg.WechatPayPublicKeyID, cfg.WechatPayPublicKeyPEM = "", nil
	cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	cm := secCredentials(t, cfg)
	if cm.serialHeader() != "" {
		t.Errorf("certificate mode serialHeader %q, want empty", cm.serialHeader())
	}
	if got := cm.platformSerials(); len(got) != 1 || got[0] != testkeys.PlatformSerial {
		t.Errorf("platform serials %v, want [%s]", got, testkeys.PlatformSerial)
	}

	// PKCS#1 key, explicit serial, no certificate.
	cfg = secConfig()
	cfg.MerchantCertificatePEM = nil
	cfg.MerchantCertificateSerial = strings.ToLower(testkeys.MerchantSerial)
	cfg.MerchantPrivateKeyPEM = testkeys.MerchantKeyPKCS1PEM
	if c := secCredentials(t, cfg); c.serial != testkeys.MerchantSerial {
		t.Errorf("serial %s", c.serial)
	}
}

func TestNewCredentialsErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
		want  string
	}{
		{"no mchid", func(c *Config) { c.MchID = "" }, "MchID", "empty"},
		{"quote in mchid", func(c *Config) { c.MchID = `19"00` }, "MchID", "not allowed"},
		{"no key", func(c *Config) { c.MerchantPrivateKeyPEM = nil }, "MerchantPrivateKeyPEM", "empty"},
		{"key not PEM", func(c *Config) { c.MerchantPrivateKeyPEM = []byte("garbage") }, "MerchantPrivateKeyPEM", "not a PEM block"},
		{"public key as private", func(c *Config) { c.MerchantPrivateKeyPEM = testkeys.MerchantPublicKeyPEM }, "MerchantPrivateKeyPEM", `"PUBLIC KEY"`},
		{"key and file", func(c *Config) { c.MerchantPrivateKeyFile = "x.pem" }, "MerchantPrivateKeyPEM", "not both"},
		{"missing file", func(c *Config) {
			c.MerchantPrivateKeyPEM = nil
			c.MerchantPrivateKeyFile = filepath.Join(dir, "nope.pem")
		}, "MerchantPrivateKeyFile", "does not exist"},
		{"wrong cert", func(c *Config) { c.MerchantCertificatePEM = testkeys.PlatformCertPEM }, "MerchantCertificatePEM", "does not belong"},
		{"serial mismatch", func(c *Config) { c.MerchantCertificateSerial = "ABCDEF" }, "MerchantCertificateSerial", "differs"},
		{"serial not hex", func(c *Config) {
			c.MerchantCertificatePEM = nil
			c.MerchantCertificateSerial = "XYZ"
		}, "MerchantCertificateSerial", "not a hexadecimal"},
		{"no serial", func(c *Config) { c.MerchantCertificatePEM = nil }, "MerchantCertificateSerial", "empty"},
		{"short apiv3 key", func(c *Config) { c.APIv3Key = "short" }, "APIv3Key", "must be 32 bytes, got 5"},
		{"no verification", func(c *Config) { c.WechatPayPublicKeyID, c.WechatPayPublicKeyPEM = "", nil }, "", "no verification key"},
		{"id without key", func(c *Config) { c.WechatPayPublicKeyPEM = nil }, "WechatPayPublicKeyPEM", "empty"},
		{"key without id", func(c *Config) { c.WechatPayPublicKeyID = "" }, "WechatPayPublicKeyID", "empty"},
		{"bad id", func(c *Config) { c.WechatPayPublicKeyID = "KEY_1" }, "WechatPayPublicKeyID", "PUB_KEY_ID_"},
		{"cert as public key", func(c *Config) { c.WechatPayPublicKeyPEM = testkeys.PlatformCertPEM }, "WechatPayPublicKeyPEM", `"CERTIFICATE"`},
		{"bad platform cert", func(c *Config) { c.PlatformCertificatesPEM = [][]byte{testkeys.PlatformKeyPEM} }, "PlatformCertificatesPEM[0]", `"PRIVATE KEY"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := secConfig()
			tt.edit(&cfg)
			_, err := newCredentials(cfg, secSettings())
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want *ConfigError", err)
			}
			if ce.Field != tt.field || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (field %q), want field %q and %q", err, ce.Field, tt.field, tt.want)
			}
			secAssertNoSecrets(t, err.Error())
		})
	}
}

// secAssertNoSecrets fails when s contains any piece of the private key or the
// APIv3 key.
func secAssertNoSecrets(t testing.TB, s string) {
	t.Helper()
	if strings.Contains(s, testkeys.APIv3Key) {
		t.Errorf("%q contains the APIv3 key", s)
	}
	for _, pemKey := range [][]byte{testkeys.MerchantKeyPEM, testkeys.MerchantKeyPKCS1PEM, testkeys.PlatformKeyPEM} {
		lines := strings.Split(string(pemKey), "\n")
		for _, l := range lines[1 : len(lines)-2] {
			if len(l) > 16 && strings.Contains(s, l[:16]) {
				t.Errorf("%q contains private key material", s)
				return
			}
		}
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := secConfig()
	cfg.MerchantPrivateKeyPEM = testkeys.MerchantKeyPKCS1PEM
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		for _, v := range []any{cfg, &cfg, struct{ C Config }{cfg}, []Config{cfg}} {
			out := fmt.Sprintf(verb, v)
			secAssertNoSecrets(t, out)
			if strings.Contains(out, "PRIVATE KEY") {
				t.Errorf("%s of %T prints the key: %s", verb, v, out)
			}
		}
	}
	if s := cfg.String(); !strings.Contains(s, testkeys.MchID) || !strings.Contains(s, "APIv3Key: <redacted>") {
		t.Errorf("String() = %s", s)
	}
	b, err := cfg.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	secAssertNoSecrets(t, string(b))
}

func TestLoadConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("apiclient_key.pem", testkeys.MerchantKeyPEM)
	write("apiclient_cert.pem", testkeys.MerchantCertPEM)
	write("pub_key.pem", testkeys.PlatformPublicKeyPEM)
	write("platform.pem", testkeys.PlatformCertPEM)
	write("apiv3.key", []byte(testkeys.APIv3Key+"\n"))
	write("config.json", []byte(`{
  "mchid": "`+testkeys.MchID+`",
  "merchant_certificate_file": "apiclient_cert.pem",
  "merchant_private_key_file": "apiclient_key.pem",
  "apiv3_key_file": "apiv3.key",
  "wechatpay_public_key_id": "`+testkeys.PublicKeyID+`",
  "wechatpay_public_key_file": "pub_key.pem",
  "platform_certificate_files": ["platform.pem"],
  "base_url": "http://127.0.0.1:8080"
}`))
	cfg, err := LoadConfigFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIv3Key != testkeys.APIv3Key || cfg.MerchantPrivateKeyFile != filepath.Join(dir, "apiclient_key.pem") || cfg.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("config %v", cfg)
	}
	c := secCredentials(t, cfg)
	if c.serial != testkeys.MerchantSerial || c.publicKeyID != testkeys.PublicKeyID || len(c.platform) != 1 {
		t.Errorf("credentials from file: serial %s, id %s, %d certificates", c.serial, c.publicKeyID, len(c.platform))
	}

	write("typo.json", []byte(`{"mch_id": "1"}`))
	if _, err := LoadConfigFile(filepath.Join(dir, "typo.json")); err == nil || !strings.Contains(err.Error(), "mch_id") {
		t.Errorf("unknown key: %v", err)
	}
	write("both.json", []byte(`{"apiv3_key": "x", "apiv3_key_file": "apiv3.key"}`))
	if _, err := LoadConfigFile(filepath.Join(dir, "both.json")); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both keys: %v", err)
	}
	if _, err := LoadConfigFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestNewClientUsesCredentials(t *testing.T) {
	if _, err := NewClient(secConfig()); err != nil {
		t.Fatal(err)
	}
	cfg := secConfig()
	cfg.APIv3Key = ""
	if _, err := NewClient(cfg); err == nil || !strings.Contains(err.Error(), "APIv3Key") {
		t.Errorf("NewClient with no APIv3 key: %v", err)
	}
}

// Helpers shared by the security tests.

const secFixtures = "testdata/security/"

// secFixture reads a fixture file.
func secFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(secFixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secFixtureTime is the timestamp every fixture is signed at.
const secFixtureTS = "1764000000"

var secPlatformKey = func() *rsa.PrivateKey {
	k, err := parsePrivateKey(testkeys.PlatformKeyPEM)
	if err != nil {
		panic(err)
	}
	return k
}()

// secSignPlatform signs "ts\nnonce\nbody\n" as WeChat Pay would.
func secSignPlatform(ts, nonce string, body []byte) string {
	msg := ts + "\n" + nonce + "\n" + string(body) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, secPlatformKey, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// secHeader builds signed-response headers.
func secHeader(ts, nonce, sig, serial string) http.Header {
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderSignature, sig)
	h.Set(HeaderSerial, serial)
	h.Set(HeaderSignatureType, AuthorizationScheme)
	h.Set(HeaderRequestID, "08F78BB5AF0610D302A7D2BD0128F0F83D1E")
	return h
}

// secSigned signs body now with serial.
func secSigned(body []byte, serial string) http.Header {
	const nonce = "TESTNONCE0000000000000000000000A"
	return secHeader(secFixtureTS, nonce, secSignPlatform(secFixtureTS, nonce, body), serial)
}

// secMigrationConfig has both the public key and the platform certificate.
func secMigrationConfig() Config {
	cfg := secConfig()
	cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	return cfg
}

func secDecodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// secVerifyMerchant checks a merchant signature over msg.
func secVerifyMerchant(msg []byte, sig string) error {
	pub, err := parsePublicKey(testkeys.MerchantPublicKeyPEM)
	if err != nil {
		return err
	}
	raw, err := secDecodeB64(sig)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(msg)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw)
}
