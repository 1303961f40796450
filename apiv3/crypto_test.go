package apiv3

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secNotificationResource returns the resource Node encrypted.
func secNotificationResource(t testing.TB) EncryptedResource {
	var n Notification
	if err := json.Unmarshal(secFixture(t, "notification.json"), &n); err != nil {
		t.Fatal(err)
	}
	return n.Resource
}

// TestDecryptAEADKnownAnswer decrypts what Node's crypto encrypted.
func TestDecryptAEADKnownAnswer(t *testing.T) {
	r := secNotificationResource(t)
	got, err := decryptAEAD([]byte(testkeys.APIv3Key), r.Algorithm, r.Nonce, r.AssociatedData, r.Ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	if want := secFixture(t, "notification_plaintext.json"); string(got) != string(want) {
		t.Errorf("plaintext\n got %s\nwant %s", got, want)
	}
	c, err := NewClient(secConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got2, err := c.DecryptResource(r); err != nil || string(got2) != string(got) {
		t.Errorf("DecryptResource: %s, %v", got2, err)
	}
}

func TestDecryptAEADRefuses(t *testing.T) {
	r := secNotificationResource(t)
	ct, _ := base64.StdEncoding.DecodeString(r.Ciphertext)
	key := []byte(testkeys.APIv3Key)
	tests := []struct {
		name            string
		key             []byte
		alg, nonce, aad string
		ciphertext      string
	}{
		{"wrong key", []byte("0123456789abcdef0123456789abcdef"), r.Algorithm, r.Nonce, r.AssociatedData, r.Ciphertext},
		{"short key", key[:16], r.Algorithm, r.Nonce, r.AssociatedData, r.Ciphertext},
		{"algorithm", key, "AEAD_SM4_GCM", r.Nonce, r.AssociatedData, r.Ciphertext},
		{"nonce changed", key, r.Algorithm, "fixednonce13", r.AssociatedData, r.Ciphertext},
		{"nonce length", key, r.Algorithm, "fixednonce1", r.AssociatedData, r.Ciphertext},
		{"aad changed", key, r.Algorithm, r.Nonce, "discount_carD", r.Ciphertext},
		{"aad dropped", key, r.Algorithm, r.Nonce, "", r.Ciphertext},
		{"not Base64", key, r.Algorithm, r.Nonce, r.AssociatedData, "%%%"},
		{"shorter than tag", key, r.Algorithm, r.Nonce, r.AssociatedData, base64.StdEncoding.EncodeToString(ct[:15])},
		{"tag cut", key, r.Algorithm, r.Nonce, r.AssociatedData, base64.StdEncoding.EncodeToString(ct[:len(ct)-1])},
	}
	for i := range ct {
		b := append([]byte(nil), ct...)
		b[i] ^= 0x80
		tests = append(tests, struct {
			name            string
			key             []byte
			alg, nonce, aad string
			ciphertext      string
		}{"byte", key, r.Algorithm, r.Nonce, r.AssociatedData, base64.StdEncoding.EncodeToString(b)})
	}
	for _, tt := range tests {
		if _, err := decryptAEAD(tt.key, tt.alg, tt.nonce, tt.aad, tt.ciphertext); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: error %v, want ErrDecrypt", tt.name, err)
		}
	}
}

// TestDecryptSensitiveKnownAnswer decrypts what openssl encrypted with
// RSA-OAEP (SHA-1) for the merchant key.
func TestDecryptSensitiveKnownAnswer(t *testing.T) {
	c, err := NewClient(secConfig())
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DecryptSensitive(strings.TrimSpace(string(secFixture(t, "sensitive_ciphertext.b64"))))
	if err != nil {
		t.Fatal(err)
	}
	if want := string(secFixture(t, "sensitive_plaintext.txt")); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := c.DecryptSensitive("AAAA"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("garbage: %v", err)
	}
	if _, err := c.DecryptSensitive("%%"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("not Base64: %v", err)
	}
}

func TestEncryptSensitive(t *testing.T) {
	platformKey := secPlatformKey
	certCfg := secConfig()
	certCfg.WechatPayPublicKeyID, certCfg.WechatPayPublicKeyPEM = "", nil
	certCfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	for _, tc := range []struct {
		name   string
		cfg    Config
		serial string
	}{
		{"public key", secConfig(), testkeys.PublicKeyID},
		{"migration", secMigrationConfig(), testkeys.PublicKeyID},
		{"certificate", certCfg, testkeys.PlatformSerial},
	} {
		c, err := NewClient(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		ct, serial, err := c.EncryptSensitive("张三")
		if err != nil {
			t.Fatal(err)
		}
		if serial != tc.serial {
			t.Errorf("%s: serial %s, want %s", tc.name, serial, tc.serial)
		}
		raw, _ := base64.StdEncoding.DecodeString(ct)
		pt, err := rsa.DecryptOAEP(sha1.New(), nil, platformKey, raw, nil)
		if err != nil || string(pt) != "张三" {
			t.Errorf("%s: decrypt: %q %v", tc.name, pt, err)
		}
		secOpenSSLDecrypt(t, raw, "张三")
	}
	c, _ := NewClient(secConfig())
	if _, _, err := c.EncryptSensitive(strings.Repeat("x", 300)); err == nil {
		t.Error("300 bytes encrypted with a 2048-bit key")
	}
}

// secOpenSSLDecrypt has openssl, when present, decrypt ct with the platform
// key (RSA-OAEP, SHA-1).
func secOpenSSLDecrypt(t *testing.T, ct []byte, want string) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		return
	}
	dir := t.TempDir()
	keyFile, ctFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "ct")
	os.WriteFile(keyFile, testkeys.PlatformKeyPEM, 0o600)
	os.WriteFile(ctFile, ct, 0o600)
	out, err := exec.Command(openssl, "pkeyutl", "-decrypt", "-inkey", keyFile, "-in", ctFile,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1").Output()
	if err != nil {
		t.Fatalf("openssl: %v", err)
	}
	if string(out) != want {
		t.Errorf("openssl decrypted %q, want %q", out, want)
	}
}

// TestAEADFixturesMatchNode re-runs the Node script, when node is present,
// and compares its output with the checked-in fixtures byte for byte.
func TestAEADFixturesMatchNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	dir := t.TempDir()
	out, err := exec.Command(node, secFixtures+"make_notification.js", testkeys.APIv3Key, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	for _, name := range []string{"notification.json", "notification_plaintext.json", "certificates.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if want := secFixture(t, name); !bytes.Equal(got, want) {
			t.Errorf("%s: node's output differs from the fixture", name)
		}
	}
}
