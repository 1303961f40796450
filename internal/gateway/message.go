package gateway

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
)

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

// Sign returns the standard Base64 RSA PKCS#1 v1.5 SHA-256 signature of
// message made with key. It panics if key cannot sign (a key too small for
// SHA-256), which key loading should have refused.
func Sign(key *rsa.PrivateKey, message []byte) string {
	sum := sha256.Sum256(message)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("gateway: signing: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(sig)
}
