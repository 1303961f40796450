package gateway_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// Hand-made key material and signatures: nothing from the package under test.

var (
	merchantKey = sync.OnceValue(func() *rsa.PrivateKey {
		block, _ := pem.Decode(testkeys.MerchantKeyPEM)
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			panic(err)
		}
		return k.(*rsa.PrivateKey)
	})
	platformKey = sync.OnceValue(func() *rsa.PrivateKey {
		block, _ := pem.Decode(testkeys.PlatformKeyPEM)
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			panic(err)
		}
		return k.(*rsa.PrivateKey)
	})
)

func rsaSign(t testing.TB, key *rsa.PrivateKey, msg string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func rsaVerify(pub *rsa.PublicKey, msg, signature string) error {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(msg))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
}

func loadSpec(t testing.TB, data string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}
