package gateway

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ParseCertificate parses the first PEM block of b, which must be a
// CERTIFICATE.
func ParseCertificate(b []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("gateway: no CERTIFICATE PEM block")
	}
	return x509.ParseCertificate(block.Bytes)
}

// ParsePrivateKey parses an RSA private key in PEM, PKCS#8 ("PRIVATE KEY")
// or PKCS#1 ("RSA PRIVATE KEY").
func ParsePrivateKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("gateway: no PEM block in the private key")
	}
	if block.Type == "RSA PRIVATE KEY" {
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("gateway: the private key is a %T, want RSA", k)
	}
	return rk, nil
}

// ParsePublicKey parses an RSA public key in PEM: "PUBLIC KEY" (PKIX),
// "RSA PUBLIC KEY" (PKCS#1) or the key of a "CERTIFICATE".
func ParsePublicKey(b []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("gateway: no PEM block in the public key")
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
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		err = fmt.Errorf("gateway: unexpected PEM block %q", block.Type)
	}
	if err != nil {
		return nil, err
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("gateway: the public key is a %T, want RSA", key)
	}
	return pub, nil
}
