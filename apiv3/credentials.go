package apiv3

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"time"
)

// minRSABits is the smallest RSA key accepted; WeChat Pay's scheme is
// WECHATPAY2-SHA256-RSA2048.
const minRSABits = 2048

// publicKeyIDPrefix starts every WeChat Pay public-key ID.
const publicKeyIDPrefix = "PUB_KEY_ID_"

// credentials is the checked key material of one client: what signs requests,
// what verifies responses and notifications, and the APIv3 key. It is
// immutable after newCredentials, except for the certificate store it may
// consult, which synchronises itself; so it is safe for concurrent use.
type credentials struct {
	mch        string
	serial     string // merchant certificate serial, upper-case hex
	privateKey *rsa.PrivateKey
	apiv3Key   []byte

	publicKeyID string                       // "" when not in public-key mode
	publicKey   *rsa.PublicKey               // WeChat Pay public key
	platform    map[string]*x509.Certificate // static ones; used only within their validity

	store *CertificateStore // optional, consulted for unknown serials

	clock   func() time.Time
	nonce   func() (string, error)
	maxSkew time.Duration
}

// newCredentials checks cfg and reads its key material. Every error names the
// Config field at fault and never contains key material. s supplies the clock,
// nonce source and skew (zero values mean the defaults); with
// s.skipVerify set, no verification material is required.
func newCredentials(cfg Config, s *settings) (*credentials, error) {
	var store *CertificateStore
	if s != nil {
		store = settingsCertificateStore(s)
	}
	return buildCredentials(cfg, s, store)
}

// buildCredentials is newCredentials with the certificate store explicit.
func buildCredentials(cfg Config, s *settings, store *CertificateStore) (*credentials, error) {
	c := &credentials{
		clock:   time.Now,
		nonce:   defaultNonce,
		maxSkew: DefaultMaxSkew,
	}
	if s != nil {
		if s.clock != nil {
			c.clock = s.clock
		}
		if s.nonce == nil {
			s.nonce = defaultNonce
		}
		c.nonce = s.nonce
		if s.maxSkew > 0 {
			c.maxSkew = s.maxSkew
		}
	}
	if keyLike(cfg.MchID) {
		// It would go out in every Authorization header.
		return nil, errConfig("MchID", "holds what looks like key material (not shown); want the merchant ID (商户号)")
	}
	if err := checkHeaderToken(cfg.MchID); err != nil {
		return nil, errConfig("MchID", "%v", err)
	}
	c.mch = cfg.MchID

	if err := c.loadMerchant(cfg); err != nil {
		return nil, err
	}

	if len(cfg.APIv3Key) != 32 {
		return nil, errConfig("APIv3Key", "must be 32 bytes, got %d (it is used as is, not hex- or Base64-decoded)", len(cfg.APIv3Key))
	}
	c.apiv3Key = []byte(cfg.APIv3Key)

	if err := c.loadPublicKey(cfg); err != nil {
		return nil, err
	}
	if err := c.loadPlatformCertificates(cfg); err != nil {
		return nil, err
	}
	if c.publicKey == nil && len(c.platform) == 0 && store == nil && (s == nil || !s.skipVerify) {
		return nil, errConfig("", "no verification key: set WechatPayPublicKeyID with WechatPayPublicKeyPEM or WechatPayPublicKeyFile (public-key mode), or PlatformCertificatesPEM or PlatformCertificateFiles (certificate mode)")
	}
	if store != nil {
		c.store = store
		store.attach(c)
	}
	return c, nil
}

// loadMerchant reads the private key and the certificate serial.
func (c *credentials) loadMerchant(cfg Config) error {
	keyPEM, keyField, err := readMaterial("MerchantPrivateKeyPEM", cfg.MerchantPrivateKeyPEM, "MerchantPrivateKeyFile", cfg.MerchantPrivateKeyFile)
	if err != nil {
		return err
	}
	if len(keyPEM) == 0 {
		return errConfig("MerchantPrivateKeyPEM", "empty: set it or MerchantPrivateKeyFile (apiclient_key.pem)")
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return errConfig(keyField, "%v", err)
	}
	c.privateKey = key

	certPEM, certField, err := readMaterial("MerchantCertificatePEM", cfg.MerchantCertificatePEM, "MerchantCertificateFile", cfg.MerchantCertificateFile)
	if err != nil {
		return err
	}
	serial := strings.ToUpper(strings.TrimSpace(cfg.MerchantCertificateSerial))
	if serial != "" {
		if !isHex(serial) {
			return errConfig("MerchantCertificateSerial", "%s is not a hexadecimal serial", shown(cfg.MerchantCertificateSerial))
		}
	}
	if len(certPEM) > 0 {
		certs, err := parseCertificates(certPEM)
		if err != nil {
			return errConfig(certField, "%v", err)
		}
		if len(certs) != 1 {
			return errConfig(certField, "holds %d certificates, want the one merchant API certificate", len(certs))
		}
		pub, ok := certs[0].PublicKey.(*rsa.PublicKey)
		if !ok || !pub.Equal(&key.PublicKey) {
			return errConfig(certField, "the certificate does not belong to the merchant private key")
		}
		derived := certificateSerial(certs[0])
		if serial != "" && serial != derived {
			return errConfig("MerchantCertificateSerial", "%s differs from the serial %s of %s", serial, derived, certField)
		}
		serial = derived
	}
	if serial == "" {
		return errConfig("MerchantCertificateSerial", "empty: set it or MerchantCertificatePEM or MerchantCertificateFile (apiclient_cert.pem)")
	}
	c.serial = serial
	return nil
}

// loadPublicKey reads the WeChat Pay public key and its ID, if configured.
func (c *credentials) loadPublicKey(cfg Config) error {
	pubPEM, pubField, err := readMaterial("WechatPayPublicKeyPEM", cfg.WechatPayPublicKeyPEM, "WechatPayPublicKeyFile", cfg.WechatPayPublicKeyFile)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(cfg.WechatPayPublicKeyID)
	switch {
	case id == "" && len(pubPEM) == 0:
		return nil
	case id == "":
		return errConfig("WechatPayPublicKeyID", "empty while %s is set: give the PUB_KEY_ID_... shown next to the public key", pubField)
	case len(pubPEM) == 0:
		return errConfig("WechatPayPublicKeyPEM", "empty while WechatPayPublicKeyID is set: set it or WechatPayPublicKeyFile (pub_key.pem)")
	}
	if !strings.HasPrefix(id, publicKeyIDPrefix) || checkHeaderToken(id) != nil {
		return errConfig("WechatPayPublicKeyID", "%s does not look like PUB_KEY_ID_...", shown(id))
	}
	pub, err := parsePublicKey(pubPEM)
	if err != nil {
		return errConfig(pubField, "%v", err)
	}
	c.publicKeyID, c.publicKey = id, pub
	return nil
}

// loadPlatformCertificates reads the static platform certificates.
func (c *credentials) loadPlatformCertificates(cfg Config) error {
	type source struct {
		field string
		pem   []byte
	}
	var sources []source
	for i, p := range cfg.PlatformCertificatesPEM {
		sources = append(sources, source{fmt.Sprintf("PlatformCertificatesPEM[%d]", i), p})
	}
	for i, f := range cfg.PlatformCertificateFiles {
		field := fmt.Sprintf("PlatformCertificateFiles[%d]", i)
		b, _, err := readMaterial("", nil, field, f)
		if err != nil {
			return err
		}
		sources = append(sources, source{field, b})
	}
	for _, src := range sources {
		certs, err := parseCertificates(src.pem)
		if err != nil {
			return errConfig(src.field, "%v", err)
		}
		for _, cert := range certs {
			if _, err := rsaPublicKey(cert.PublicKey); err != nil {
				return errConfig(src.field, "%v", err)
			}
			serial := certificateSerial(cert)
			// An expired certificate can never verify anything again: a
			// configuration mistake. One not valid yet may be staged ahead
			// of a rotation; verify refuses it until its time.
			if now := c.clock(); isExpired(cert, now, c.maxSkew) {
				return &ConfigError{Field: src.field, msg: checkValidity(cert, now, c.maxSkew).Error(), err: ErrCertificateNotValid}
			}
			if c.platform == nil {
				c.platform = make(map[string]*x509.Certificate)
			}
			if old, ok := c.platform[serial]; ok && !old.Equal(cert) {
				return errConfig(src.field, "two different certificates have serial %s", serial)
			}
			c.platform[serial] = cert
		}
	}
	return nil
}

// serialHeader returns the Wechatpay-Serial to send with every request: the
// public-key ID in public-key mode (also while migrating, when platform
// certificates are configured too), so that WeChat Pay signs its answer with
// that key. In certificate mode it returns "": WeChat Pay then signs with its
// current platform certificate. A request carrying sensitive fields sends the
// serial that EncryptSensitive returned instead.
func (c *credentials) serialHeader() string { return c.publicKeyID }

// mchID returns the merchant ID.
func (c *credentials) mchID() string { return c.mch }

// platformSerials returns the serials of the static platform certificates,
// sorted.
func (c *credentials) platformSerials() []string {
	s := make([]string, 0, len(c.platform))
	for k := range c.platform {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// parsePrivateKey reads an RSA private key from the first PEM block of b.
func parsePrivateKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("not a PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		if _, encrypted := block.Headers["DEK-Info"]; encrypted {
			return nil, fmt.Errorf("the key is encrypted; decrypt it with `openssl pkcs8 -topk8 -nocrypt`")
		}
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("the key is encrypted; decrypt it with `openssl pkcs8 -topk8 -nocrypt`")
	default:
		return nil, fmt.Errorf("PEM block is %q, want \"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)", block.Type)
	}
	if err != nil {
		// The x509 errors describe the structure, not the key bytes.
		return nil, fmt.Errorf("cannot parse the key: %v", err)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA key (%T)", key)
	}
	if n := rk.N.BitLen(); n < minRSABits {
		return nil, fmt.Errorf("RSA key of %d bits, want at least %d", n, minRSABits)
	}
	return rk, nil
}

// parsePublicKey reads an RSA public key (PKIX or PKCS#1) from the first PEM
// block of b.
func parsePublicKey(b []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("not a PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block is %q, want \"PUBLIC KEY\"", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot parse the public key: %v", err)
	}
	return rsaPublicKey(key)
}

// rsaPublicKey checks that key is an RSA public key of a usable size.
func rsaPublicKey(key any) (*rsa.PublicKey, error) {
	pk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not an RSA public key (%T)", key)
	}
	if n := pk.N.BitLen(); n < minRSABits {
		return nil, fmt.Errorf("RSA key of %d bits, want at least %d", n, minRSABits)
	}
	return pk, nil
}

// parseCertificates reads every CERTIFICATE block of b; other blocks are an
// error, and so is finding none.
func parseCertificates(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block is %q, want \"CERTIFICATE\"", block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("cannot parse the certificate: %v", err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("not a PEM certificate")
	}
	return certs, nil
}

// certificateSerial formats the serial of cert as WeChat Pay prints it:
// upper-case hex of the serial's bytes, so a leading zero nibble is kept
// ("0A1B...", not "A1B...").
func certificateSerial(cert *x509.Certificate) string {
	return strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes()))
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// checkHeaderToken refuses values that cannot sit inside a quoted item of
// the Authorization header or a header value: empty, control characters,
// quotes, commas, backslashes, spaces and non-ASCII.
func checkHeaderToken(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == '\\' {
			if keyLike(s) {
				return fmt.Errorf("%s contains a character not allowed in a header", shown(s))
			}
			return fmt.Errorf("%q contains a character not allowed in a header (%q)", s, c)
		}
	}
	return nil
}
