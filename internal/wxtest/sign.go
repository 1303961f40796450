package wxtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// AuthScheme is the only Authorization scheme (and Wechatpay-Signature-Type)
// the server knows.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// MaxSkew is how far a request timestamp may be from the server clock.
const MaxSkew = 5 * time.Minute

// SignTestPrefix starts the signature of WeChat Pay's probe responses, which
// a correct verifier must refuse.
const SignTestPrefix = "WECHATPAY/SIGNTEST/"

var (
	defaultKeys = sync.OnceValue(func() keys {
		return keys{
			merchantPub: mustPublicKey(testkeys.MerchantPublicKeyPEM),
			platform:    mustPrivateKey(testkeys.PlatformKeyPEM),
		}
	})
)

type keys struct {
	merchantPub *rsa.PublicKey
	platform    *rsa.PrivateKey
}

// MerchantPublicKey returns the public key of testkeys.MerchantKeyPEM, which
// the server uses by default to verify requests.
func MerchantPublicKey() *rsa.PublicKey { return defaultKeys().merchantPub }

// PlatformKey returns the private key of testkeys.PlatformKeyPEM, which the
// server uses by default to sign responses (in every mode: the test
// certificate and the test public key share it).
func PlatformKey() *rsa.PrivateKey { return defaultKeys().platform }

func mustPublicKey(pemBytes []byte) *rsa.PublicKey {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		panic("wxtest: no PEM block in public key")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		cert, err = x509.ParseCertificate(block.Bytes)
		if err == nil {
			key = cert.PublicKey
		}
	default:
		err = fmt.Errorf("unexpected PEM block %q", block.Type)
	}
	if err != nil {
		panic("wxtest: " + err.Error())
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		panic(fmt.Sprintf("wxtest: public key is %T, want RSA", key))
	}
	return pub
}

func mustPrivateKey(pemBytes []byte) *rsa.PrivateKey {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		panic("wxtest: no PEM block in private key")
	}
	if block.Type == "RSA PRIVATE KEY" {
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			panic("wxtest: " + err.Error())
		}
		return key
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic("wxtest: " + err.Error())
	}
	priv, ok := key.(*rsa.PrivateKey)
	if !ok {
		panic(fmt.Sprintf("wxtest: private key is %T, want RSA", key))
	}
	return priv
}

// Sign returns the standard Base64 RSA PKCS#1 v1.5 SHA-256 signature of
// message made with the test platform key.
func Sign(message []byte) string {
	return signWith(PlatformKey(), message)
}

func signWith(key *rsa.PrivateKey, message []byte) string {
	sum := sha256.Sum256(message)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("wxtest: signing: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// ResponseMessage returns the message WeChat Pay signs for a response or a
// notification: "TIMESTAMP\nNONCE\nBODY\n".
func ResponseMessage(timestamp, nonce string, body []byte) []byte {
	msg := make([]byte, 0, len(timestamp)+len(nonce)+len(body)+3)
	msg = append(msg, timestamp...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	return append(msg, '\n')
}

// RequestMessage returns the message a merchant signs for a request:
// "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n".
func RequestMessage(method, requestTarget, timestamp, nonce string, body []byte) []byte {
	msg := make([]byte, 0, len(method)+len(requestTarget)+len(timestamp)+len(nonce)+len(body)+5)
	for _, s := range []string{method, requestTarget, timestamp, nonce} {
		msg = append(msg, s...)
		msg = append(msg, '\n')
	}
	msg = append(msg, body...)
	return append(msg, '\n')
}

// SignResponse signs body into h with the test platform key, the way WeChat
// Pay signs a response or a notification. It keeps Wechatpay-Timestamp,
// Wechatpay-Nonce and Wechatpay-Serial when h has them and otherwise sets
// them to now, a fresh nonce and testkeys.PublicKeyID; it always sets
// Wechatpay-Signature-Type and Wechatpay-Signature.
func SignResponse(h http.Header, body []byte) {
	signHeader(h, body, PlatformKey(), time.Now(), testkeys.PublicKeyID)
}

func signHeader(h http.Header, body []byte, key *rsa.PrivateKey, now time.Time, serial string) {
	if h.Get("Wechatpay-Timestamp") == "" {
		h.Set("Wechatpay-Timestamp", strconv.FormatInt(now.Unix(), 10))
	}
	if h.Get("Wechatpay-Nonce") == "" {
		h.Set("Wechatpay-Nonce", Nonce())
	}
	if h.Get("Wechatpay-Serial") == "" {
		h.Set("Wechatpay-Serial", serial)
	}
	h.Set("Wechatpay-Signature-Type", AuthScheme)
	msg := ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), body)
	h.Set("Wechatpay-Signature", signWith(key, msg))
}

const alphanum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Nonce returns 32 random alphanumeric characters.
func Nonce() string { return randomString(32) }

func randomString(n int) string {
	b := make([]byte, n)
	// 62 letters: rejection sampling keeps the distribution uniform.
	var buf [64]byte
	for i := 0; i < n; {
		rand.Read(buf[:])
		for _, c := range buf {
			if c >= 248 { // 248 = 4*62
				continue
			}
			b[i] = alphanum[int(c)%len(alphanum)]
			i++
			if i == n {
				break
			}
		}
	}
	return string(b)
}

// Authorization is a parsed Authorization header.
type Authorization struct {
	MchID     string
	NonceStr  string
	Timestamp string // as sent: decimal Unix seconds
	SerialNo  string
	Signature string // Base64, as sent
}

// AuthError explains why an Authorization header was refused. Field and
// Issue go into the SIGN_ERROR detail; Message is its message.
type AuthError struct {
	Field   string // "authorization", "mchid", "serial_no", "timestamp", "nonce_str" or "signature"
	Issue   string
	Message string
	// SignMessage is the message the server verified (signature failures only).
	SignMessage []byte
}

func (e *AuthError) Error() string {
	return "wxtest: " + e.Field + ": " + e.Issue
}

func formatError(issue string) *AuthError {
	return &AuthError{
		Field:   "authorization",
		Issue:   issue,
		Message: "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》",
	}
}

// ParseAuthorization parses the value of an Authorization header:
// `WECHATPAY2-SHA256-RSA2048 ` followed by the five key="value" items mchid,
// nonce_str, timestamp, serial_no and signature, in any order, separated by
// commas (spaces after a comma are tolerated). Unknown or repeated keys,
// unquoted or empty values are refused with an *AuthError.
func ParseAuthorization(value string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(value, AuthScheme+" ")
	if !ok {
		return a, formatError("scheme is not " + AuthScheme)
	}
	seen := map[string]bool{}
	for rest != "" {
		rest = strings.TrimLeft(rest, " ")
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return a, formatError("item without '='")
		}
		if !strings.HasPrefix(after, `"`) {
			return a, formatError(fmt.Sprintf("value of %s is not quoted", key))
		}
		val, after, ok := strings.Cut(after[1:], `"`)
		if !ok {
			return a, formatError(fmt.Sprintf("value of %s has no closing quote", key))
		}
		if val == "" {
			return a, formatError(fmt.Sprintf("value of %s is empty", key))
		}
		if seen[key] {
			return a, formatError(fmt.Sprintf("%s appears twice", key))
		}
		seen[key] = true
		switch key {
		case "mchid":
			a.MchID = val
		case "nonce_str":
			a.NonceStr = val
		case "timestamp":
			a.Timestamp = val
		case "serial_no":
			a.SerialNo = val
		case "signature":
			a.Signature = val
		default:
			return a, formatError(fmt.Sprintf("unknown item %q", key))
		}
		rest = after
		if rest != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(rest, ","); !ok {
				return a, formatError("items are not separated by ','")
			}
			if rest == "" {
				return a, formatError("trailing ','")
			}
		}
	}
	for _, k := range []string{"mchid", "nonce_str", "timestamp", "serial_no", "signature"} {
		if !seen[k] {
			return a, formatError("missing " + k)
		}
	}
	return a, nil
}

// VerifyAuthorization checks the Authorization header of r over body: its
// format, that its timestamp is within MaxSkew of now, and that its signature
// verifies with pub over "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n",
// REQUEST_TARGET being r.RequestURI exactly as received (for a request built
// on the client side, which has no RequestURI, r.URL.RequestURI()). It does
// not check mchid or serial_no; the server does. Errors are *AuthError.
func VerifyAuthorization(r *http.Request, body []byte, pub *rsa.PublicKey, now time.Time) error {
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	return verifyParsed(r, a, body, pub, now)
}

func requestTarget(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

func verifyParsed(r *http.Request, a Authorization, body []byte, pub *rsa.PublicKey, now time.Time) error {
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || ts < 0 {
		return &AuthError{Field: "timestamp", Issue: "timestamp is not Unix seconds",
			Message: "Http头Authorization中的timestamp格式错误"}
	}
	if d := now.Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
		return &AuthError{Field: "timestamp", Issue: fmt.Sprintf("timestamp is %v away from server time", d.Round(time.Second)),
			Message: "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"}
	}
	msg := RequestMessage(r.Method, requestTarget(r), a.Timestamp, a.NonceStr, body)
	sigErr := &AuthError{Field: "signature", Issue: "sign not match", Message: "错误的签名，验签失败", SignMessage: msg}
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil {
		sigErr.Issue = "signature is not standard Base64"
		return sigErr
	}
	sum := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return sigErr
	}
	return nil
}

// SignRequest sets the Authorization header of r, signing body (which must
// be what r sends) with testkeys.MerchantKeyPEM for testkeys.MchID and
// testkeys.MerchantSerial at time now. The request-target is r.URL.RequestURI().
// It is a convenience for tests that talk to a Server without the runtime; it
// shares no code with the runtime's signer.
func SignRequest(r *http.Request, body []byte, now time.Time) {
	key := merchantKey()
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := Nonce()
	sig := signWith(key, RequestMessage(r.Method, r.URL.RequestURI(), ts, nonce, body))
	r.Header.Set("Authorization", fmt.Sprintf(`%s mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		AuthScheme, testkeys.MchID, nonce, ts, testkeys.MerchantSerial, sig))
}

var merchantKey = sync.OnceValue(func() *rsa.PrivateKey { return mustPrivateKey(testkeys.MerchantKeyPEM) })
