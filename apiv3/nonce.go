package apiv3

import (
	"crypto/rand"
)

// defaultNonce returns 32 upper-case hexadecimal characters (128 bits) from
// crypto/rand, the form WeChat Pay's own examples use
// (593BEC0C930BF1AFEB40B4A08C8FB242). It is the nonce source unless
// WithNonceSource replaces it. It allocates once, for the string (it is on
// the path of every request).
func defaultNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	const digits = "0123456789ABCDEF"
	var s [2 * len(b)]byte
	for i, x := range b {
		s[2*i], s[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(s[:]), nil
}
