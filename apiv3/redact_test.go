package apiv3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secKeyLike are the values a user may put in the wrong field: PEM text (an
// environment variable's value), the Base64 body of a key without its
// armour, and the APIv3 key.
func secKeyLike() map[string]string {
	pemText := string(testkeys.MerchantKeyPEM)
	body := strings.Join(strings.Split(pemText, "\n")[1:len(strings.Split(pemText, "\n"))-2], "")
	return map[string]string{"PEM": pemText, "Base64 body": body, "APIv3 key": testkeys.APIv3Key}
}

// secAssertNoKeyMaterial is secAssertNoSecrets, also refusing the armour and
// the Base64 body as one line.
func secAssertNoKeyMaterial(t testing.TB, what, s string) {
	t.Helper()
	secAssertNoSecrets(t, s)
	if strings.Contains(s, "-----BEGIN") || strings.Contains(s, "-----END") || strings.Contains(s, "MIIE") {
		t.Errorf("%s carries key material: %s", what, s)
	}
}

// errorChain is every message of err's chain, so that a logger that prints
// wrapped errors finds no secret either.
func errorChain(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		b.WriteString(e.Error())
		b.WriteString("\n")
	}
	return b.String()
}

// Whatever string field key material is put in, neither NewClient's error
// (with everything it wraps) nor any way of printing the Config shows it.
func TestKeyMaterialInAnyFieldIsNeverPrinted(t *testing.T) {
	fields := reflect.TypeFor[Config]()
	for i := range fields.NumField() {
		f := fields.Field(i)
		for kind, secret := range secKeyLike() {
			cfg := secConfig()
			v := reflect.ValueOf(&cfg).Elem().Field(i)
			switch v.Kind() {
			case reflect.String:
				if f.Name == "APIv3Key" && kind == "APIv3 key" {
					continue // its own field
				}
				v.SetString(secret)
			case reflect.Slice:
				if v.Type().Elem().Kind() != reflect.String {
					continue // []byte and [][]byte hold PEM by design
				}
				v.Set(reflect.ValueOf([]string{secret}))
			default:
				continue
			}
			name := f.Name + " = " + kind
			_, err := NewClient(cfg)
			if err == nil {
				t.Errorf("%s: NewClient accepted it", name)
				continue
			}
			secAssertNoKeyMaterial(t, name+": NewClient error", errorChain(err))
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				secAssertNoKeyMaterial(t, name+": "+verb, fmt.Sprintf(verb, cfg))
			}
			secAssertNoKeyMaterial(t, name+": String", cfg.String())
			var buf bytes.Buffer
			slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", cfg, "ptr", &cfg)
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", cfg)
			secAssertNoKeyMaterial(t, name+": slog", buf.String())
		}
	}
}

// PEM text in a path field is refused with what to do instead.
func TestPEMInPathFieldSaysWhatToDo(t *testing.T) {
	cfg := secConfig()
	cfg.MerchantPrivateKeyPEM = nil
	cfg.MerchantPrivateKeyFile = string(testkeys.MerchantKeyPEM)
	_, err := NewClient(cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "MerchantPrivateKeyFile" {
		t.Fatalf("error %v, want a ConfigError on MerchantPrivateKeyFile", err)
	}
	for _, want := range []string{"not a file path", "MerchantPrivateKeyPEM"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// LoadConfigFile's errors carry no key material either: a key given as its
// own file name, a key unquoted in the JSON, a key as a JSON member name.
func TestLoadConfigFileErrorsCarryNoKey(t *testing.T) {
	dir := t.TempDir()
	pemJSON, _ := json.Marshal(string(testkeys.MerchantKeyPEM))
	for name, doc := range map[string]string{
		"key as apiv3_key_file":       `{"apiv3_key_file": "` + testkeys.APIv3Key + `"}`,
		"PEM as apiv3_key_file":       `{"apiv3_key_file": ` + string(pemJSON) + `}`,
		"unquoted apiv3_key":          `{"mchid": "1900000109", "apiv3_key": ` + testkeys.APIv3Key + `}`,
		"unquoted apiv3_key, newline": "{\n\"apiv3_key\":\n" + testkeys.APIv3Key + "\n}",
		"number apiv3_key":            `{"apiv3_key": 12345678901234567890123456789012}`,
		"PEM as a member name":        `{` + string(pemJSON) + `: "x"}`,
		"PEM after the object":        `{}` + string(testkeys.MerchantKeyPEM),
	} {
		path := filepath.Join(dir, "wxpay.json")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfigFile(path)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		chain := errorChain(err)
		secAssertNoKeyMaterial(t, name, chain)
		if strings.Contains(chain, "'w'") || strings.Contains(chain, "1234567890") {
			t.Errorf("%s: the error quotes part of the key: %s", name, chain)
		}
	}
	// The syntax error still says where.
	path := filepath.Join(dir, "wxpay.json")
	os.WriteFile(path, []byte("{\n\"apiv3_key\":\n"+testkeys.APIv3Key+"\n}"), 0o600)
	if _, err := LoadConfigFile(path); err == nil || !strings.Contains(err.Error(), "line 3, column 1") {
		t.Errorf("syntax error %v, want its line and column", err)
	}
}

// What the fields are for is still printed as it is: only key-shaped values
// are replaced.
func TestKeyLikeLeavesPathsURLsAndIDsAlone(t *testing.T) {
	for _, s := range []string{
		"apiclient_key.pem", "/etc/wxpay/1900000109/apiclient_key.pem", `C:\wxpay\apiclient_key.pem`,
		"https://api.mch.weixin.qq.com", "http://127.0.0.1:8780/prefix", testkeys.PublicKeyID,
		testkeys.MerchantSerial, testkeys.MchID, "wechatpay_5157F09EFDC096DE15EBE81A47057A72.pem",
	} {
		if keyLike(s) {
			t.Errorf("keyLike(%q) = true", s)
		}
	}
	for name, s := range secKeyLike() {
		if !keyLike(s) || !keyLike("/etc/wxpay/"+strings.TrimSpace(s)) && name == "APIv3 key" {
			t.Errorf("keyLike(%s) = false", name)
		}
	}
}
