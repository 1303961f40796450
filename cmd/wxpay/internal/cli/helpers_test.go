package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// One sandbox setup for the package, made by the sandbox's own Init (what
// wxpay-sandbox init writes): RSA key generation is slow under -race.
var (
	setupDir string
	setup    *sandbox.Setup
)

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "wxpay-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	setupDir = filepath.Join(tmp, "setup")
	if setup, err = sandbox.Init(setupDir, sandbox.InitOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// result is what one run of wxpay printed.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// wxpay runs the command in-process with the environment env (nothing
// else of the process's) and stdin.
func wxpay(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := Run(ctx, args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }})
	return result{code, out.String(), errb.String()}
}

// sandboxEnv is a sandbox serving the package's setup on loopback, and
// the notifications it delivers, captured as they arrived.
type sandboxEnv struct {
	srv       *sandbox.Server
	url       string
	requests  atomic.Int32 // WeChat Pay requests that reached the sandbox
	notifyURL string
	notes     chan capturedNotification
}

type capturedNotification struct {
	header http.Header
	body   []byte
	dump   []byte // the whole request, as httputil.DumpRequest writes it
}

func newSandbox(t *testing.T, mode sandbox.Mode) *sandboxEnv {
	t.Helper()
	cfg, err := sandbox.LoadDir(setupDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = mode
	cfg.NotifyBackoff, cfg.NotifyMaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	srv, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &sandboxEnv{srv: srv, notes: make(chan capturedNotification, 10)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/sandbox/") {
			e.requests.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	e.url = hs.URL
	var once sync.Once
	ns := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, true) // leaves the body readable
		body, _ := io.ReadAll(r.Body)
		once.Do(func() { e.notes <- capturedNotification{header: r.Header.Clone(), body: body, dump: dump} })
		w.WriteHeader(http.StatusNoContent)
	}))
	e.notifyURL = ns.URL + "/wxpay/notify"
	t.Cleanup(func() { hs.Close(); ns.Close(); srv.Close() })
	return e
}

// env is the environment of a wxpay run in the setup folder against the
// sandbox: wxpay.json as written, the base URL from WXPAY_BASE_URL.
func (e *sandboxEnv) env() map[string]string { return map[string]string{"WXPAY_BASE_URL": e.url} }

// inSetup runs the test in the folder wxpay-sandbox init wrote, so that
// wxpay reads its wxpay.json as a user there would.
func inSetup(t *testing.T) { t.Chdir(setupDir) }

// prepareBody is a prepareCard body for code.
func prepareBody(code, notifyURL string) string {
	return fmt.Sprintf(`{"out_card_code":%q,"card_template_id":%q,"appid":"wxd678efh567hg6787","notify_url":%q}`,
		code, setup.Template.CardTemplateID, notifyURL)
}

// testkeysDir writes a configuration of the test keys (internal/testkeys),
// for runs against the loopback double internal/wxtest.
func testkeysDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"apiclient_key.pem":  testkeys.MerchantKeyPEM,
		"apiclient_cert.pem": testkeys.MerchantCertPEM,
		"pub_key.pem":        testkeys.PlatformPublicKeyPEM,
		"apiv3.key":          []byte(testkeys.APIv3Key + "\n"),
		"wechatpay_cert.pem": testkeys.PlatformCertPEM,
		DefaultConfigFile: []byte(`{
  "mchid": "` + testkeys.MchID + `",
  "merchant_certificate_file": "apiclient_cert.pem",
  "merchant_private_key_file": "apiclient_key.pem",
  "apiv3_key_file": "apiv3.key",
  "wechatpay_public_key_id": "` + testkeys.PublicKeyID + `",
  "wechatpay_public_key_file": "pub_key.pem",
  "platform_certificate_files": ["wechatpay_cert.pem"]
}
`),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// secrets are strings of the setup that no output may contain.
func secrets(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	key, err := os.ReadFile(filepath.Join(dir, "apiv3.key"))
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, strings.TrimSpace(string(key)))
	pemKey, err := os.ReadFile(filepath.Join(dir, "apiclient_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(pemKey), "\n")
	out = append(out, lines[1], lines[len(lines)/2]) // lines of the key itself
	return out
}

func checkNoSecrets(t *testing.T, r result, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("the output shows a secret (%.8s...):\n%s", s, r)
		}
	}
	if strings.Contains(r.stdout+r.stderr, `signature="`) {
		t.Errorf("the output shows a request signature:\n%s", r)
	}
}
