package apiv3

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DefaultMaxSkew is how far Wechatpay-Timestamp may be from the local clock
// by default. A timestamp is refused when |now - timestamp| >= the maximum
// skew (the boundary itself is refused, as the official Go SDK does).
const DefaultMaxSkew = 5 * time.Minute

// Headers WeChat Pay signs its responses and notifications with.
const (
	HeaderTimestamp     = "Wechatpay-Timestamp"
	HeaderNonce         = "Wechatpay-Nonce"
	HeaderSignature     = "Wechatpay-Signature"
	HeaderSerial        = "Wechatpay-Serial"
	HeaderSignatureType = "Wechatpay-Signature-Type"
	HeaderRequestID     = "Request-Id"
)

// signatureProbePrefix starts the signatures of WeChat Pay's deliberate probe
// traffic, which must fail verification.
const signatureProbePrefix = "WECHATPAY/SIGNTEST/"

// Reasons a response or notification is refused; a *VerificationError
// carries one of them (errors.Is works through it).
var (
	// ErrMissingSignatureHeaders: Wechatpay-Timestamp, -Nonce, -Signature or
	// -Serial is missing, repeated or malformed (a proxy may have stripped
	// them).
	ErrMissingSignatureHeaders = errors.New("missing or malformed Wechatpay signature headers")
	// ErrUnknownSerial: Wechatpay-Serial names no configured public key or
	// platform certificate (nor one the certificate store could fetch).
	ErrUnknownSerial = errors.New("unknown Wechatpay-Serial")
	// ErrBadSignature: the signature does not match the timestamp, nonce and
	// body, or its type is not WECHATPAY2-SHA256-RSA2048.
	ErrBadSignature = errors.New("bad Wechatpay-Signature")
	// ErrSignatureProbe: the signature starts with WECHATPAY/SIGNTEST/, WeChat
	// Pay's probe of whether the merchant really verifies.
	ErrSignatureProbe = errors.New("Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe")
	// ErrTimestampSkew: Wechatpay-Timestamp is the maximum skew (default 5
	// minutes) or more away from the local clock.
	ErrTimestampSkew = errors.New("Wechatpay-Timestamp too far from now")
)

// VerificationError is a refused response or notification signature. Reason
// is one of ErrMissingSignatureHeaders, ErrUnknownSerial, ErrBadSignature,
// ErrSignatureProbe, ErrTimestampSkew or ErrCertificateNotValid (the serial
// names a platform certificate outside its validity), possibly wrapped with
// details;
// errors.Is(err, ErrBadSignature) works through a *VerificationError.
type VerificationError struct {
	Reason    error
	RequestID string // Request-ID of the response, "" if none (notifications carry none)
	Serial    string // Wechatpay-Serial as received
}

func (e *VerificationError) Error() string {
	var b strings.Builder
	b.WriteString("apiv3: signature verification failed: ")
	if e.Reason != nil {
		b.WriteString(e.Reason.Error())
	}
	if e.Serial != "" {
		b.WriteString(" (Wechatpay-Serial ")
		b.WriteString(e.Serial)
		b.WriteString(")")
	}
	if e.RequestID != "" {
		b.WriteString(" (Request-ID ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns Reason.
func (e *VerificationError) Unwrap() error { return e.Reason }

// verify checks the Wechatpay-* headers of a response or notification over
// its raw body (empty for a 204), in this order: headers present and well
// formed, not a WECHATPAY/SIGNTEST/ probe, timestamp within the skew, serial
// known, signature valid over "timestamp\nnonce\nbody\n". The key is the one
// Wechatpay-Serial names: the WeChat Pay public key by its ID, or a platform
// certificate by its serial (asking the certificate store, if any, about an
// unknown serial). It returns nil or a *VerificationError.
func (c *credentials) verify(h http.Header, body []byte) error {
	return verifySigned(h, body, c.clock(), c.maxSkew, c.lookupKey)
}

// lookupKey returns the public key that serial names, or nil and a hint
// saying why it is unknown.
func (c *credentials) lookupKey(serial string) (*rsa.PublicKey, error) {
	if key, err := c.lookupStatic(serial); key != nil || err != nil {
		return key, err
	}
	if c.store != nil && isHex(serial) {
		cert, err := c.store.lookup(serial)
		if cert != nil {
			return cert.PublicKey.(*rsa.PublicKey), nil
		}
		if errors.Is(err, ErrCertificateNotValid) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("the certificate store could not download the certificates: %w", err)
		}
		return nil, errors.New("not among the downloaded platform certificates")
	}
	switch {
	case strings.HasPrefix(serial, publicKeyIDPrefix) && c.publicKeyID == "":
		return nil, errors.New("a WeChat Pay public-key ID, but no public key is configured (WechatPayPublicKeyID)")
	case strings.HasPrefix(serial, publicKeyIDPrefix):
		return nil, fmt.Errorf("the configured public-key ID is %s", c.publicKeyID)
	case len(c.platform) == 0:
		return nil, errors.New("a platform-certificate serial, but no platform certificate is configured; WeChat Pay signs with certificates until the merchant switches public-key mode on, so configure them (or a CertificateStore) during the migration")
	default:
		return nil, fmt.Errorf("configured platform certificates: %s", strings.Join(c.platformSerials(), ", "))
	}
}

// lookupStatic returns the configured key that serial names, or nil; a
// platform certificate outside its validity is an error wrapping
// ErrCertificateNotValid instead.
func (c *credentials) lookupStatic(serial string) (*rsa.PublicKey, error) {
	if c.publicKey != nil && serial == c.publicKeyID {
		return c.publicKey, nil
	}
	if cert, ok := c.platform[serial]; ok {
		if err := checkValidity(cert, c.clock(), c.maxSkew); err != nil {
			return nil, err
		}
		return cert.PublicKey.(*rsa.PublicKey), nil
	}
	return nil, nil
}

// verifySigned is verify with its inputs explicit; the certificate store uses
// it too.
func verifySigned(h http.Header, body []byte, now time.Time, maxSkew time.Duration, lookup func(serial string) (*rsa.PublicKey, error)) error {
	fail := func(serial string, reason error) error {
		serial = printable(serial)
		return &VerificationError{Reason: reason, RequestID: singleHeader(h, HeaderRequestID), Serial: serial}
	}
	ts, tsOK := headerValue(h, HeaderTimestamp)
	nonce, nonceOK := headerValue(h, HeaderNonce)
	sig, sigOK := headerValue(h, HeaderSignature)
	serial, serialOK := headerValue(h, HeaderSerial)
	var missing []string
	for _, m := range [...]struct {
		name string
		ok   bool
	}{{HeaderTimestamp, tsOK}, {HeaderNonce, nonceOK}, {HeaderSignature, sigOK}, {HeaderSerial, serialOK}} {
		if !m.ok {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return fail(serial, fmt.Errorf("%w: %s absent (stripped by a proxy?), empty, repeated or holding control characters", ErrMissingSignatureHeaders, strings.Join(missing, ", ")))
	}
	if t, ok := headerValue(h, HeaderSignatureType); ok && t != AuthorizationScheme || !ok && len(h.Values(HeaderSignatureType)) > 0 {
		return fail(serial, fmt.Errorf("%w: %s %q is not %s", ErrBadSignature, HeaderSignatureType, printable(t), AuthorizationScheme))
	}
	if strings.HasPrefix(sig, signatureProbePrefix) {
		return fail(serial, ErrSignatureProbe)
	}
	sec, ok := parseUnixSeconds(ts)
	if !ok {
		return fail(serial, fmt.Errorf("%w: %s %q is not a Unix time in seconds", ErrMissingSignatureHeaders, HeaderTimestamp, printable(ts)))
	}
	if skew := now.Sub(time.Unix(sec, 0)); skew >= maxSkew || skew <= -maxSkew {
		return fail(serial, fmt.Errorf("%w: %s %s is %v away from the local clock (limit %v)", ErrTimestampSkew, HeaderTimestamp, ts, skew.Round(time.Second), maxSkew))
	}
	key, why := lookup(serial)
	if key == nil {
		if errors.Is(why, ErrCertificateNotValid) {
			return fail(serial, why) // a known serial, refused for its dates
		}
		if why != nil {
			return fail(serial, fmt.Errorf("%w: %v", ErrUnknownSerial, why))
		}
		return fail(serial, ErrUnknownSerial)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(sig)
	if err != nil || len(raw) != key.Size() {
		return fail(serial, fmt.Errorf("%w: not a Base64 RSA signature of %d bytes", ErrBadSignature, key.Size()))
	}
	d := sha256.New()
	d.Write([]byte(ts))
	d.Write(newline)
	d.Write([]byte(nonce))
	d.Write(newline)
	d.Write(body)
	d.Write(newline)
	var sum [sha256.Size]byte
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, d.Sum(sum[:0]), raw); err != nil {
		return fail(serial, ErrBadSignature)
	}
	return nil
}

// headerValue returns the single value of the header k; ok is false when it
// is absent, empty, repeated, or holds a control or non-ASCII character.
// Keys that are not in canonical form (a map built by a framework or from a
// serverless event, "wechatpay-signature") are found too.
func headerValue(h http.Header, k string) (string, bool) {
	vs := h[k] // k is canonical at every call site: skip canonicalising it again
	if vs == nil {
		vs = h.Values(k)
	}
	if len(vs) == 0 {
		for hk, hv := range h {
			if strings.EqualFold(hk, k) {
				vs = append(vs, hv...)
			}
		}
	}
	if len(vs) != 1 || vs[0] == "" {
		return "", false
	}
	v := vs[0]
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] >= 0x7f {
			return v, false
		}
	}
	return v, true
}

// singleHeader returns the first value of k if printable, else "".
func singleHeader(h http.Header, k string) string {
	v, _ := headerValue(h, k)
	return printable(v)
}

// printable returns s if it is short printable ASCII, else a quoted, shortened
// form, so that hostile header values cannot forge log lines.
func printable(s string) string {
	const max = 128
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			q := fmt.Sprintf("%q", s)
			if len(q) > max {
				q = q[:max] + "..."
			}
			return q
		}
	}
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// parseUnixSeconds parses 1 to 12 decimal digits (no sign, no spaces).
func parseUnixSeconds(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
