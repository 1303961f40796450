package sandbox

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Files written by Init, relative to its directory.
const (
	FileClientConfig      = "wxpay.json"            // for apiv3.LoadConfigFile
	FileSandboxConfig     = "sandbox.json"          // for LoadDir
	FileTemplate          = "template.json"         // the card template
	FileMerchantKey       = "apiclient_key.pem"     // merchant API private key (0600)
	FileMerchantCert      = "apiclient_cert.pem"    // merchant API certificate
	FilePlatformKey       = "wechatpay_private.pem" // the platform private key, the sandbox's own (0600)
	FilePlatformPublicKey = "pub_key.pem"           // WeChat Pay public key
	FileAPIv3Key          = "apiv3.key"             // APIv3 key (0600)
)

// DefaultMchID is the merchant ID Init uses unless told otherwise.
const DefaultMchID = "1230000109"

// InitOptions configure Init.
type InitOptions struct {
	MchID   string // default DefaultMchID
	BaseURL string // written as base_url and backup_base_url of wxpay.json when set
	Force   bool   // write into a non-empty directory, replacing the files of a setup
}

// Setup describes what Init wrote.
type Setup struct {
	Dir            string
	MchID          string
	MerchantSerial string
	PublicKeyID    string
	PlatformSerial string
	Template       Template
	Files          []string // relative to Dir, in the order written
}

// clientConfig is wxpay.json, in the format apiv3.LoadConfigFile reads.
type clientConfig struct {
	BaseURL                   string   `json:"base_url,omitempty"`
	BackupBaseURL             string   `json:"backup_base_url,omitempty"`
	MchID                     string   `json:"mchid"`
	MerchantCertificateSerial string   `json:"merchant_certificate_serial"`
	MerchantCertificateFile   string   `json:"merchant_certificate_file"`
	MerchantPrivateKeyFile    string   `json:"merchant_private_key_file"`
	APIv3KeyFile              string   `json:"apiv3_key_file"`
	WechatPayPublicKeyID      string   `json:"wechatpay_public_key_id"`
	WechatPayPublicKeyFile    string   `json:"wechatpay_public_key_file"`
	PlatformCertificateFiles  []string `json:"platform_certificate_files"`
}

// sandboxConfig is sandbox.json, what the server reads.
type sandboxConfig struct {
	MchID                   string `json:"mchid"`
	MerchantCertificateFile string `json:"merchant_certificate_file"`
	PlatformPrivateKeyFile  string `json:"wechatpay_private_key_file"`
	PublicKeyID             string `json:"wechatpay_public_key_id"`
	PlatformCertificateFile string `json:"wechatpay_certificate_file"`
	APIv3KeyFile            string `json:"apiv3_key_file"`
	TemplateFile            string `json:"template_file"`
}

// Init writes a development setup into dir (created if needed): a merchant
// key pair and certificate, a platform key pair with its public-key ID and
// certificate, an APIv3 key, a card template, wxpay.json for the client and
// sandbox.json for the server. Private keys and the APIv3 key are written
// 0600. A non-empty dir is refused unless opts.Force.
func Init(dir string, opts InitOptions) (*Setup, error) {
	if opts.MchID == "" {
		opts.MchID = DefaultMchID
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: init: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("sandbox: init: %w", err)
	}
	if len(entries) > 0 && !opts.Force {
		return nil, fmt.Errorf("sandbox: init: %s is not empty (use -force to write into it anyway)", dir)
	}

	ks, err := gateway.NewKeySet(opts.MchID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: init: %w", err)
	}
	st := &Setup{
		Dir:            dir,
		MchID:          opts.MchID,
		MerchantSerial: ks.MerchantSerial,
		PublicKeyID:    ks.PublicKeyID,
		PlatformSerial: ks.PlatformSerial,
		Template:       defaultTemplate(),
	}
	merchantSerial := ks.MerchantSerial
	platformCertFile := "wechatpay_" + ks.PlatformSerial + ".pem"
	client := clientConfig{
		BaseURL:                   opts.BaseURL,
		BackupBaseURL:             opts.BaseURL,
		MchID:                     opts.MchID,
		MerchantCertificateSerial: merchantSerial,
		MerchantCertificateFile:   FileMerchantCert,
		MerchantPrivateKeyFile:    FileMerchantKey,
		APIv3KeyFile:              FileAPIv3Key,
		WechatPayPublicKeyID:      st.PublicKeyID,
		WechatPayPublicKeyFile:    FilePlatformPublicKey,
		PlatformCertificateFiles:  []string{platformCertFile},
	}
	server := sandboxConfig{
		MchID:                   opts.MchID,
		MerchantCertificateFile: FileMerchantCert,
		PlatformPrivateKeyFile:  FilePlatformKey,
		PublicKeyID:             st.PublicKeyID,
		PlatformCertificateFile: platformCertFile,
		APIv3KeyFile:            FileAPIv3Key,
		TemplateFile:            FileTemplate,
	}
	files := []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{FileMerchantKey, ks.MerchantKeyPEM, 0o600},
		{FileMerchantCert, ks.MerchantCertPEM, 0o644},
		{FilePlatformKey, ks.PlatformKeyPEM, 0o600},
		{FilePlatformPublicKey, ks.PlatformPublicKeyPEM, 0o644},
		{platformCertFile, ks.PlatformCertPEM, 0o644},
		{FileAPIv3Key, []byte(ks.APIv3Key + "\n"), 0o600},
		{FileTemplate, indentJSON(st.Template), 0o644},
		{FileClientConfig, indentJSON(client), 0o644},
		{FileSandboxConfig, indentJSON(server), 0o644},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := writeFileAtomic(path, f.data, f.perm); err != nil {
			return nil, fmt.Errorf("sandbox: init: %w", err)
		}
		st.Files = append(st.Files, f.name)
	}
	return st, nil
}

func indentJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic("sandbox: " + err.Error())
	}
	return buf.Bytes()
}

func defaultTemplate() Template {
	id := func() string { return gateway.RandomFrom(gateway.Digits, 10) }
	return Template{
		CardTemplateID: gateway.RandomFrom("0123456789abcdef", 32),
		DurationDays:   30,
		Objectives: []TemplateObjective{
			{ObjectiveID: id(), Name: "一周购买三次商品", Count: 3, Unit: "次", Description: "任意商品，每单计一次"},
		},
		Rewards: []TemplateReward{
			{RewardID: id(), Name: "满10减3优惠券", CountType: "COUNT_LIMIT", Count: 4, Unit: "张", Amount: 1200, Description: "每单可用一张"},
			{RewardID: id(), Name: "免配送费", CountType: "COUNT_UNLIMITED", Count: 1, Unit: "次", Amount: 3000, Description: "配送费全免，累计不超过30元"},
		},
	}
}

// LoadDir reads a setup written by Init (sandbox.json and the files it
// names) into a Config; the caller sets Mode, DataFile, Faults and the rest.
func LoadDir(dir string) (Config, error) {
	var sc sandboxConfig
	if err := readJSON(filepath.Join(dir, FileSandboxConfig), &sc); err != nil {
		return Config{}, err
	}
	read := func(name, what string) ([]byte, error) {
		if name == "" {
			return nil, fmt.Errorf("sandbox: %s: %s is not set", FileSandboxConfig, what)
		}
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", what, err)
		}
		return b, nil
	}
	cfg := Config{MchID: sc.MchID, PublicKeyID: sc.PublicKeyID}
	b, err := read(sc.MerchantCertificateFile, "merchant_certificate_file")
	if err != nil {
		return Config{}, err
	}
	mcert, err := gateway.ParseCertificate(b)
	if err != nil {
		return Config{}, fmt.Errorf("sandbox: merchant certificate: %w", err)
	}
	pub, ok := mcert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return Config{}, errors.New("sandbox: merchant certificate: not an RSA key")
	}
	cfg.MerchantPublicKey = pub
	cfg.MerchantSerial = gateway.CertificateSerial(mcert)

	if b, err = read(sc.PlatformPrivateKeyFile, "wechatpay_private_key_file"); err != nil {
		return Config{}, err
	}
	if cfg.PlatformKey, err = gateway.ParsePrivateKey(b); err != nil {
		return Config{}, fmt.Errorf("sandbox: platform key: %w", err)
	}
	if cfg.PlatformCertificatePEM, err = read(sc.PlatformCertificateFile, "wechatpay_certificate_file"); err != nil {
		return Config{}, err
	}
	pcert, err := gateway.ParseCertificate(cfg.PlatformCertificatePEM)
	if err != nil {
		return Config{}, fmt.Errorf("sandbox: platform certificate: %w", err)
	}
	if ppub, ok := pcert.PublicKey.(*rsa.PublicKey); !ok || !ppub.Equal(&cfg.PlatformKey.PublicKey) {
		return Config{}, errors.New("sandbox: the platform certificate is not for the platform key")
	}
	cfg.PlatformSerial = gateway.CertificateSerial(pcert)
	if b, err = read(sc.APIv3KeyFile, "apiv3_key_file"); err != nil {
		return Config{}, err
	}
	cfg.APIv3Key = strings.TrimRight(string(b), "\r\n")
	if b, err = read(sc.TemplateFile, "template_file"); err != nil {
		return Config{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg.Template); err != nil {
		return Config{}, fmt.Errorf("sandbox: %s: %w", sc.TemplateFile, err)
	}
	if err := cfg.Template.check(); err != nil {
		return Config{}, fmt.Errorf("sandbox: %s: %w", sc.TemplateFile, err)
	}
	return cfg, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sandbox: %s: %w", path, err)
	}
	return nil
}
