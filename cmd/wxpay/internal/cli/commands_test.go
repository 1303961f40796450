package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// TestConfigPrecedence: wxpay.json, then WXPAY_* variables, then flags.
func TestConfigPrecedence(t *testing.T) {
	inSetup(t)
	load := func(env map[string]string, args ...string) (apiv3.Config, []string, error) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		cf := addConfigFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return cf.load(fs, &Env{Getenv: func(k string) string { return env[k] }})
	}
	cfg, sources, err := load(nil)
	if err != nil || cfg.MchID != setup.MchID || cfg.BaseURL != "" || cfg.WechatPayPublicKeyID != setup.PublicKeyID || len(cfg.APIv3Key) != 32 ||
		cfg.MerchantPrivateKeyFile != "apiclient_key.pem" {
		t.Fatalf("wxpay.json: %v, %v, %v", cfg, sources, err)
	}
	if strings.Join(sources, ",") != DefaultConfigFile {
		t.Errorf("sources %q", sources)
	}
	cfg, sources, err = load(map[string]string{"WXPAY_MCHID": "1900000001", "WXPAY_BASE_URL": "http://127.0.0.1:1",
		"WXPAY_PLATFORM_CERTIFICATE_FILES": "a.pem" + string(os.PathListSeparator) + "b.pem", "WXPAY_APIV3_KEY": strings.Repeat("k", 32)},
		"-mchid", "1900000002")
	if err != nil || cfg.MchID != "1900000002" || cfg.BaseURL != "http://127.0.0.1:1" || strings.Join(cfg.PlatformCertificateFiles, ",") != "a.pem,b.pem" ||
		cfg.APIv3Key != strings.Repeat("k", 32) {
		t.Errorf("environment and flags: %v, %v", cfg, err)
	}
	if got := strings.Join(sources, ","); got != "wxpay.json,$WXPAY_BASE_URL,$WXPAY_MCHID,$WXPAY_APIV3_KEY,$WXPAY_PLATFORM_CERTIFICATE_FILES,-mchid" {
		t.Errorf("sources %s", got)
	}
	// The APIv3 key has no flag: a command line is public.
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	addConfigFlags(fs)
	if fs.Lookup("apiv3-key") != nil || fs.Lookup("apiv3-key-file") == nil {
		t.Error("-apiv3-key must not exist, -apiv3-key-file must")
	}
	// An explicit file must exist; the default may not.
	if _, _, err := load(map[string]string{"WXPAY_CONFIG": "nope.json"}); err == nil {
		t.Error("WXPAY_CONFIG=nope.json: no error")
	}
	t.Chdir(t.TempDir())
	if cfg, _, err := load(map[string]string{"WXPAY_MCHID": "1"}); err != nil || cfg.MchID != "1" {
		t.Errorf("no wxpay.json: %v, %v", cfg, err)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	r := wxpay(t, nil, "", "call", "GET", "v3/certificates")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "cause: *apiv3.ConfigError (field MchID)") {
		t.Errorf("no configuration at all:\n%s", r)
	}
	r = wxpay(t, nil, "", "ls")
	if r.code != ExitOK {
		t.Errorf("ls needs no configuration:\n%s", r)
	}
	r = wxpay(t, nil, "", "certificates", "-config", "missing.json")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "missing.json") {
		t.Errorf("-config missing.json:\n%s", r)
	}
	short := "0123456789"
	os.WriteFile("h.txt", []byte("Wechatpay-Timestamp: 1\n"), 0o600)
	os.WriteFile("b.json", []byte("{}"), 0o600)
	r = wxpay(t, map[string]string{"WXPAY_APIV3_KEY": short}, "", "notify", "-config", filepath.Join(setupDir, DefaultConfigFile),
		"-headers", "h.txt", "-body", "b.json")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "APIv3Key") || strings.Contains(r.stderr, short) {
		t.Errorf("a short APIv3 key must be refused without being shown:\n%s", r)
	}
}

func TestLs(t *testing.T) {
	r := wxpay(t, nil, "", "ls", "v3/discount-card/cards")
	if r.code != ExitOK {
		t.Fatal(r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "METHOD") {
		t.Fatalf("want a header and 3 operations:\n%s", r.stdout)
	}
	for i, want := range [][]string{
		{"POST", "/v3/discount-card/cards ", "prepareCard", "client.V3.DiscountCard.Cards.Post(ctx, req)", "预受理领卡请求"},
		{"GET", "/v3/discount-card/cards/{out_card_code} ", "getCard", "client.V3.DiscountCard.Cards.OutCardCode(outCardCode).Get(ctx)", "查询先享卡订单"},
		{"POST", "/v3/discount-card/cards/{out_card_code}/add-user-records", "addUserRecords", "client.V3.DiscountCard.Cards.OutCardCode(outCardCode).AddUserRecords.Post(ctx, req)"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %d lacks %q: %s", i+1, w, lines[i+1])
			}
		}
	}
	if r, n := wxpay(t, nil, "", "ls"), bundledOperations(t); r.code != ExitOK || strings.Count(r.stdout, "\n") != n+1 {
		t.Errorf("ls: want the %d operations of the bundled spec:\n%s", n, r)
	}
	if r := wxpay(t, nil, "", "ls", "/v3/nothing"); r.code != ExitUsage || !strings.Contains(r.stderr, "no operation of the bundled spec has a path starting with /v3/nothing") {
		t.Errorf("ls /v3/nothing:\n%s", r)
	}
	// Another spec folder, as a user with their own spec would.
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "spec", "refund.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "refund.yaml"), b, 0o644)
	if r := wxpay(t, map[string]string{"WXPAY_SPEC": dir}, "", "ls"); r.code != ExitOK || strings.Count(r.stdout, "\n") < 2 || !strings.Contains(r.stdout, "createRefund") || strings.Contains(r.stdout, "discount-card") {
		t.Errorf("WXPAY_SPEC with one file:\n%s", r)
	}
}

func TestCertificates(t *testing.T) {
	t.Run("certificate mode", func(t *testing.T) {
		sb := newSandbox(t, sandbox.ModeCertificate)
		inSetup(t)
		out := filepath.Join(t.TempDir(), "certs")
		r := wxpay(t, sb.env(), "", "certificates", "-o", out)
		if r.code != ExitOK {
			t.Fatal(r)
		}
		name := filepath.Join(out, "wechatpay_"+setup.PlatformSerial+".pem")
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(setupDir, "wechatpay_"+setup.PlatformSerial+".pem"))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the sandbox's platform certificate", name)
		}
		if !strings.HasPrefix(r.stdout, name+"  serial "+setup.PlatformSerial+"  valid ") {
			t.Errorf("stdout %q", r.stdout)
		}
		checkNoSecrets(t, r, secrets(t, setupDir))
	})
	t.Run("public-key mode", func(t *testing.T) {
		sb := newSandbox(t, sandbox.ModePublicKey)
		inSetup(t)
		r := wxpay(t, sb.env(), "", "certificates", "-o", t.TempDir())
		if r.code != ExitFailure || !strings.Contains(r.stderr, "apiv3.ErrNoPlatformCertificates") || !strings.Contains(r.stderr, "use public-key mode") {
			t.Errorf("a merchant without platform certificates:\n%s", r)
		}
	})
	t.Run("expired", func(t *testing.T) {
		expired := testPlatformCertificate(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
		srv := wxtest.NewServer(t, wxtest.Options{Mode: wxtest.Certificate, Handler: wxtest.CertificatesHandler(testkeys.APIv3Key, expired)})
		t.Chdir(testkeysDir(t))
		out := filepath.Join(t.TempDir(), "certs")
		r := wxpay(t, map[string]string{"WXPAY_BASE_URL": srv.URL}, "", "certificates", "-o", out)
		// The runtime's certificate store refuses it (apiv3.ErrCertificateNotValid)
		// before wxpay's own check would.
		if r.code != ExitFailure || !strings.Contains(r.stderr, testkeys.PlatformSerial+" expired on ") ||
			!strings.Contains(r.stderr, "nothing was written") {
			t.Errorf("an expired certificate:\n%s", r)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s was created: %v", out, err)
		}
	})
	t.Run("signed by none of them", func(t *testing.T) {
		other := testPlatformCertificate(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		srv := wxtest.NewServer(t, wxtest.Options{Mode: wxtest.Certificate, PlatformSerial: "0A0B",
			Handler: wxtest.CertificatesHandler(testkeys.APIv3Key, other)})
		t.Chdir(testkeysDir(t))
		r := wxpay(t, map[string]string{"WXPAY_BASE_URL": srv.URL, "WXPAY_PLATFORM_CERTIFICATE_FILES": "none.pem"}, "", "certificates", "-platform-certificate-files", "")
		if r.code != ExitFailure || !strings.Contains(r.stderr, "signed by none of the certificates it holds") ||
			!strings.Contains(r.stderr, "cause: *apiv3.VerificationError, apiv3.ErrUnknownSerial") {
			t.Errorf("an answer no certificate verifies:\n%s", r)
		}
	})
}

// testPlatformCertificate makes a certificate of the test platform key with
// the test platform serial, valid from notBefore to notAfter.
func testPlatformCertificate(t *testing.T, notBefore, notAfter time.Time) []byte {
	t.Helper()
	block, _ := pem.Decode(testkeys.PlatformKeyPEM)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := new(big.Int).SetString(testkeys.PlatformSerial, 16)
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "Tenpay.com test"}, NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.(crypto.Signer).Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestNotify(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	env := sb.env()
	if r := wxpay(t, env, "", "call", "POST", "v3/discount-card/cards", "-d", prepareBody("note-1", sb.notifyURL)); r.code != ExitOK {
		t.Fatal(r)
	}
	if _, err := sb.srv.Accept(context.Background(), "note-1", sandbox.AcceptOptions{}); err != nil {
		t.Fatal(err)
	}
	var n capturedNotification
	select {
	case n = <-sb.notes:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var hb bytes.Buffer
	hb.WriteString("POST /wxpay/notify HTTP/1.1\r\n") // as curl -D or a proxy log keeps it
	n.header.Write(&hb)
	headers, body, request := write("headers.txt", hb.Bytes()), write("body.json", n.body), write("request.http", n.dump)

	check := func(name string, r result) {
		t.Helper()
		var out struct {
			Envelope struct {
				ID        string `json:"id"`
				EventType string `json:"event_type"`
				Resource  struct {
					Algorithm string `json:"algorithm"`
				} `json:"resource"`
			} `json:"envelope"`
			Plaintext struct {
				OutCardCode string `json:"out_card_code"`
				State       string `json:"state"`
			} `json:"plaintext"`
		}
		if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &out) != nil || out.Envelope.EventType != "DISCOUNT_CARD.USER_ACCEPTED" ||
			!strings.HasPrefix(out.Envelope.ID, "EV-") || out.Envelope.Resource.Algorithm != "AEAD_AES_256_GCM" || out.Plaintext.OutCardCode != "note-1" {
			t.Errorf("%s:\n%s", name, r)
		}
		checkNoSecrets(t, r, secrets(t, setupDir))
	}
	check("-headers -body", wxpay(t, env, "", "notify", "-headers", headers, "-body", body))
	check("-request", wxpay(t, env, "", "notify", "-request", request))
	check("-request -", wxpay(t, env, string(n.dump), "notify", "-request", "-"))
	check("-body -", wxpay(t, env, string(n.body), "notify", "-headers", headers, "-body", "-"))

	tampered := write("tampered.json", bytes.Replace(n.body, []byte(`"id":"EV-`), []byte(`"id":"EV-9`), 1))
	if r := wxpay(t, env, "", "notify", "-headers", headers, "-body", tampered); r.code != ExitFailure ||
		!strings.Contains(r.stderr, "cause: *apiv3.VerificationError, apiv3.ErrBadSignature") {
		t.Errorf("a tampered body:\n%s", r)
	}
	newline := write("newline.json", append(bytes.Clone(n.body), '\n'))
	if r := wxpay(t, env, "", "notify", "-headers", headers, "-body", newline); r.code != ExitFailure || !strings.Contains(r.stderr, "hint: the body ends with a line break") {
		t.Errorf("a body with a line break added:\n%s", r)
	}
}

// TestNotifyOldCapture: a notification older than the skew is refused, as
// the runtime refuses it, unless -max-skew allows it.
func TestNotifyOldCapture(t *testing.T) {
	hourAgo := time.Now().Add(-time.Hour)
	srv := wxtest.NewServer(t, wxtest.Options{Clock: func() time.Time { return hourAgo }})
	h, body := srv.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", []byte(`{"out_card_code":"old-1"}`))
	t.Chdir(testkeysDir(t))
	req := new(bytes.Buffer)
	(&http.Request{Method: "POST", URL: mustURL("/notify"), Host: "shop.example", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}).Write(req)
	file := filepath.Join(t.TempDir(), "req.http")
	os.WriteFile(file, req.Bytes(), 0o600)
	r := wxpay(t, nil, "", "notify", "-request", file)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "apiv3.ErrTimestampSkew") || !strings.Contains(r.stderr, "raise -max-skew") {
		t.Errorf("an hour-old capture:\n%s", r)
	}
	r = wxpay(t, nil, "", "notify", "-request", file, "-max-skew", "2h")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"out_card_code": "old-1"`) || !strings.Contains(r.stdout, `"event_type": "DISCOUNT_CARD.USER_PAID"`) {
		t.Errorf("-max-skew 2h:\n%s", r)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// bundledOperations counts the operations of the bundled spec, as the
// generator sees them.
func bundledOperations(t *testing.T) int {
	t.Helper()
	spec, err := load.Load(filepath.Join("..", "..", "..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	api, diags := model.Build(spec, model.Options{})
	if api == nil {
		t.Fatal(diags)
	}
	return len(api.Operations)
}
