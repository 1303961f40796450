package apiv3

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// The inputs of testdata/frontend/make_fixtures.sh.
const (
	feAppID    = "wxd678efh567hg6787"
	feTS       = "1764000000"
	feNonce    = "593BEC0C930BF1AFEB40B4A08C8FB242"
	fePrepayID = "wx201410272009395522657a690389285100"
	feFixtures = "testdata/frontend/"
)

// feClient signs with the merchant test key at the fixtures' time and nonce.
func feClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{
		WithClock(func() time.Time { return time.Unix(1764000000, 0) }),
		WithNonceSource(func() (string, error) { return feNonce, nil }),
	}, opts...)
	c, err := NewClient(secConfig(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func feFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(feFixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// Known answers: openssl dgst -sha256 -sign over the message the shell
// script spells out (testdata/frontend/make_fixtures.sh) gives the very
// paySign and sign the client computes, and the JSON is what the front ends
// read.
func TestJSAPIPayParamsKnownAnswer(t *testing.T) {
	p, err := feClient(t).JSAPIPayParams(feAppID, fePrepayID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(frontendMessage(p.AppID, p.TimeStamp, p.NonceStr, p.Package)), readRaw(t, "jsapi_message.txt"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	sig := feFixture(t, "jsapi_paysign.b64")
	if p.PaySign != sig {
		t.Errorf("paySign %s, want (openssl) %s", p.PaySign, sig)
	}
	got, _ := json.Marshal(p)
	want := `{"appId":"wxd678efh567hg6787","timeStamp":"1764000000","nonceStr":"593BEC0C930BF1AFEB40B4A08C8FB242",` +
		`"package":"prepay_id=wx201410272009395522657a690389285100","signType":"RSA","paySign":"` + sig + `"}`
	if string(got) != want {
		t.Errorf("JSON\n%s\nwant\n%s", got, want)
	}
}

func TestAppPayParamsKnownAnswer(t *testing.T) {
	p, err := feClient(t).AppPayParams(feAppID, fePrepayID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(frontendMessage(p.AppID, p.TimeStamp, p.NonceStr, p.PrepayID)), readRaw(t, "app_message.txt"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	sig := feFixture(t, "app_sign.b64")
	if p.Sign != sig {
		t.Errorf("sign %s, want (openssl) %s", p.Sign, sig)
	}
	got, _ := json.Marshal(p)
	want := `{"appid":"wxd678efh567hg6787","partnerid":"` + testkeys.MchID + `","prepayid":"wx201410272009395522657a690389285100",` +
		`"package":"Sign=WXPay","noncestr":"593BEC0C930BF1AFEB40B4A08C8FB242","timestamp":"1764000000","sign":"` + sig + `"}`
	if string(got) != want {
		t.Errorf("JSON\n%s\nwant\n%s", got, want)
	}
}

// The same against openssl run now, on inputs the fixtures do not hold (the
// clock and nonce of this run), when openssl is installed.
func TestFrontendSignaturesAgainstOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed; TestJSAPIPayParamsKnownAnswer checks its committed answers")
	}
	now := time.Now()
	nonce := defaultNonceForTest(t)
	c := feClient(t, WithClock(func() time.Time { return now }), WithNonceSource(func() (string, error) { return nonce, nil }))
	key := filepath.Join(t.TempDir(), "merchant_key.pem")
	if err := os.WriteFile(key, testkeys.MerchantKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	sign := func(msg []byte) string {
		t.Helper()
		cmd := exec.Command(openssl, "dgst", "-sha256", "-sign", key)
		cmd.Stdin = bytes.NewReader(msg)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl dgst -sha256 -sign: %v", err)
		}
		return base64.StdEncoding.EncodeToString(out)
	}
	j, err := c.JSAPIPayParams("wx8888888888888888", "wx2017033010242291fcfe0db70013231072")
	if err != nil {
		t.Fatal(err)
	}
	if j.TimeStamp != itoa(now.Unix()) {
		t.Errorf("timeStamp %s, want %d", j.TimeStamp, now.Unix())
	}
	if want := sign([]byte("wx8888888888888888\n" + itoa(now.Unix()) + "\n" + nonce + "\nprepay_id=wx2017033010242291fcfe0db70013231072\n")); j.PaySign != want {
		t.Errorf("paySign %s, openssl %s", j.PaySign, want)
	}
	a, err := c.AppPayParams("wx8888888888888888", "wx2017033010242291fcfe0db70013231072")
	if err != nil {
		t.Fatal(err)
	}
	if want := sign([]byte("wx8888888888888888\n" + itoa(now.Unix()) + "\n" + nonce + "\nwx2017033010242291fcfe0db70013231072\n")); a.Sign != want {
		t.Errorf("sign %s, openssl %s", a.Sign, want)
	}
}

// Each call takes a fresh timestamp and nonce, and the result verifies with
// the merchant's public key (what WeChat Pay checks).
func TestFrontendFreshTimeAndNonce(t *testing.T) {
	now := time.Unix(1700000000, 0)
	n := 0
	c := feClient(t,
		WithClock(func() time.Time { now = now.Add(time.Second); return now }),
		WithNonceSource(func() (string, error) { n++; return "NONCE" + itoa(int64(n)), nil }))
	a, _ := c.JSAPIPayParams(feAppID, fePrepayID)
	b, _ := c.JSAPIPayParams(feAppID, fePrepayID)
	if a.TimeStamp != "1700000001" || b.TimeStamp != "1700000002" || a.NonceStr != "NONCE1" || b.NonceStr != "NONCE2" {
		t.Errorf("timestamps %s %s, nonces %s %s", a.TimeStamp, b.TimeStamp, a.NonceStr, b.NonceStr)
	}
	for _, p := range []JSAPIPayParams{a, b} {
		if err := secVerifyMerchant(frontendMessage(p.AppID, p.TimeStamp, p.NonceStr, p.Package), p.PaySign); err != nil {
			t.Errorf("paySign does not verify: %v", err)
		}
	}
	app, _ := c.AppPayParams(feAppID, fePrepayID)
	if err := secVerifyMerchant(frontendMessage(app.AppID, app.TimeStamp, app.NonceStr, app.PrepayID), app.Sign); err != nil {
		t.Errorf("sign does not verify: %v", err)
	}
	// The default nonce source: 32 characters, different each time.
	d := feClient(t, WithNonceSource(nil))
	x, err := d.AppPayParams(feAppID, fePrepayID)
	y, _ := d.AppPayParams(feAppID, fePrepayID)
	if err != nil || len(x.NonceStr) != 32 || x.NonceStr == y.NonceStr {
		t.Errorf("default nonces %q %q (%v)", x.NonceStr, y.NonceStr, err)
	}
}

func TestFrontendRefusals(t *testing.T) {
	c := feClient(t)
	for _, tc := range []struct{ appID, prepayID, want string }{
		{"", fePrepayID, "appID is empty"},
		{feAppID, "", "prepayID is empty"},
		{feAppID, "wx1\nforged", "space or control character"},
		{"wx 1", fePrepayID, "space or control character"},
		{feAppID, "prepay_id=" + fePrepayID, `without "prepay_id="`},
		{feAppID, "wx\xff", "not UTF-8"},
	} {
		_, err1 := c.JSAPIPayParams(tc.appID, tc.prepayID)
		_, err2 := c.AppPayParams(tc.appID, tc.prepayID)
		for _, err := range []error{err1, err2} {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("(%q, %q): %v, want an error saying %q", tc.appID, tc.prepayID, err, tc.want)
			}
		}
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		nonce func() (string, error)
		want  string
	}{
		{func() (string, error) { return "", boom }, "boom"},
		{func() (string, error) { return strings.Repeat("A", 33), nil }, "at most 32"},
		{func() (string, error) { return "a b", nil }, "bad nonce"},
	} {
		c := feClient(t, WithNonceSource(tc.nonce))
		_, err1 := c.JSAPIPayParams(feAppID, fePrepayID)
		_, err2 := c.AppPayParams(feAppID, fePrepayID)
		for _, err := range []error{err1, err2} {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("nonce source: %v, want an error saying %q", err, tc.want)
			}
		}
	}
	if _, err := feClient(t, WithNonceSource(func() (string, error) { return "", boom })).JSAPIPayParams(feAppID, fePrepayID); !errors.Is(err, boom) {
		t.Errorf("nonce source error not wrapped: %v", err)
	}
}

func readRaw(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(feFixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func defaultNonceForTest(t *testing.T) string {
	t.Helper()
	n, err := defaultNonce()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
