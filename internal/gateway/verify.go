package gateway

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxSkew is how far a request timestamp may be from the server clock.
const MaxSkew = 5 * time.Minute

// AuthError explains why an Authorization header was refused. Field and
// Issue go into the SIGN_ERROR detail; Message is its message.
type AuthError struct {
	Field   string // "authorization", "mchid", "serial_no", "timestamp" or "signature"
	Issue   string
	Message string
	// SignMessage is the message the server verified (signature failures only).
	SignMessage []byte
}

func (e *AuthError) Error() string {
	return e.Field + ": " + e.Issue
}

// Verifier checks the Authorization of a merchant's requests.
type Verifier struct {
	MchID          string         // the merchant requests must name
	MerchantSerial string         // the serial_no requests must carry
	FoldSerial     bool           // compare serial_no without regard to case
	Key            *rsa.PublicKey // the merchant's public key
}

// Verify checks r's Authorization header over body (see [SignedBody]) in
// WeChat Pay's order: present, well-formed, mchid, serial_no, timestamp
// within MaxSkew of now, signature. Errors are *AuthError.
func (v *Verifier) Verify(r *http.Request, body []byte, now time.Time) error {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &AuthError{Field: "authorization", Issue: "Authorization header is missing",
			Message: "Http头缺少Authorization"}
	}
	a, err := ParseAuthorization(h)
	if err != nil {
		return err
	}
	if a.MchID != v.MchID {
		return &AuthError{Field: "mchid", Issue: fmt.Sprintf("mchid %q is not %q", a.MchID, v.MchID),
			Message: "Http头Authorization中的mchid与请求的商户号不匹配"}
	}
	if a.SerialNo != v.MerchantSerial && !(v.FoldSerial && strings.EqualFold(a.SerialNo, v.MerchantSerial)) {
		return &AuthError{Field: "serial_no", Issue: fmt.Sprintf("serial_no %q is not the merchant certificate serial", a.SerialNo),
			Message: "商户证书序列号有误。请使用签名私钥匹配的证书序列号"}
	}
	return VerifySignature(r, a, body, v.Key, now)
}

// VerifySignature checks that a's timestamp is within MaxSkew of now and
// that its signature verifies with pub over
// "METHOD\nREQUEST_TARGET\nTIMESTAMP\nNONCE\nBODY\n", REQUEST_TARGET being
// r.RequestURI exactly as received (for a request built on the client side,
// which has no RequestURI, r.URL.RequestURI()). Errors are *AuthError.
func VerifySignature(r *http.Request, a Authorization, body []byte, pub *rsa.PublicKey, now time.Time) error {
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil || ts < 0 {
		return &AuthError{Field: "timestamp", Issue: "timestamp is not Unix seconds",
			Message: "Http头Authorization中的timestamp格式错误"}
	}
	if d := now.Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
		return &AuthError{Field: "timestamp", Issue: fmt.Sprintf("timestamp is %v away from server time", d.Round(time.Second)),
			Message: "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"}
	}
	msg := RequestMessage(r.Method, RequestTarget(r), a.Timestamp, a.NonceStr, body)
	sigErr := &AuthError{Field: "signature", Issue: "sign not match", Message: "错误的签名，验签失败", SignMessage: msg}
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil {
		sigErr.Issue = "signature is not standard Base64"
		return sigErr
	}
	sum := sha256.Sum256(msg)
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return sigErr
	}
	return nil
}

// RequestTarget is the request-target a merchant signs: r.RequestURI as
// received, or r.URL.RequestURI() for a request that did not come over the
// network.
func RequestTarget(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// maxSignInformation bounds the sign message quoted in a SIGN_ERROR.
const maxSignInformation = 512

// SignError is the 401 SIGN_ERROR answer to err (an *AuthError; any other
// error is reported as a format error), with the diagnostic detail WeChat
// Pay gives: field, location, issue and, for a signature that did not
// verify, the method, url and (truncated) message verified.
func SignError(r *http.Request, err error) *Error {
	var e *AuthError
	if !errors.As(err, &e) {
		e = formatError(err.Error())
	}
	detail := map[string]any{
		"field":    e.Field,
		"location": "authorization",
		"issue":    e.Issue,
		"detail":   map[string]any{"issue": e.Issue},
	}
	if e.SignMessage != nil {
		msg := e.SignMessage
		if len(msg) > maxSignInformation {
			msg = msg[:maxSignInformation]
		}
		detail["sign_information"] = map[string]any{
			"method":                 r.Method,
			"url":                    RequestTarget(r),
			"sign_message_length":    len(e.SignMessage),
			"truncated_sign_message": strings.ToValidUTF8(string(msg), ""),
		}
	}
	return &Error{Status: http.StatusUnauthorized, Code: "SIGN_ERROR", Message: e.Message, Detail: detail}
}
