package cli

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// cmdCertificates downloads the platform certificates (GET
// /v3/certificates), has the runtime's certificate store decrypt and verify
// them (the answer must be signed by a certificate it carries, or one
// already configured), and writes each as DIR/wechatpay_<SERIAL>.pem, the
// names the official downloaders and wxpay-sandbox init use. Nothing is
// written when any certificate is expired or not yet valid.
func cmdCertificates(ctx context.Context, args []string, env *Env) error {
	fs := newFlagSet("certificates", env)
	cf := addConfigFlags(fs)
	dir := fs.String("o", ".", "`folder` to write the certificates to (created if needed)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long, retries included")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("certificates takes no arguments")
	}
	cfg, _, err := cf.load(fs, env)
	if err != nil {
		return err
	}
	certs, err := downloadCertificates(ctx, cfg, *timeout)
	if err != nil {
		return fmt.Errorf("%w; nothing was written", err)
	}
	if err := checkValidity(certs, time.Now()); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for _, c := range certs {
		name := filepath.Join(*dir, "wechatpay_"+c.serial+".pem")
		if err := os.WriteFile(name, c.pem, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s  serial %s  valid %s to %s\n", name, c.serial,
			c.cert.NotBefore.Format(time.RFC3339), c.cert.NotAfter.Format(time.RFC3339))
	}
	return nil
}

// platformCertificate is one downloaded certificate.
type platformCertificate struct {
	serial string
	pem    []byte
	cert   *x509.Certificate
}

// downloadCertificates fetches once, through a store whose fetch function
// keeps the answer: the store decrypts the certificates and verifies the
// answer's signature with them; the same bytes are then decrypted here to
// write them out, so what is written is what was verified.
func downloadCertificates(ctx context.Context, cfg apiv3.Config, timeout time.Duration) ([]platformCertificate, error) {
	var client *apiv3.Client
	var answer *apiv3.Response
	store, err := apiv3.NewCertificateStore(func(ctx context.Context) (*apiv3.Response, error) {
		res, err := client.FetchCertificates(ctx)
		answer = res
		return res, err
	}, cfg.APIv3Key, apiv3.WithRefreshTimeout(timeout))
	if err != nil {
		return nil, refused(err)
	}
	if client, err = apiv3.NewClient(cfg, apiv3.WithCertificateStore(store)); err != nil {
		return nil, refused(err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := store.Refresh(ctx); err != nil {
		return nil, err
	}
	var body struct {
		Data []struct {
			SerialNo           string                  `json:"serial_no"`
			EncryptCertificate apiv3.EncryptedResource `json:"encrypt_certificate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(answer.Body, &body); err != nil {
		return nil, fmt.Errorf("the answer the store verified does not decode: %w", err)
	}
	var out []platformCertificate
	for _, d := range body.Data {
		p, err := client.DecryptResource(d.EncryptCertificate)
		if err != nil {
			return nil, fmt.Errorf("platform certificate %s: %w", d.SerialNo, err)
		}
		block, _ := pem.Decode(p)
		if block == nil {
			return nil, fmt.Errorf("platform certificate %s: not PEM", d.SerialNo)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("platform certificate %s: %w", d.SerialNo, err)
		}
		out = append(out, platformCertificate{serial: d.SerialNo, pem: p, cert: cert})
	}
	if got, want := serialsOf(out), store.Serials(); strings.Join(got, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("the store verified certificates %v, the answer lists %v", want, got)
	}
	return out, nil
}

func serialsOf(certs []platformCertificate) []string {
	var s []string
	for _, c := range certs {
		s = append(s, c.serial)
	}
	slices.Sort(s) // as store.Serials is
	return s
}

// errCertificateValidity is wrapped by the refusal of a certificate outside
// its validity period.
var errCertificateValidity = errors.New("outside its validity period")

// checkValidity refuses the set when any certificate is expired or not yet
// valid at now: a client configured with it would refuse what it verifies.
func checkValidity(certs []platformCertificate, now time.Time) error {
	var bad []string
	for _, c := range certs {
		switch {
		case now.After(c.cert.NotAfter):
			bad = append(bad, fmt.Sprintf("%s expired on %s", c.serial, c.cert.NotAfter.Format(time.RFC3339)))
		case now.Before(c.cert.NotBefore):
			bad = append(bad, fmt.Sprintf("%s is valid only from %s", c.serial, c.cert.NotBefore.Format(time.RFC3339)))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("platform certificate %s: %w; nothing was written", strings.Join(bad, ", "), errCertificateValidity)
	}
	return nil
}
