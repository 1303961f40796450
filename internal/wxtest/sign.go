package wxtest

import (
	"crypto/rsa"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// AuthScheme is the only Authorization scheme (and Wechatpay-Signature-Type)
// the server knows.
const AuthScheme = gateway.AuthScheme

// MaxSkew is how far a request timestamp may be from the server clock.
const MaxSkew = gateway.MaxSkew

// SignTestPrefix starts the signature of WeChat Pay's probe responses, which
// a correct verifier must refuse.
const SignTestPrefix = gateway.SignTestPrefix

// Authorization is a parsed Authorization header.
type Authorization = gateway.Authorization

// AuthError explains why an Authorization header was refused. Field and
// Issue go into the SIGN_ERROR detail; Message is its message.
type AuthError = gateway.AuthError

var (
	merchantPub = sync.OnceValue(func() *rsa.PublicKey { return must(gateway.ParsePublicKey(testkeys.MerchantPublicKeyPEM)) })
	platformKey = sync.OnceValue(func() *rsa.PrivateKey { return must(gateway.ParsePrivateKey(testkeys.PlatformKeyPEM)) })
	merchantKey = sync.OnceValue(func() *rsa.PrivateKey { return must(gateway.ParsePrivateKey(testkeys.MerchantKeyPEM)) })
)

func must[K any](k K, err error) K {
	if err != nil {
		panic("wxtest: " + err.Error())
	}
	return k
}

// MerchantPublicKey returns the public key of testkeys.MerchantKeyPEM, which
// the server uses by default to verify requests.
func MerchantPublicKey() *rsa.PublicKey { return merchantPub() }

// PlatformKey returns the private key of testkeys.PlatformKeyPEM, which the
// server uses by default to sign responses (in every mode: the test
// certificate and the test public key share it).
func PlatformKey() *rsa.PrivateKey { return platformKey() }

// Sign returns the standard Base64 RSA PKCS#1 v1.5 SHA-256 signature of
// message made with the test platform key.
func Sign(message []byte) string { return gateway.Sign(PlatformKey(), message) }

// ResponseMessage returns the message WeChat Pay signs for a response or a
// notification: "TIMESTAMP\nNONCE\nBODY\n".
func ResponseMessage(timestamp, nonce string, body []byte) []byte {
	return gateway.ResponseMessage(timestamp, nonce, body)
}

// RequestMessage returns the message a merchant signs for a request:
// "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n".
func RequestMessage(method, requestTarget, timestamp, nonce string, body []byte) []byte {
	return gateway.RequestMessage(method, requestTarget, timestamp, nonce, body)
}

// SignResponse signs body into h with the test platform key, the way WeChat
// Pay signs a response or a notification. It keeps Wechatpay-Timestamp,
// Wechatpay-Nonce and Wechatpay-Serial when h has them and otherwise sets
// them to now, a fresh nonce and testkeys.PublicKeyID; it always sets
// Wechatpay-Signature-Type and Wechatpay-Signature.
func SignResponse(h http.Header, body []byte) {
	if h.Get("Wechatpay-Timestamp") == "" {
		h.Set("Wechatpay-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	}
	if h.Get("Wechatpay-Nonce") == "" {
		h.Set("Wechatpay-Nonce", Nonce())
	}
	if h.Get("Wechatpay-Serial") == "" {
		h.Set("Wechatpay-Serial", testkeys.PublicKeyID)
	}
	(&gateway.Signer{Key: PlatformKey()}).Resign(h, body)
}

// Nonce returns 32 random alphanumeric characters.
func Nonce() string { return gateway.Nonce() }

// ParseAuthorization parses the value of an Authorization header:
// `WECHATPAY2-SHA256-RSA2048 ` followed by the five key="value" items mchid,
// nonce_str, timestamp, serial_no and signature, in any order, separated by
// commas (spaces after a comma are tolerated). Unknown or repeated keys,
// unquoted or empty values are refused with an *AuthError.
func ParseAuthorization(value string) (Authorization, error) {
	return gateway.ParseAuthorization(value)
}

// VerifyAuthorization checks the Authorization header of r over body: its
// format, that its timestamp is within MaxSkew of now, and that its signature
// verifies with pub over "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n",
// REQUEST_TARGET being r.RequestURI exactly as received (for a request built
// on the client side, which has no RequestURI, r.URL.RequestURI()). It does
// not check mchid or serial_no; the server does. Errors are *AuthError.
func VerifyAuthorization(r *http.Request, body []byte, pub *rsa.PublicKey, now time.Time) error {
	a, err := gateway.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	return gateway.VerifySignature(r, a, body, pub, now)
}

// SignRequest sets the Authorization header of r, signing body (which must
// be what r sends) with testkeys.MerchantKeyPEM for testkeys.MchID and
// testkeys.MerchantSerial at time now. The request-target is r.URL.RequestURI().
// It is a convenience for tests that talk to a Server without the runtime; it
// shares no code with the runtime's signer.
func SignRequest(r *http.Request, body []byte, now time.Time) {
	a := Authorization{MchID: testkeys.MchID, NonceStr: Nonce(), Timestamp: strconv.FormatInt(now.Unix(), 10), SerialNo: testkeys.MerchantSerial}
	a.Signature = gateway.Sign(merchantKey(), RequestMessage(r.Method, r.URL.RequestURI(), a.Timestamp, a.NonceStr, body))
	r.Header.Set("Authorization", a.String())
}
