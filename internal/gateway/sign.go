package gateway

import (
	"net/http"
	"strconv"
	"time"

	"crypto/rsa"
)

// SignTestPrefix starts the signature of WeChat Pay's probe responses, which
// a correct verifier must refuse.
const SignTestPrefix = "WECHATPAY/SIGNTEST/"

// Mode selects the key WeChat Pay claims to sign with, that is the
// Wechatpay-Serial it sends. (The public key and the platform certificate
// are two names for one key pair, so the signature bytes are the same.)
type Mode int

const (
	// PublicKey sends the public-key ID (PUB_KEY_ID_...). It is the zero
	// value: WeChat Pay's recommended mode.
	PublicKey Mode = iota
	// Certificate sends the platform certificate serial.
	Certificate
	// Both follows the request: the public-key ID when the request's
	// Wechatpay-Serial header is that ID, else the certificate serial (a
	// merchant migrating from certificates to the public key).
	Both
)

func (m Mode) String() string {
	switch m {
	case PublicKey:
		return "PublicKey"
	case Certificate:
		return "Certificate"
	case Both:
		return "Both"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// Signer signs answers and notifications with the platform key.
type Signer struct {
	Key               *rsa.PrivateKey
	PublicKeyID       string // Wechatpay-Serial in PublicKey mode
	CertificateSerial string // Wechatpay-Serial in Certificate mode
}

// Serial is the Wechatpay-Serial of an answer to r in mode m (r may be nil:
// Both then answers with the certificate serial).
func (s *Signer) Serial(m Mode, r *http.Request) string {
	switch m {
	case Certificate:
		return s.CertificateSerial
	case Both:
		if r != nil && r.Header.Get("Wechatpay-Serial") == s.PublicKeyID {
			return s.PublicKeyID
		}
		return s.CertificateSerial
	}
	return s.PublicKeyID
}

// SignResponse signs body into h as WeChat Pay signs an answer or a
// notification made at now: Request-ID (kept when h has one), then a fresh
// Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Serial = serial,
// Wechatpay-Signature-Type and Wechatpay-Signature over
// "TIMESTAMP\nNONCE\nBODY\n".
func (s *Signer) SignResponse(h http.Header, body []byte, now time.Time, serial string) {
	if h.Get("Request-ID") == "" {
		h.Set("Request-ID", NewRequestID())
	}
	h.Set("Wechatpay-Timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("Wechatpay-Nonce", Nonce())
	h.Set("Wechatpay-Serial", serial)
	s.Resign(h, body)
}

// Resign sets Wechatpay-Signature-Type and recomputes Wechatpay-Signature
// over the Wechatpay-Timestamp and Wechatpay-Nonce h already has, and body.
func (s *Signer) Resign(h http.Header, body []byte) {
	h.Set("Wechatpay-Signature-Type", AuthScheme)
	msg := ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), body)
	h.Set("Wechatpay-Signature", Sign(s.Key, msg))
}
