package apiv3

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

const secAddUserRecordsTarget = "/v3/discount-card/cards/CARD-001/add-user-records"

var secAuthRE = regexp.MustCompile(`^WECHATPAY2-SHA256-RSA2048 mchid="([^"]+)",nonce_str="([^"]+)",timestamp="([^"]+)",serial_no="([^"]+)",signature="([^"]+)"$`)

// TestAuthorizeKnownAnswer compares the signature with one openssl made
// (testdata/security/make_fixtures.sh) for the same key and message.
func TestAuthorizeKnownAnswer(t *testing.T) {
	body := secFixture(t, "request_body.json")
	want := strings.TrimSpace(string(secFixture(t, "request_signature.b64")))
	for name, key := range map[string][]byte{"PKCS#8": testkeys.MerchantKeyPEM, "PKCS#1": testkeys.MerchantKeyPKCS1PEM} {
		cfg := secConfig()
		cfg.MerchantPrivateKeyPEM = key
		c := secCredentials(t, cfg)
		got, err := c.authorize("POST", secAddUserRecordsTarget, body)
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1764000000",serial_no="` + testkeys.MerchantSerial + `",signature="` + want + `"`
		if got != wantHeader {
			t.Errorf("%s: Authorization\n got %s\nwant %s", name, got, wantHeader)
		}
	}
}

// TestAuthorizeMatchesOpenSSL re-runs openssl, when present, over the
// message authorize signs, and compares byte for byte.
func TestAuthorizeMatchesOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	c := secCredentials(t, secConfig())
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, testkeys.MerchantKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, target, body string }{
		{"GET", "/v3/discount-card/cards/CARD-001", ""},
		{"GET", "/v3/certificates?algorithm_type=RSA", ""},
		{"POST", secAddUserRecordsTarget, string(secFixture(t, "request_body.json"))},
		{"PATCH", "/v3/discount-card/orders/%E4%B8%80", `{"a":"\u4e00 x"}`},
	} {
		authz, err := c.authorize(tc.method, tc.target, []byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		m := secAuthRE.FindStringSubmatch(authz)
		if m == nil {
			t.Fatalf("Authorization %q does not match the format", authz)
		}
		msg := tc.method + "\n" + tc.target + "\n" + m[3] + "\n" + m[2] + "\n" + tc.body + "\n"
		msgFile := filepath.Join(dir, "msg")
		if err := os.WriteFile(msgFile, []byte(msg), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(openssl, "dgst", "-sha256", "-sign", keyFile, msgFile).Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		got, _ := secDecodeB64(m[5])
		if !bytes.Equal(got, out) {
			t.Errorf("%s %s: signature differs from openssl's", tc.method, tc.target)
		}
	}
}

func TestAuthorizeFreshNonce(t *testing.T) {
	s := secSettings()
	s.nonce = nil // the default source
	c, err := newCredentials(secConfig(), s)
	if err != nil {
		t.Fatal(err)
	}
	if s.nonce == nil {
		t.Error("newCredentials left settings.nonce nil")
	}
	a, _ := c.authorize("GET", "/v3/x", nil)
	b, _ := c.authorize("GET", "/v3/x", nil)
	ma, mb := secAuthRE.FindStringSubmatch(a), secAuthRE.FindStringSubmatch(b)
	if ma == nil || mb == nil {
		t.Fatalf("bad headers %q %q", a, b)
	}
	if ma[2] == mb[2] || ma[5] == mb[5] {
		t.Errorf("two signatures share nonce or signature: %q", ma[2])
	}
	if len(ma[2]) != 32 {
		t.Errorf("nonce %q is not 32 characters", ma[2])
	}
}

func TestAuthorizeRefuses(t *testing.T) {
	c := secCredentials(t, secConfig())
	for _, tc := range []struct{ method, target string }{
		{"", "/v3/x"}, {"GET", "v3/x"}, {"GET", "/v3/x\n"}, {"GE\nT", "/v3/x"},
	} {
		if _, err := c.authorize(tc.method, tc.target, nil); err == nil {
			t.Errorf("authorize(%q, %q) accepted", tc.method, tc.target)
		}
	}
	boom := errors.New("boom")
	c.nonce = func() (string, error) { return "", boom }
	if _, err := c.authorize("GET", "/v3/x", nil); !errors.Is(err, boom) {
		t.Errorf("nonce source error: %v", err)
	}
	c.nonce = func() (string, error) { return `a",signature="forged`, nil }
	if _, err := c.authorize("GET", "/v3/x", nil); err == nil {
		t.Error("a nonce with a quote was accepted")
	}
}

func TestClientSign(t *testing.T) {
	c, err := NewClient(secConfig())
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n")
	sig, err := c.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := secVerifyMerchant(msg, sig); err != nil {
		t.Error(err)
	}
}

func BenchmarkAuthorize(b *testing.B) {
	c := secCredentials(b, secConfig())
	body := secFixture(b, "request_body.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.authorize("POST", secAddUserRecordsTarget, body); err != nil {
			b.Fatal(err)
		}
	}
}
