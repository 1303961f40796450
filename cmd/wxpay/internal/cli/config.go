package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// DefaultConfigFile is read when neither -config nor WXPAY_CONFIG names
// another: the file wxpay-sandbox init writes.
const DefaultConfigFile = "wxpay.json"

// setting is one configuration value: a key of wxpay.json, the environment
// variable that overrides it (WXPAY_ and the key in upper case) and the
// flag that overrides both (the key with dashes). Secrets have no flag: a
// command line is seen by every user of the machine (ps) and kept in shell
// histories.
type setting struct {
	key   string
	flag  bool
	usage string
	set   func(c *apiv3.Config, v string) error
}

func (s setting) env() string      { return "WXPAY_" + strings.ToUpper(s.key) }
func (s setting) flagName() string { return strings.ReplaceAll(s.key, "_", "-") }

// settings are the keys of apiv3.LoadConfigFile, in its order.
var settings = []setting{
	{"base_url", true, "API host (default https://api.mch.weixin.qq.com; http only on loopback)", func(c *apiv3.Config, v string) error { c.BaseURL = v; return nil }},
	{"backup_base_url", true, "host idempotent calls fail over to", func(c *apiv3.Config, v string) error { c.BackupBaseURL = v; return nil }},
	{"mchid", true, "merchant ID (商户号)", func(c *apiv3.Config, v string) error { c.MchID = v; return nil }},
	{"merchant_certificate_serial", true, "serial of the merchant API certificate (derived from the certificate when that is given)", func(c *apiv3.Config, v string) error { c.MerchantCertificateSerial = v; return nil }},
	{"merchant_certificate_file", true, "`file` apiclient_cert.pem", func(c *apiv3.Config, v string) error { c.MerchantCertificateFile = v; return nil }},
	{"merchant_private_key_file", true, "`file` apiclient_key.pem", func(c *apiv3.Config, v string) error { c.MerchantPrivateKeyFile = v; return nil }},
	{"apiv3_key", false, "", func(c *apiv3.Config, v string) error { c.APIv3Key = v; return nil }},
	{"apiv3_key_file", true, "`file` holding the APIv3 key", setAPIv3KeyFile},
	{"wechatpay_public_key_id", true, "ID of the WeChat Pay public key (PUB_KEY_ID_...)", func(c *apiv3.Config, v string) error { c.WechatPayPublicKeyID = v; return nil }},
	{"wechatpay_public_key_file", true, "`file` pub_key.pem, the WeChat Pay public key", func(c *apiv3.Config, v string) error { c.WechatPayPublicKeyFile = v; return nil }},
	{"platform_certificate_files", true, "platform certificate `files`, separated by " + string(os.PathListSeparator), func(c *apiv3.Config, v string) error {
		c.PlatformCertificatesPEM, c.PlatformCertificateFiles = nil, filepath.SplitList(v)
		return nil
	}},
}

func setAPIv3KeyFile(c *apiv3.Config, path string) error {
	key, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("apiv3_key_file: %w", err)
	}
	c.APIv3Key = strings.TrimRight(string(key), "\r\n")
	return nil
}

// configFlags are the configuration flags of one command.
type configFlags struct {
	path   *string
	values map[string]*string // by key
}

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	cf := &configFlags{
		path:   fs.String("config", "", "configuration `file` (default $WXPAY_CONFIG, else ./"+DefaultConfigFile+" when it exists)"),
		values: map[string]*string{},
	}
	for _, s := range settings {
		if s.flag {
			cf.values[s.key] = fs.String(s.flagName(), "", s.usage+" (overrides $"+s.env()+")")
		}
	}
	return cf
}

// load builds the configuration: the file, then the environment, then the
// flags that flags saw set. sources says where each part came from, for -v;
// it names variables and flags, never their values.
func (cf *configFlags) load(flags *flag.FlagSet, env *Env) (cfg apiv3.Config, sources []string, err error) {
	path, explicit := *cf.path, true
	if path == "" {
		path = env.getenv("WXPAY_CONFIG")
	}
	if path == "" {
		path, explicit = DefaultConfigFile, false
	}
	cfg, err = apiv3.LoadConfigFile(path)
	switch {
	case err == nil:
		sources = append(sources, path)
	case !explicit && errors.Is(err, os.ErrNotExist):
		cfg, err = apiv3.Config{}, nil // no file: the environment and flags say everything
	default:
		return cfg, nil, refused(err)
	}
	for _, s := range settings {
		if v := env.getenv(s.env()); v != "" {
			if err := s.set(&cfg, v); err != nil {
				return cfg, nil, refused(fmt.Errorf("$%s: %w", s.env(), err))
			}
			sources = append(sources, "$"+s.env())
		}
	}
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range settings {
		if s.flag && set[s.flagName()] {
			if err := s.set(&cfg, *cf.values[s.key]); err != nil {
				return cfg, nil, refused(fmt.Errorf("-%s: %w", s.flagName(), err))
			}
			sources = append(sources, "-"+s.flagName())
		}
	}
	return cfg, sources, nil
}
