package apiv3

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// ErrCertificateNotValid: a platform certificate is outside its validity
// period (expired, or not valid yet), allowing for the clock skew of
// WithMaxSkew. Such a certificate verifies nothing.
var ErrCertificateNotValid = errors.New("platform certificate outside its validity period")

// RefusedCertificate is a platform certificate a download held but the store
// refused, with the reason (wrapping ErrCertificateNotValid).
type RefusedCertificate struct {
	Serial    string
	NotBefore time.Time
	NotAfter  time.Time
	Err       error
}

// checkValidity refuses cert when now is before its NotBefore or after its
// NotAfter by more than skew: the clocks of WeChat Pay and of this machine
// may differ by as much as a signature's timestamp may (WithMaxSkew).
func checkValidity(cert *x509.Certificate, now time.Time, skew time.Duration) error {
	const day = "2006-01-02 15:04:05 MST"
	serial := certificateSerial(cert)
	switch {
	case now.Before(cert.NotBefore.Add(-skew)):
		return fmt.Errorf("%w: certificate %s is valid only from %s (now %s)", ErrCertificateNotValid, serial, cert.NotBefore.UTC().Format(day), now.UTC().Format(day))
	case now.After(cert.NotAfter.Add(skew)):
		return fmt.Errorf("%w: certificate %s expired on %s (now %s); download the current ones (GET /v3/certificates, or a CertificateStore) or switch to public-key mode", ErrCertificateNotValid, serial, cert.NotAfter.UTC().Format(day), now.UTC().Format(day))
	}
	return nil
}

// isExpired reports whether cert can never be valid again at now.
func isExpired(cert *x509.Certificate, now time.Time, skew time.Duration) bool {
	return now.After(cert.NotAfter.Add(skew))
}

// newestValid returns the certificate of certs valid at now that became
// valid last: the one to encrypt sensitive fields with. nil when none is.
func newestValid(certs map[string]*x509.Certificate, now time.Time, skew time.Duration) *x509.Certificate {
	var newest *x509.Certificate
	for _, cert := range certs {
		if checkValidity(cert, now, skew) != nil {
			continue
		}
		if newest == nil || cert.NotBefore.After(newest.NotBefore) ||
			cert.NotBefore.Equal(newest.NotBefore) && certificateSerial(cert) > certificateSerial(newest) {
			newest = cert
		}
	}
	return newest
}
