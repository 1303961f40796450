package apiv3

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// defaultNonce returns 32 upper-case hexadecimal characters (128 bits) from
// crypto/rand, the form WeChat Pay's own examples use
// (593BEC0C930BF1AFEB40B4A08C8FB242). It is the nonce source unless
// WithNonceSource replaces it.
func defaultNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return strings.ToUpper(hex.EncodeToString(b[:])), nil
}
