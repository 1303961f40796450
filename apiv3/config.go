package apiv3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config carries the base URL, the merchant ID, the merchant's signing key and
// the material that verifies what WeChat Pay sends back. The zero value of
// every field means "not set"; NewClient reads the files and checks everything
// once, so a misconfiguration is an error from NewClient, never from the first
// request.
//
// Verification material is either a WeChat Pay public key with its ID
// (public-key mode, recommended, the only mode for merchants created since late
// 2024), or platform certificates (certificate mode), or both at once while a
// merchant migrates from certificates to the public key. A CertificateStore
// can supply platform certificates instead of the static ones.
//
// Printing a Config with any fmt verb, or logging it with log/slog, never shows
// the private key or the APIv3 key.
type Config struct {
	// BaseURL is the API host, "" for DefaultBaseURL
	// (https://api.mch.weixin.qq.com).
	BaseURL string
	// BackupBaseURL is the disaster-recovery host that idempotent calls fail
	// over to on connection errors. "" means DefaultBackupBaseURL
	// (https://api2.mch.weixin.qq.com) when BaseURL is empty or the default,
	// and no backup when BaseURL is custom (a sandbox or a proxy), so that a
	// test client never reaches the real WeChat Pay.
	BackupBaseURL string

	// MchID is the merchant ID (商户号), required.
	MchID string

	// MerchantCertificateSerial is the serial of the merchant API certificate
	// as the merchant platform prints it (upper-case hex). It may be left
	// empty when MerchantCertificatePEM or MerchantCertificateFile is set: it
	// is then derived from the certificate. When both are set they must agree.
	MerchantCertificateSerial string
	// MerchantCertificatePEM is the merchant API certificate
	// (apiclient_cert.pem). Optional; when set, its public key must match the
	// private key.
	MerchantCertificatePEM []byte
	// MerchantCertificateFile is the path of apiclient_cert.pem; set it or
	// MerchantCertificatePEM, not both.
	MerchantCertificateFile string

	// MerchantPrivateKeyPEM is the merchant API private key
	// (apiclient_key.pem): an RSA key of at least 2048 bits in a PKCS#8
	// ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM block. Required,
	// unless MerchantPrivateKeyFile is set.
	MerchantPrivateKeyPEM []byte
	// MerchantPrivateKeyFile is the path of apiclient_key.pem; set it or
	// MerchantPrivateKeyPEM, not both.
	MerchantPrivateKeyFile string

	// APIv3Key is the merchant's APIv3 key: exactly 32 bytes, used as is
	// (AES-256-GCM) to decrypt notifications and platform certificates.
	// Required.
	APIv3Key string

	// WechatPayPublicKeyID is the ID of the WeChat Pay public key
	// (PUB_KEY_ID_...). It is sent as Wechatpay-Serial with every request so
	// that WeChat Pay signs its answers with that key. Set it together with
	// WechatPayPublicKeyPEM or WechatPayPublicKeyFile.
	WechatPayPublicKeyID string
	// WechatPayPublicKeyPEM is the WeChat Pay public key (pub_key.pem,
	// "PUBLIC KEY" or "RSA PUBLIC KEY").
	WechatPayPublicKeyPEM []byte
	// WechatPayPublicKeyFile is the path of pub_key.pem; set it or
	// WechatPayPublicKeyPEM, not both.
	WechatPayPublicKeyFile string

	// PlatformCertificatesPEM holds WeChat Pay platform certificates, one or
	// more CERTIFICATE blocks per element; several may be valid at once
	// during a rotation. Each is looked up by its serial.
	PlatformCertificatesPEM [][]byte
	// PlatformCertificateFiles are paths of platform certificates, read in
	// addition to PlatformCertificatesPEM.
	PlatformCertificateFiles []string
}

// String describes c without its secrets: the private key and the APIv3 key
// are shown only as set or unset, and any other value that looks like key
// material (PEM text put in a ...File field) is replaced by a placeholder.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("apiv3.Config{")
	sep := ""
	field := func(name, value string) {
		b.WriteString(sep)
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		sep = ", "
	}
	str := func(name, v string) {
		if v != "" {
			field(name, shown(v))
		}
	}
	str("BaseURL", c.BaseURL)
	str("BackupBaseURL", c.BackupBaseURL)
	str("MchID", c.MchID)
	str("MerchantCertificateSerial", c.MerchantCertificateSerial)
	if len(c.MerchantCertificatePEM) > 0 {
		field("MerchantCertificatePEM", fmt.Sprintf("<%d bytes>", len(c.MerchantCertificatePEM)))
	}
	str("MerchantCertificateFile", c.MerchantCertificateFile)
	if len(c.MerchantPrivateKeyPEM) > 0 {
		field("MerchantPrivateKeyPEM", "<redacted>")
	}
	str("MerchantPrivateKeyFile", c.MerchantPrivateKeyFile)
	if c.APIv3Key != "" {
		field("APIv3Key", "<redacted>")
	}
	str("WechatPayPublicKeyID", c.WechatPayPublicKeyID)
	if len(c.WechatPayPublicKeyPEM) > 0 {
		field("WechatPayPublicKeyPEM", fmt.Sprintf("<%d bytes>", len(c.WechatPayPublicKeyPEM)))
	}
	str("WechatPayPublicKeyFile", c.WechatPayPublicKeyFile)
	if len(c.PlatformCertificatesPEM) > 0 {
		field("PlatformCertificatesPEM", fmt.Sprintf("<%d certificates>", len(c.PlatformCertificatesPEM)))
	}
	if len(c.PlatformCertificateFiles) > 0 {
		files := make([]string, len(c.PlatformCertificateFiles))
		for i, f := range c.PlatformCertificateFiles {
			files[i] = shown(f)
		}
		field("PlatformCertificateFiles", "["+strings.Join(files, " ")+"]")
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v hides the secrets too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x, ...), so
// that no verb reaches the key bytes.
func (c Config) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue makes log/slog print the redacted form.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the redacted form, so that a Config that ends up in a
// JSON log carries no secret. It is not the format LoadConfigFile reads.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// configFile is the JSON read by LoadConfigFile.
type configFile struct {
	BaseURL                   string   `json:"base_url"`
	BackupBaseURL             string   `json:"backup_base_url"`
	MchID                     string   `json:"mchid"`
	MerchantCertificateSerial string   `json:"merchant_certificate_serial"`
	MerchantCertificateFile   string   `json:"merchant_certificate_file"`
	MerchantPrivateKeyFile    string   `json:"merchant_private_key_file"`
	APIv3Key                  string   `json:"apiv3_key"`
	APIv3KeyFile              string   `json:"apiv3_key_file"`
	WechatPayPublicKeyID      string   `json:"wechatpay_public_key_id"`
	WechatPayPublicKeyFile    string   `json:"wechatpay_public_key_file"`
	PlatformCertificateFiles  []string `json:"platform_certificate_files"`
}

// LoadConfigFile reads a JSON configuration whose key material is named by
// path; relative paths are relative to the directory of the JSON file. The
// keys are the snake_case names of the Config fields:
//
//	{
//	  "mchid": "1900000109",
//	  "merchant_certificate_serial": "5E53E40ABB8CD463F625F03D14E8D56F85E91188",
//	  "merchant_certificate_file": "apiclient_cert.pem",
//	  "merchant_private_key_file": "apiclient_key.pem",
//	  "apiv3_key_file": "apiv3.key",
//	  "wechatpay_public_key_id": "PUB_KEY_ID_0119...",
//	  "wechatpay_public_key_file": "pub_key.pem",
//	  "platform_certificate_files": ["wechatpay_5157F09EFDC096DE15EBE81A47057A72.pem"],
//	  "base_url": "https://api.mch.weixin.qq.com",
//	  "backup_base_url": "https://api2.mch.weixin.qq.com"
//	}
//
// The APIv3 key is given inline ("apiv3_key") or, better, in a file
// ("apiv3_key_file", whose trailing newline is ignored). Unknown keys are an
// error, so that a misspelt key does not silently drop material. The key files
// themselves are read and checked by NewClient.
func LoadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("apiv3: config: %w", redactPathError(err))
	}
	name := path
	if keyLike(path) {
		name = redactedValue
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f configFile
	if err := dec.Decode(&f); err != nil {
		return Config{}, fmt.Errorf("apiv3: config %s: %s", name, describeJSONError(data, err))
	}
	if dec.More() {
		return Config{}, fmt.Errorf("apiv3: config %s: data after the JSON object", name)
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		// Key material put in a path field is left as it is, so that
		// NewClient recognises it and says so without showing it.
		if p == "" || filepath.IsAbs(p) || keyLike(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	cfg := Config{
		BaseURL:                   f.BaseURL,
		BackupBaseURL:             f.BackupBaseURL,
		MchID:                     f.MchID,
		MerchantCertificateSerial: f.MerchantCertificateSerial,
		MerchantCertificateFile:   rel(f.MerchantCertificateFile),
		MerchantPrivateKeyFile:    rel(f.MerchantPrivateKeyFile),
		APIv3Key:                  f.APIv3Key,
		WechatPayPublicKeyID:      f.WechatPayPublicKeyID,
		WechatPayPublicKeyFile:    rel(f.WechatPayPublicKeyFile),
	}
	for _, p := range f.PlatformCertificateFiles {
		cfg.PlatformCertificateFiles = append(cfg.PlatformCertificateFiles, rel(p))
	}
	if f.APIv3KeyFile != "" {
		if f.APIv3Key != "" {
			return Config{}, fmt.Errorf("apiv3: config %s: set apiv3_key or apiv3_key_file, not both", name)
		}
		key, err := os.ReadFile(rel(f.APIv3KeyFile))
		if err != nil && keyLike(f.APIv3KeyFile) {
			return Config{}, fmt.Errorf("apiv3: config %s: apiv3_key_file holds what looks like the key itself, not a file path (not shown); give the path of a file holding the key: %w", name, hidePath(err))
		}
		if err != nil {
			return Config{}, fmt.Errorf("apiv3: config %s: apiv3_key_file: %w", name, err)
		}
		cfg.APIv3Key = strings.TrimRight(string(key), "\r\n")
	}
	return cfg, nil
}

// describeJSONError says what is wrong with a configuration file without
// quoting it: encoding/json's messages show the character at a syntax error
// ("invalid character 'w'": the first letter of an unquoted key) and the
// digits of a number of the wrong type, so only positions, member names and
// types are kept.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineColumn(data, syn.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d (a string value must be quoted)", line, col)
	case errors.As(err, &typ):
		kind, _, _ := strings.Cut(typ.Value, " ")
		return fmt.Sprintf("%s: want a JSON %s, got a %s", shown(typ.Field), jsonKind(typ.Type.Kind().String()), kind)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	if member, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if m, qerr := strconv.Unquote(member); qerr == nil {
			return fmt.Sprintf("unknown key %s", shown(m))
		}
	}
	return "not a JSON object with the documented keys"
}

// jsonKind names a Go kind as JSON does.
func jsonKind(goKind string) string {
	switch goKind {
	case "slice":
		return "array of strings"
	case "struct":
		return "object"
	}
	return goKind
}

// lineColumn turns a byte offset into a 1-based line and column; offset is
// where encoding/json stopped, just past the offending byte.
func lineColumn(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset > 0 {
		offset-- // the offending byte itself
	}
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// errConfig builds a configuration error that names the field at fault; it
// never includes key material.
func errConfig(field, format string, args ...any) error {
	return &ConfigError{Field: field, msg: fmt.Sprintf(format, args...)}
}

// ConfigError is a misconfiguration found by NewClient. Field names the
// Config field at fault; the message never contains key material.
type ConfigError struct {
	Field string
	msg   string
	err   error
}

func (e *ConfigError) Error() string {
	if e.Field == "" {
		return "apiv3: config: " + e.msg
	}
	return "apiv3: config: " + e.Field + ": " + e.msg
}

// Unwrap returns the underlying error (for example an *fs.PathError), if any.
func (e *ConfigError) Unwrap() error { return e.err }

// readMaterial returns the PEM bytes given inline or by file, refusing both.
func readMaterial(pemField string, pemBytes []byte, fileField, file string) ([]byte, string, error) {
	switch {
	case len(pemBytes) > 0 && file != "":
		return nil, "", errConfig(pemField, "set %s or %s, not both", pemField, fileField)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil && keyLike(file) {
			ce := notAPathError(fileField, pemField).(*ConfigError)
			ce.err = redactPathError(err)
			return nil, "", ce
		}
		if err != nil {
			var msg string
			if errors.Is(err, os.ErrNotExist) {
				msg = fmt.Sprintf("%q does not exist", file)
			} else {
				msg = fmt.Sprintf("cannot read %q", file)
			}
			return nil, "", &ConfigError{Field: fileField, msg: msg, err: err}
		}
		return b, fileField, nil
	default:
		return pemBytes, pemField, nil
	}
}
