package sandbox_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestInit checks the files of the shared setup: modes, formats, ids, and
// that the client configuration works against the server configuration (the
// other tests use it in every mode).
func TestInit(t *testing.T) {
	st := sharedSetup
	if !regexp.MustCompile(`^PUB_KEY_ID_[0-9]{32}$`).MatchString(st.PublicKeyID) {
		t.Errorf("public key ID %q", st.PublicKeyID)
	}
	for _, serial := range []string{st.MerchantSerial, st.PlatformSerial} {
		if !regexp.MustCompile(`^[0-9A-F]{40}$`).MatchString(serial) {
			t.Errorf("serial %q is not 40 upper-case hex digits", serial)
		}
	}
	private := map[string]bool{sandbox.FileMerchantKey: true, sandbox.FilePlatformKey: true, sandbox.FileAPIv3Key: true}
	for _, f := range st.Files {
		fi, err := os.Stat(filepath.Join(sharedDir, f))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o644)
		if private[f] {
			want = 0o600
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", f, fi.Mode().Perm(), want)
		}
	}
	key, _ := os.ReadFile(filepath.Join(sharedDir, sandbox.FileAPIv3Key))
	if k := strings.TrimSpace(string(key)); len(k) != 32 {
		t.Errorf("APIv3 key of %d characters", len(k))
	}
	cfg, err := apiv3.LoadConfigFile(filepath.Join(sharedDir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MchID != st.MchID || cfg.MerchantCertificateSerial != st.MerchantSerial || cfg.WechatPayPublicKeyID != st.PublicKeyID ||
		len(cfg.PlatformCertificateFiles) != 1 || cfg.BaseURL != "" {
		t.Errorf("wxpay.json: %v", cfg)
	}
	if _, err := apiv3.NewClient(cfg); err != nil {
		t.Errorf("NewClient with wxpay.json: %v", err)
	}
	var tmpl map[string]any
	b, _ := os.ReadFile(filepath.Join(sharedDir, sandbox.FileTemplate))
	if err := json.Unmarshal(b, &tmpl); err != nil || tmpl["card_template_id"] != st.Template.CardTemplateID {
		t.Errorf("template.json: %s %v", b, err)
	}
	scfg, err := sandbox.LoadDir(sharedDir)
	if err != nil {
		t.Fatal(err)
	}
	if scfg.MerchantSerial != st.MerchantSerial || scfg.PlatformSerial != st.PlatformSerial || scfg.APIv3Key != strings.TrimSpace(string(key)) {
		t.Errorf("LoadDir: %+v", scfg)
	}
}

func TestInitRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("x"), 0o644)
	if _, err := sandbox.Init(dir, sandbox.InitOptions{}); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("non-empty dir: %v", err)
	}
	st, err := sandbox.Init(dir, sandbox.InitOptions{Force: true, MchID: "1900000001", BaseURL: "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := apiv3.LoadConfigFile(filepath.Join(dir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MchID != "1900000001" || cfg.BaseURL != "http://127.0.0.1:9" || cfg.BackupBaseURL != cfg.BaseURL || st.MchID != "1900000001" {
		t.Errorf("config %v", cfg)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.txt")); err != nil {
		t.Error("-force removed an unrelated file")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	good, err := sandbox.LoadDir(sharedDir)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*sandbox.Config){
		"mode":           func(c *sandbox.Config) { c.Mode = "none" },
		"mchid":          func(c *sandbox.Config) { c.MchID = "" },
		"apiv3 key":      func(c *sandbox.Config) { c.APIv3Key = "short" },
		"public key id":  func(c *sandbox.Config) { c.PublicKeyID = "123" },
		"cert mode":      func(c *sandbox.Config) { c.Mode, c.PlatformCertificatePEM = sandbox.ModeCertificate, nil },
		"empty template": func(c *sandbox.Config) { c.Template.Rewards = nil },
		"bad count type": func(c *sandbox.Config) {
			c.Template.Rewards = []sandbox.TemplateReward{{RewardID: "1", Name: "n", CountType: "X", Count: 1, Unit: "u", Amount: 1}}
		},
		"repeated ids": func(c *sandbox.Config) {
			c.Template.Objectives = append(c.Template.Objectives, c.Template.Objectives[0])
		},
	} {
		cfg := good
		cfg.Template.Objectives = append([]sandbox.TemplateObjective(nil), good.Template.Objectives...)
		mutate(&cfg)
		if s, err := sandbox.New(cfg); err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8780": true, "localhost:0": true, "[::1]:80": true, "127.1.2.3:1": true,
		"0.0.0.0:8780": false, ":8780": false, "192.168.1.2:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		if got := sandbox.IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v", addr, got)
		}
	}
}
