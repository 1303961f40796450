package apiv3

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
)

// AlgorithmAEADAES256GCM is the only resource and certificate encryption
// algorithm WeChat Pay APIv3 uses.
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

// ErrDecrypt reports a resource or certificate that does not decrypt: wrong
// algorithm, malformed nonce or ciphertext, or an authentication failure (a
// wrong APIv3 key, or tampering). errors.Is works on the returned errors.
var ErrDecrypt = errors.New("apiv3: cannot decrypt")

// decryptAEAD opens an AEAD_AES_256_GCM resource: key is the raw 32-byte
// APIv3 key, nonce the raw 12-byte nonce, ciphertext the Base64 of
// ciphertext||16-byte tag, associatedData the raw AAD (may be empty).
func decryptAEAD(key []byte, algorithm, nonce, associatedData, ciphertext string) ([]byte, error) {
	if algorithm != AlgorithmAEADAES256GCM {
		return nil, fmt.Errorf("%w: algorithm %q, want %s", ErrDecrypt, printable(algorithm), AlgorithmAEADAES256GCM)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: the APIv3 key is %d bytes, want 32", ErrDecrypt, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, fmt.Errorf("%w: nonce of %d bytes, want %d", ErrDecrypt, len(nonce), gcm.NonceSize())
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not Base64", ErrDecrypt)
	}
	if len(ct) < gcm.Overhead() {
		return nil, fmt.Errorf("%w: ciphertext of %d bytes is shorter than the tag", ErrDecrypt, len(ct))
	}
	pt, err := gcm.Open(ct[:0], []byte(nonce), ct, []byte(associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (wrong APIv3 key or tampered resource)", ErrDecrypt)
	}
	return pt, nil
}

// DecryptResource decrypts an AEAD_AES_256_GCM resource with the client's
// APIv3 key: the resource of a notification (ParseNotification does it
// already), or any other encrypted object of the same shape.
func (c *Client) DecryptResource(r EncryptedResource) ([]byte, error) {
	return decryptAEAD(c.creds.apiv3Key, r.Algorithm, r.Nonce, r.AssociatedData, r.Ciphertext)
}

// EncryptSensitive encrypts a sensitive field (a name, an ID number, a phone
// number, ...) for WeChat Pay: RSAES-OAEP with SHA-1 (as WeChat Pay
// requires), Base64. The key is the WeChat Pay public key in public-key mode
// (also while migrating), else the newest platform certificate (configured or
// from the certificate store). serial is the public-key ID or the
// certificate serial used; the request must send it as Wechatpay-Serial.
func (c *Client) EncryptSensitive(plaintext string) (ciphertext, serial string, err error) {
	return c.creds.encryptSensitive(plaintext)
}

// DecryptSensitive decrypts a sensitive field WeChat Pay encrypted for the
// merchant (RSAES-OAEP, SHA-1, Base64) with the merchant private key.
func (c *Client) DecryptSensitive(ciphertext string) (string, error) {
	return c.creds.decryptSensitive(ciphertext)
}

func (c *credentials) encryptSensitive(plaintext string) (string, string, error) {
	key, serial := c.encryptionKey()
	if key == nil {
		return "", "", errors.New("apiv3: no WeChat Pay public key or platform certificate to encrypt with")
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(plaintext), nil)
	if err != nil {
		// Too long for the key (at most 214 bytes with a 2048-bit key).
		return "", "", fmt.Errorf("apiv3: encrypt sensitive field of %d bytes: %v", len(plaintext), err)
	}
	return base64.StdEncoding.EncodeToString(ct), serial, nil
}

// encryptionKey picks the key sensitive fields are encrypted with.
func (c *credentials) encryptionKey() (*rsa.PublicKey, string) {
	if c.publicKey != nil {
		return c.publicKey, c.publicKeyID
	}
	if cert := newestValid(c.platform, c.clock(), c.maxSkew); cert != nil {
		return cert.PublicKey.(*rsa.PublicKey), certificateSerial(cert)
	}
	if c.store != nil {
		if cert := c.store.newestCertificate(); cert != nil {
			return cert.PublicKey.(*rsa.PublicKey), certificateSerial(cert)
		}
	}
	return nil, ""
}

func (c *credentials) decryptSensitive(ciphertext string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: sensitive field is not Base64", ErrDecrypt)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, c.privateKey, ct, nil)
	if err != nil {
		return "", fmt.Errorf("%w: sensitive field does not decrypt with the merchant key", ErrDecrypt)
	}
	return string(pt), nil
}
