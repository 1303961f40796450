package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// authScheme is the only Authorization scheme (and Wechatpay-Signature-Type).
const authScheme = "WECHATPAY2-SHA256-RSA2048"

// maxSkew is how far a request timestamp may be from the server clock.
const maxSkew = 5 * time.Minute

// authorization is a parsed Authorization header.
type authorization struct {
	mchID, nonce, timestamp, serial, signature string
}

// authError says why a request's Authorization was refused; it becomes a
// 401 SIGN_ERROR.
type authError struct {
	field   string // "authorization", "mchid", "serial_no", "timestamp", "signature"
	issue   string
	message string
	signed  []byte // the message verified (signature failures only)
}

func (e *authError) Error() string { return e.field + ": " + e.issue }

func formatError(issue string) *authError {
	return &authError{field: "authorization", issue: issue,
		message: "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》"}
}

// parseAuthorization parses `WECHATPAY2-SHA256-RSA2048 k="v",...` with the
// five items mchid, nonce_str, timestamp, serial_no and signature in any
// order, each exactly once.
func parseAuthorization(value string) (authorization, *authError) {
	var a authorization
	rest, ok := strings.CutPrefix(value, authScheme+" ")
	if !ok {
		return a, formatError("scheme is not " + authScheme)
	}
	seen := map[string]bool{}
	for rest != "" {
		rest = strings.TrimLeft(rest, " ")
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return a, formatError("item without '='")
		}
		if !strings.HasPrefix(after, `"`) {
			return a, formatError("value of " + key + " is not quoted")
		}
		val, after, ok := strings.Cut(after[1:], `"`)
		if !ok {
			return a, formatError("value of " + key + " has no closing quote")
		}
		if val == "" {
			return a, formatError("value of " + key + " is empty")
		}
		if seen[key] {
			return a, formatError(key + " appears twice")
		}
		seen[key] = true
		switch key {
		case "mchid":
			a.mchID = val
		case "nonce_str":
			a.nonce = val
		case "timestamp":
			a.timestamp = val
		case "serial_no":
			a.serial = val
		case "signature":
			a.signature = val
		default:
			return a, formatError(fmt.Sprintf("unknown item %q", key))
		}
		rest = after
		if rest != "" {
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

// requestMessage is what a merchant signs:
// "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n".
func requestMessage(method, target, timestamp, nonce string, body []byte) []byte {
	msg := make([]byte, 0, len(method)+len(target)+len(timestamp)+len(nonce)+len(body)+5)
	for _, s := range []string{method, target, timestamp, nonce} {
		msg = append(msg, s...)
		msg = append(msg, '\n')
	}
	msg = append(msg, body...)
	return append(msg, '\n')
}

// responseMessage is what WeChat Pay signs: "TIMESTAMP\nNONCE\nBODY\n".
func responseMessage(timestamp, nonce string, body []byte) []byte {
	msg := make([]byte, 0, len(timestamp)+len(nonce)+len(body)+3)
	msg = append(msg, timestamp...)
	msg = append(msg, '\n')
	msg = append(msg, nonce...)
	msg = append(msg, '\n')
	msg = append(msg, body...)
	return append(msg, '\n')
}

// authenticate checks r's Authorization over body: format, mchid, merchant
// serial, timestamp skew and signature. The request-target verified is
// r.RequestURI, exactly as received.
func (s *Server) authenticate(r *http.Request, body []byte) *authError {
	v := r.Header.Get("Authorization")
	if v == "" {
		return &authError{field: "authorization", issue: "Authorization header is missing",
			message: "Http头缺少Authorization"}
	}
	a, err := parseAuthorization(v)
	if err != nil {
		return err
	}
	if a.mchID != s.cfg.MchID {
		return &authError{field: "mchid", issue: fmt.Sprintf("mchid %q is not the merchant", a.mchID),
			message: "Http头Authorization中的mchid与请求的商户号不匹配"}
	}
	if !strings.EqualFold(a.serial, s.cfg.MerchantSerial) {
		return &authError{field: "serial_no", issue: fmt.Sprintf("serial_no %q is not the merchant certificate serial", a.serial),
			message: "商户证书序列号有误。请使用签名私钥匹配的证书序列号"}
	}
	ts, perr := strconv.ParseInt(a.timestamp, 10, 64)
	if perr != nil || ts < 0 {
		return &authError{field: "timestamp", issue: "timestamp is not Unix seconds",
			message: "Http头Authorization中的timestamp格式错误"}
	}
	if d := s.now().Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return &authError{field: "timestamp", issue: fmt.Sprintf("timestamp is %v away from server time", d.Round(time.Second)),
			message: "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"}
	}
	target := r.RequestURI
	if target == "" { // served in-process
		target = r.URL.RequestURI()
	}
	msg := requestMessage(r.Method, target, a.timestamp, a.nonce, body)
	sigErr := &authError{field: "signature", issue: "sign not match", message: "错误的签名，验签失败", signed: msg}
	sig, derr := base64.StdEncoding.DecodeString(a.signature)
	if derr != nil {
		sigErr.issue = "signature is not standard Base64"
		return sigErr
	}
	sum := sha256.Sum256(msg)
	if rsa.VerifyPKCS1v15(s.cfg.MerchantPublicKey, crypto.SHA256, sum[:], sig) != nil {
		return sigErr
	}
	return nil
}

// signError is the 401 answer with the diagnostic detail WeChat Pay gives.
func signError(r *http.Request, e *authError) *apiError {
	detail := map[string]any{
		"field":    e.field,
		"location": "authorization",
		"issue":    e.issue,
		"detail":   map[string]any{"issue": e.issue},
	}
	if e.signed != nil {
		msg := e.signed
		if len(msg) > 512 {
			msg = msg[:512]
		}
		detail["sign_information"] = map[string]any{
			"method":                 r.Method,
			"url":                    r.RequestURI,
			"sign_message_length":    len(e.signed),
			"truncated_sign_message": strings.ToValidUTF8(string(msg), ""),
		}
	}
	return &apiError{Status: http.StatusUnauthorized, Code: "SIGN_ERROR", Message: e.message, Detail: detail}
}

// sign returns the Base64 RSA PKCS#1 v1.5 SHA-256 signature of msg.
func sign(key *rsa.PrivateKey, msg []byte) string {
	sum := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("sandbox: signing: " + err.Error()) // only for a broken key, refused by New
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// signHeaders sets the Wechatpay-* headers of an answer or notification
// signed at now with serial.
func (s *Server) signHeaders(h http.Header, body []byte, now time.Time, serial string) {
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := randomString(32)
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", serial)
	h.Set("Wechatpay-Signature-Type", authScheme)
	h.Set("Wechatpay-Signature", sign(s.cfg.PlatformKey, responseMessage(ts, nonce, body)))
}

const alphanum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n random characters of [0-9A-Za-z].
func randomString(n int) string {
	return randomFrom(alphanum, n)
}

// randomFrom returns n characters drawn uniformly from alphabet (at most 256
// letters), by rejection sampling.
func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	limit := 256 - 256%len(alphabet)
	var buf [64]byte
	for i := 0; i < n; {
		rand.Read(buf[:])
		for _, c := range buf {
			if int(c) >= limit {
				continue
			}
			b[i] = alphabet[int(c)%len(alphabet)]
			i++
			if i == n {
				break
			}
		}
	}
	return string(b)
}
