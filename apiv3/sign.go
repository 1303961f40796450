package apiv3

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// AuthorizationScheme is the scheme of the Authorization header and the only
// Wechatpay-Signature-Type the runtime accepts.
const AuthorizationScheme = "WECHATPAY2-SHA256-RSA2048"

// authorize returns the Authorization header value for one request:
//
//	WECHATPAY2-SHA256-RSA2048 mchid="...",nonce_str="...",timestamp="...",serial_no="...",signature="..."
//
// The signature is RSASSA-PKCS1-v1_5 with SHA-256, by the merchant private
// key, Base64, over the five lines "method\nrequestTarget\ntimestamp\nnonce\nbody\n".
// requestTarget must be exactly what is sent (path and "?query", as
// URL.RequestURI gives it), body exactly the bytes sent (nil for none). Each
// call takes a fresh timestamp and nonce, so every send (a retry too) is
// signed afresh.
func (c *credentials) authorize(method, requestTarget string, body []byte) (string, error) {
	if method == "" || strings.ContainsAny(method, "\n\r") {
		return "", fmt.Errorf("apiv3: sign: bad method %q", method)
	}
	if !strings.HasPrefix(requestTarget, "/") || strings.ContainsAny(requestTarget, "\n\r") {
		return "", fmt.Errorf("apiv3: sign: request target %q must start with / and hold no line break", requestTarget)
	}
	nonce, err := c.nonce()
	if err != nil {
		return "", fmt.Errorf("apiv3: sign: nonce source: %w", err)
	}
	if err := checkHeaderToken(nonce); err != nil {
		return "", fmt.Errorf("apiv3: sign: nonce source returned a bad nonce: %v", err)
	}
	ts := strconv.FormatInt(c.clock().Unix(), 10)
	sig, err := c.signLines(method, requestTarget, ts, nonce, body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(AuthorizationScheme) + len(c.mch) + len(nonce) + len(ts) + len(c.serial) + len(sig) + 70)
	b.WriteString(AuthorizationScheme)
	b.WriteString(` mchid="`)
	b.WriteString(c.mch)
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",timestamp="`)
	b.WriteString(ts)
	b.WriteString(`",serial_no="`)
	b.WriteString(c.serial)
	b.WriteString(`",signature="`)
	b.WriteString(sig)
	b.WriteString(`"`)
	return b.String(), nil
}

// signLines signs the lines joined by and each ending with "\n", the last
// being body.
func (c *credentials) signLines(method, target, ts, nonce string, body []byte) (string, error) {
	h := sha256.New()
	for _, s := range [...]string{method, target, ts, nonce} {
		h.Write([]byte(s))
		h.Write(newline)
	}
	h.Write(body)
	h.Write(newline)
	var sum [sha256.Size]byte
	return c.signDigest(h.Sum(sum[:0]))
}

// signDigest signs a SHA-256 digest with the merchant key, Base64.
func (c *credentials) signDigest(digest []byte) (string, error) {
	sig, err := rsa.SignPKCS1v15(nil, c.privateKey, crypto.SHA256, digest)
	if err != nil {
		return "", fmt.Errorf("apiv3: sign: %v", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Sign signs message with the merchant private key (RSASSA-PKCS1-v1_5,
// SHA-256) and returns it in Base64: the paySign of JSAPI, APP and
// mini-program payment invocations ("appid\ntimestamp\nnonce\npackage\n"),
// which JSAPIPayParams and AppPayParams build with the parameters around
// them.
func (c *Client) Sign(message []byte) (string, error) {
	sum := sha256.Sum256(message)
	return c.creds.signDigest(sum[:])
}

var newline = []byte{'\n'}
