package apiv3

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// Serials of the certificates these tests issue with the platform key.
const (
	secExpiredSerial = "0E0000000000000000000000000000000000000E"
	secFutureSerial  = "0F0000000000000000000000000000000000000F"
)

// secIssue makes a self-signed certificate of the platform key (so that
// secSignPlatform's signatures verify with it) valid from notBefore to
// notAfter.
func secIssue(t testing.TB, serial string, notBefore, notAfter time.Time) []byte {
	t.Helper()
	n, ok := new(big.Int).SetString(serial, 16)
	if !ok {
		t.Fatalf("serial %q", serial)
	}
	tmpl := &x509.Certificate{
		SerialNumber: n,
		Subject:      pkix.Name{CommonName: "wxpaygen test platform " + serial},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &secPlatformKey.PublicKey, secPlatformKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// secExpired expired a year before the fixtures' clock; secFuture becomes
// valid a year after it.
func secExpired(t testing.TB) []byte {
	return secIssue(t, secExpiredSerial, secNow.AddDate(-3, 0, 0), secNow.AddDate(-1, 0, 0))
}

func secFuture(t testing.TB) []byte {
	return secIssue(t, secFutureSerial, secNow.AddDate(1, 0, 0), secNow.AddDate(3, 0, 0))
}

// secCertDownload is a GET /v3/certificates answer holding certs, encrypted
// with the APIv3 key and signed with the platform key under signer's serial.
func secCertDownload(t testing.TB, signer string, certs ...[]byte) func() (*Response, error) {
	return secCertDownloadAt(t, func() time.Time { return secNow }, signer, certs...)
}

// secCertDownloadAt is secCertDownload signed at the time at returns.
func secCertDownloadAt(t testing.TB, at func() time.Time, signer string, certs ...[]byte) func() (*Response, error) {
	t.Helper()
	block, _ := aes.NewCipher([]byte(testkeys.APIv3Key))
	aead, _ := cipher.NewGCM(block)
	type item struct {
		SerialNo           string            `json:"serial_no"`
		EncryptCertificate EncryptedResource `json:"encrypt_certificate"`
	}
	var body struct {
		Data []item `json:"data"`
	}
	for _, c := range certs {
		parsed, err := parseCertificates(c)
		if err != nil {
			t.Fatal(err)
		}
		const nonce, aad = "certnonce123", "certificate"
		ct := aead.Seal(nil, []byte(nonce), c, []byte(aad))
		body.Data = append(body.Data, item{certificateSerial(parsed[0]), EncryptedResource{
			Algorithm: "AEAD_AES_256_GCM", Ciphertext: base64.StdEncoding.EncodeToString(ct), Nonce: nonce, AssociatedData: aad,
		}})
	}
	b, _ := json.Marshal(body)
	return func() (*Response, error) {
		return &Response{StatusCode: 200, Header: secSignedAt(at(), b, signer), Body: b}, nil
	}
}

// An expired static certificate can never verify anything again: NewClient
// refuses it, naming the field, the serial and the date.
func TestStaticPlatformCertificateExpired(t *testing.T) {
	cfg := secCertOnlyConfig()
	cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM, secExpired(t)}
	_, err := newCredentials(cfg, secSettings())
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "PlatformCertificatesPEM[1]" || !errors.Is(err, ErrCertificateNotValid) ||
		!strings.Contains(err.Error(), secExpiredSerial) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("error %v, want a ConfigError on PlatformCertificatesPEM[1] wrapping ErrCertificateNotValid", err)
	}
}

// A static certificate that is not valid yet may be configured ahead of a
// rotation, but verifies nothing before its time (less the allowed skew).
func TestStaticPlatformCertificateNotYetValid(t *testing.T) {
	future := secFuture(t)
	cfg := secCertOnlyConfig()
	cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM, future}
	s := secSettings()
	now := secNow
	s.clock = func() time.Time { return now }
	c, err := newCredentials(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"ok":true}`)
	err = c.verify(secSigned(body, secFutureSerial), body)
	if !errors.Is(err, ErrCertificateNotValid) || !strings.Contains(err.Error(), "valid only from") {
		t.Fatalf("verify with a certificate valid from next year: %v, want ErrCertificateNotValid", err)
	}
	if _, serial, err := c.encryptSensitive("x"); err != nil || serial != testkeys.PlatformSerial {
		t.Errorf("sensitive data encrypted with %s (%v), want the certificate valid now, %s", serial, err, testkeys.PlatformSerial)
	}
	now = secNow.AddDate(1, 0, 0).Add(-time.Minute) // within the skew of its start
	c.maxSkew = 2 * time.Minute
	if err := c.verify(secSignedAt(now, body, secFutureSerial), body); err != nil {
		t.Errorf("verify a minute before its start, skew 2 minutes: %v", err)
	}
	// And one that expires while the client runs stops verifying then.
	now = secNow.AddDate(3, 0, 0).Add(3 * time.Minute)
	if err := c.verify(secSignedAt(now, body, secFutureSerial), body); !errors.Is(err, ErrCertificateNotValid) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("verify 3 minutes after it expired, skew 2 minutes: %v, want ErrCertificateNotValid", err)
	}
}

// A download is filtered: certificates outside their validity are neither
// stored nor used, and the rotation hook lists them as refused.
func TestCertificateStoreRefusesCertificatesOutsideTheirValidity(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	fx.resp = secCertDownload(t, testkeys.PlatformSerial, testkeys.PlatformCertPEM, secExpired(t), secFuture(t))
	if err := fx.store.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := fx.store.Serials(); len(got) != 1 || got[0] != testkeys.PlatformSerial {
		t.Errorf("store holds %v, want only %s", got, testkeys.PlatformSerial)
	}
	rots := fx.rotations()
	if len(rots) != 1 || len(rots[0].Refused) != 2 {
		t.Fatalf("rotations %+v, want one listing two refused certificates", rots)
	}
	for _, r := range rots[0].Refused {
		if !errors.Is(r.Err, ErrCertificateNotValid) || r.NotAfter.IsZero() {
			t.Errorf("refused %+v, want its dates and an error wrapping ErrCertificateNotValid", r)
		}
	}
	if rots[0].Refused[0].Serial != secExpiredSerial || rots[0].Refused[1].Serial != secFutureSerial {
		t.Errorf("refused %+v, want %s then %s", rots[0].Refused, secExpiredSerial, secFutureSerial)
	}
	body := []byte(`{"ok":true}`)
	for _, serial := range []string{secExpiredSerial, secFutureSerial} {
		if err := fx.creds.verify(secSigned(body, serial), body); !errors.Is(err, ErrCertificateNotValid) {
			t.Errorf("verify with refused %s: %v, want ErrCertificateNotValid", serial, err)
		}
	}
	if err := fx.creds.verify(secSigned(body, testkeys.PlatformSerial), body); err != nil {
		t.Errorf("verify with the valid certificate: %v", err)
	}
}

// A download holding only certificates outside their validity is refused
// whole, and the hook still says why.
func TestCertificateStoreRefusesADownloadOfExpiredCertificates(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	fx.resp = secCertDownload(t, secExpiredSerial, secExpired(t))
	err := fx.store.Refresh(context.Background())
	if !errors.Is(err, ErrCertificateNotValid) {
		t.Fatalf("Refresh: %v, want ErrCertificateNotValid", err)
	}
	if got := fx.store.Serials(); len(got) != 0 {
		t.Errorf("store holds %v", got)
	}
	if rots := fx.rotations(); len(rots) != 1 || len(rots[0].Refused) != 1 || rots[0].Refused[0].Serial != secExpiredSerial {
		t.Errorf("rotations %+v, want one refusing %s", rots, secExpiredSerial)
	}
}

// A downloaded certificate that expires while it is held stops verifying,
// and the refresh this triggers reports it.
func TestCertificateStoreCertificateExpiresWhileHeld(t *testing.T) {
	fx := newSecStoreFixture(t, secCertOnlyConfig())
	short := secIssue(t, secExpiredSerial, secNow.Add(-time.Hour), secNow.Add(time.Hour))
	now := func() time.Time { return secNow.Add(time.Duration(fx.now.Load()) * time.Second) }
	fx.resp = secCertDownloadAt(t, now, testkeys.PlatformSerial, testkeys.PlatformCertPEM, short)
	if err := fx.store.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := fx.store.Serials(); len(got) != 2 {
		t.Fatalf("store holds %v, want both", got)
	}
	fx.now.Store(2 * 3600)
	body := []byte(`{"ok":true}`)
	if err := fx.creds.verify(secSignedAt(now(), body, secExpiredSerial), body); !errors.Is(err, ErrCertificateNotValid) {
		t.Errorf("verify with a certificate expired an hour ago: %v, want ErrCertificateNotValid", err)
	}
	rots := fx.rotations()
	if len(rots) != 2 || len(rots[1].Removed) != 1 || len(rots[1].Refused) != 1 || rots[1].Refused[0].Serial != secExpiredSerial {
		t.Errorf("rotations %+v, want a second one removing and refusing %s", rots, secExpiredSerial)
	}
}

// secSignedAt signs body at t with serial.
func secSignedAt(t time.Time, body []byte, serial string) http.Header {
	ts := strconv.FormatInt(t.Unix(), 10)
	const nonce = "TESTNONCE0000000000000000000000B"
	return secHeader(ts, nonce, secSignPlatform(ts, nonce, body), serial)
}
