package gateway

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"time"
)

// Beijing is the zone (+08:00) WeChat Pay writes its date-times in.
var Beijing = time.FixedZone("CST", 8*3600)

// Seal encrypts plaintext as WeChat Pay does for notifications and
// certificates, AEAD_AES_256_GCM under the 32-byte APIv3 key with nonce
// and associated data aad, and returns Base64(ciphertext || tag).
func Seal(apiv3Key, nonce, aad string, plaintext []byte) (string, error) {
	if len(apiv3Key) != 32 {
		return "", fmt.Errorf("gateway: APIv3 key has %d bytes, want 32", len(apiv3Key))
	}
	block, err := aes.NewCipher([]byte(apiv3Key))
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nil, []byte(nonce), plaintext, []byte(aad))), nil
}
