package apiv3

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// ErrNoPlatformCertificates: GET /v3/certificates answered 404
// RESOURCE_NOT_EXISTS. Merchants created since late 2024 have no platform
// certificate; configure the WeChat Pay public key (public-key mode) instead.
var ErrNoPlatformCertificates = errors.New("apiv3: WeChat Pay has no platform certificate for this merchant; use public-key mode (WechatPayPublicKeyID, WechatPayPublicKeyPEM)")

// CertificateFetcher downloads the platform certificates: it performs
// GET /v3/certificates and returns the response as received, headers and
// raw body. The generated package supplies it; it must send the request with
// Request.UnsignedResponse set, because the store verifies the response itself
// with a certificate of the downloaded set (a store that is asked about a
// serial it is still fetching would otherwise wait for itself until its
// refresh timeout). A non-2xx answer is returned as an error (*APIError).
type CertificateFetcher func(ctx context.Context) (*Response, error)

// CertificateRotation tells the rotation hook how the set of platform
// certificates changed. All lists hold serials, sorted.
type CertificateRotation struct {
	Added   []string
	Removed []string
	Current []string
	// Refused lists the downloaded certificates that were not taken because
	// they are outside their validity, by serial.
	Refused []RefusedCertificate
}

// CertificateStoreOption configures a CertificateStore.
type CertificateStoreOption func(*CertificateStore)

// WithRotationHook calls f (on the refreshing goroutine) whenever a refresh
// changes the set of platform certificates, including the first download,
// and whenever it refuses a certificate it did not refuse the time before
// (CertificateRotation.Refused: outside its validity).
func WithRotationHook(f func(CertificateRotation)) CertificateStoreOption {
	return func(s *CertificateStore) { s.onRotate = f }
}

// WithRefreshInterval sets how often at most an unknown serial triggers a
// download (default DefaultRefreshInterval, one minute).
func WithRefreshInterval(d time.Duration) CertificateStoreOption {
	return func(s *CertificateStore) { s.minInterval = d }
}

// WithRefreshTimeout bounds one download triggered by an unknown serial
// (default 30 seconds).
func WithRefreshTimeout(d time.Duration) CertificateStoreOption {
	return func(s *CertificateStore) { s.timeout = d }
}

// DefaultRefreshInterval is how often at most a CertificateStore downloads
// the certificates because an unknown serial appeared.
const DefaultRefreshInterval = time.Minute

// CertificateStore holds the WeChat Pay platform certificates of a merchant
// still in certificate mode and downloads them again when a response or
// notification names a serial it does not know (at most once per refresh
// interval). Each certificate is decrypted with the APIv3 key
// (AEAD_AES_256_GCM, which authenticates it), and the download itself is
// verified with a certificate of the downloaded set (or one already known).
//
// It is opt-in: merchants in public-key mode need none. A 404
// RESOURCE_NOT_EXISTS answer makes Refresh return ErrNoPlatformCertificates
// and leaves the store empty. A store serves one client, is safe for
// concurrent use, and never imports generated code: the fetch function comes
// from the generated package.
type CertificateStore struct {
	fetch       CertificateFetcher
	key         []byte
	minInterval time.Duration
	timeout     time.Duration
	onRotate    func(CertificateRotation)

	mu          sync.Mutex
	owner       *credentials // set by attach; clock, skew, static keys
	certs       map[string]*x509.Certificate
	refused     map[string]RefusedCertificate // by the last download, by serial
	lastAttempt time.Time
	running     chan struct{} // non-nil while a refresh runs; closed when it ends
	lastErr     error         // of the last download
}

// NewCertificateStore returns an empty store that downloads through fetch and
// decrypts with apiv3Key (32 bytes). A nil fetch means GET /v3/certificates
// through the client the store is given to (WithCertificateStore), which is
// what a merchant on WeChat Pay's hosts wants; pass a fetch function to
// download some other way. Nothing is downloaded until Refresh is called or
// an unknown serial appears; call Refresh after creating the client to fail
// early.
func NewCertificateStore(fetch CertificateFetcher, apiv3Key string, opts ...CertificateStoreOption) (*CertificateStore, error) {
	if len(apiv3Key) != 32 {
		return nil, fmt.Errorf("apiv3: NewCertificateStore: the APIv3 key must be 32 bytes, got %d", len(apiv3Key))
	}
	s := &CertificateStore{
		fetch:       fetch,
		key:         []byte(apiv3Key),
		minInterval: DefaultRefreshInterval,
		timeout:     30 * time.Second,
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// attach makes c the store's client: its clock and skew check the download,
// and its static keys may verify it.
func (s *CertificateStore) attach(c *credentials) {
	s.mu.Lock()
	s.owner = c
	s.mu.Unlock()
}

// Serials returns the serials of the certificates held, sorted.
func (s *CertificateStore) Serials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedSerials(s.certs)
}

// Refresh downloads the certificates now, whatever the refresh interval. It
// returns ErrNoPlatformCertificates (errors.Is) when WeChat Pay has none for
// the merchant.
func (s *CertificateStore) Refresh(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.running == nil {
			done := make(chan struct{})
			s.running = done
			s.lastAttempt = s.now()
			s.mu.Unlock()
			return s.run(ctx, done)
		}
		done := s.running
		s.mu.Unlock()
		// Another refresh is running: wait for it, then run ours, since it
		// may have started before what the caller wants to see.
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// run downloads, publishes the result, reports a rotation, and closes done
// (even if the fetch function panics). Runs never overlap, so neither do
// calls of the rotation hook.
func (s *CertificateStore) run(ctx context.Context, done chan struct{}) error {
	defer func() {
		s.mu.Lock()
		s.running = nil
		close(done)
		s.mu.Unlock()
	}()
	certs, refused, err := s.download(ctx)
	s.mu.Lock()
	s.lastErr = err
	rot := CertificateRotation{Current: sortedSerials(s.certs)}
	if err == nil {
		rot = diffSerials(s.certs, certs)
		s.certs = certs
	}
	newlyRefused := false
	for serial := range refused {
		if _, ok := s.refused[serial]; !ok {
			newlyRefused = true
		}
	}
	if err == nil || len(refused) > 0 {
		s.refused = refused
	}
	rot.Refused = sortedRefused(refused)
	hook := s.onRotate
	s.mu.Unlock()
	if hook != nil && (len(rot.Added)+len(rot.Removed) > 0 || newlyRefused) {
		hook(rot)
	}
	return err
}

// lookup returns the certificate with serial, downloading the set again
// when serial is unknown and the last attempt is older than the refresh
// interval; nil when it stays unknown, with the error of the last download
// if it failed.
func (s *CertificateStore) lookup(serial string) (*x509.Certificate, error) {
	if !isHex(serial) {
		// A public-key ID (or garbage) is never a certificate serial: do not
		// download for it. This also keeps the store from waiting for itself
		// when the client verifies a (signed) error answer to the fetch.
		return nil, nil
	}
	s.mu.Lock()
	if cert, ok := s.certs[serial]; ok && s.checkValidity(cert) == nil {
		s.mu.Unlock()
		return cert, nil
	}
	// Unknown, or held but outside its validity now: WeChat Pay may have
	// a newer set.
	done := s.running
	if done == nil {
		if !s.lastAttempt.IsZero() && s.now().Sub(s.lastAttempt) < s.minInterval {
			defer s.mu.Unlock()
			return s.resultLocked(serial)
		}
		done = make(chan struct{})
		s.running = done
		s.lastAttempt = s.now()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
			defer cancel()
			_ = s.run(ctx, done)
		}()
	}
	s.mu.Unlock()
	t := time.NewTimer(s.timeout + time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		return nil, errors.New("timed out waiting for the download")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resultLocked(serial)
}

// resultLocked is what lookup answers once no download is due: the
// certificate if it is held and valid, else why not.
func (s *CertificateStore) resultLocked(serial string) (*x509.Certificate, error) {
	if cert, ok := s.certs[serial]; ok {
		if err := s.checkValidity(cert); err != nil {
			return nil, err
		}
		return cert, nil
	}
	if r, ok := s.refused[serial]; ok {
		return nil, r.Err
	}
	return nil, s.lastErr
}

// checkValidity checks cert against the owner's clock and skew.
func (s *CertificateStore) checkValidity(cert *x509.Certificate) error {
	return checkValidity(cert, s.now(), s.skew())
}

// skew is the owner's maximum skew (DefaultMaxSkew before attach).
func (s *CertificateStore) skew() time.Duration {
	if s.owner != nil {
		return s.owner.maxSkew
	}
	return DefaultMaxSkew
}

// newestCertificate returns the valid certificate that became effective
// last, or nil.
func (s *CertificateStore) newestCertificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return newestValid(s.certs, s.now(), s.skew())
}

// now reads the owner's clock (time.Now before attach); s.mu need not be held
// for correctness of the clock itself, but owner is read under it by callers.
func (s *CertificateStore) now() time.Time {
	if s.owner != nil {
		return s.owner.clock()
	}
	return time.Now()
}

// certificatesBody is the body of GET /v3/certificates.
type certificatesBody struct {
	Data []struct {
		SerialNo           string            `json:"serial_no"`
		EffectiveTime      string            `json:"effective_time"`
		ExpireTime         string            `json:"expire_time"`
		EncryptCertificate EncryptedResource `json:"encrypt_certificate"`
	} `json:"data"`
}

// download fetches, decrypts and verifies the certificate set, keeping only
// the certificates within their validity; the others are returned as
// refused. A set of which none is valid is an error.
func (s *CertificateStore) download(ctx context.Context) (map[string]*x509.Certificate, map[string]RefusedCertificate, error) {
	s.mu.Lock()
	fetch := s.fetch
	s.mu.Unlock()
	if fetch == nil {
		return nil, nil, errors.New("apiv3: download platform certificates: the store has no fetch function yet; give it to NewClient with WithCertificateStore first")
	}
	resp, err := fetch(ctx)
	var verr *VerificationError
	switch {
	case err != nil && resp != nil && errors.As(err, &verr):
		// The fetcher let the client verify; the store verifies below.
	case err != nil:
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == 404 {
			return nil, nil, fmt.Errorf("%w (%s)", ErrNoPlatformCertificates, printable(apiErr.Code))
		}
		return nil, nil, fmt.Errorf("apiv3: download platform certificates: %w", err)
	case resp == nil:
		return nil, nil, errors.New("apiv3: download platform certificates: the fetch function returned no response")
	}
	if resp.StatusCode == 404 {
		return nil, nil, ErrNoPlatformCertificates
	}
	var body certificatesBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, nil, fmt.Errorf("apiv3: download platform certificates: malformed body: %v", err)
	}
	if len(body.Data) == 0 {
		return nil, nil, errors.New("apiv3: download platform certificates: the answer lists none")
	}
	s.mu.Lock()
	owner, old := s.owner, s.certs
	now, maxSkew := s.now(), s.skew()
	s.mu.Unlock()
	certs := make(map[string]*x509.Certificate, len(body.Data))
	var refused map[string]RefusedCertificate
	for i, d := range body.Data {
		e := d.EncryptCertificate
		pemBytes, err := decryptAEAD(s.key, e.Algorithm, e.Nonce, e.AssociatedData, e.Ciphertext)
		if err != nil {
			return nil, nil, fmt.Errorf("apiv3: platform certificate %d (%s): %w", i, printable(d.SerialNo), err)
		}
		parsed, err := parseCertificates(pemBytes)
		if err != nil || len(parsed) != 1 {
			return nil, nil, fmt.Errorf("apiv3: platform certificate %d (%s): not one PEM certificate", i, printable(d.SerialNo))
		}
		cert := parsed[0]
		if _, err := rsaPublicKey(cert.PublicKey); err != nil {
			return nil, nil, fmt.Errorf("apiv3: platform certificate %d (%s): %v", i, printable(d.SerialNo), err)
		}
		serial := certificateSerial(cert)
		if serial != d.SerialNo {
			return nil, nil, fmt.Errorf("apiv3: platform certificate %d: serial_no %s but the certificate's serial is %s", i, printable(d.SerialNo), serial)
		}
		if err := checkValidity(cert, now, maxSkew); err != nil {
			if refused == nil {
				refused = make(map[string]RefusedCertificate)
			}
			refused[serial] = RefusedCertificate{Serial: serial, NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, Err: err}
			continue
		}
		certs[serial] = cert
	}

	lookup := func(serial string) (*rsa.PublicKey, error) {
		if c, ok := certs[serial]; ok {
			return c.PublicKey.(*rsa.PublicKey), nil
		}
		if r, ok := refused[serial]; ok {
			return nil, r.Err
		}
		if c, ok := old[serial]; ok && checkValidity(c, now, maxSkew) == nil {
			return c.PublicKey.(*rsa.PublicKey), nil
		}
		if owner != nil {
			if key, err := owner.lookupStatic(serial); key != nil || err != nil {
				return key, err
			}
		}
		return nil, errors.New("the download is signed by none of the certificates it holds")
	}
	if err := verifySigned(resp.Header, resp.Body, now, maxSkew, lookup); err != nil {
		return nil, refused, fmt.Errorf("apiv3: download platform certificates: %w", err)
	}
	if len(certs) == 0 {
		return nil, refused, fmt.Errorf("apiv3: download platform certificates: every certificate is refused: %w", firstRefusal(refused))
	}
	return certs, refused, nil
}

// sortedRefused lists refused by serial.
func sortedRefused(refused map[string]RefusedCertificate) []RefusedCertificate {
	out := make([]RefusedCertificate, 0, len(refused))
	for _, r := range refused {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Serial < out[j].Serial })
	if len(out) == 0 {
		return nil
	}
	return out
}

// firstRefusal is the error of the first refused certificate by serial.
func firstRefusal(refused map[string]RefusedCertificate) error {
	return sortedRefused(refused)[0].Err
}

func sortedSerials(m map[string]*x509.Certificate) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func diffSerials(old, cur map[string]*x509.Certificate) CertificateRotation {
	r := CertificateRotation{Current: sortedSerials(cur)}
	for k := range cur {
		if _, ok := old[k]; !ok {
			r.Added = append(r.Added, k)
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			r.Removed = append(r.Removed, k)
		}
	}
	sort.Strings(r.Added)
	sort.Strings(r.Removed)
	return r
}

// defaultFetch sets the fetch function of a store made without one: the
// client's own FetchCertificates, bound when the client is built.
func (s *CertificateStore) defaultFetch(fetch CertificateFetcher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fetch == nil {
		s.fetch = fetch
	}
}

// settingsCertificateStore returns the store configured on s, if any.
func settingsCertificateStore(s *settings) *CertificateStore { return s.certStore }

// FetchCertificates performs GET /v3/certificates and returns the answer
// without verifying it: it is the CertificateFetcher of a store serving c
// (the store decrypts the certificates and verifies the answer with them).
// Do not use the answer otherwise.
func (c *Client) FetchCertificates(ctx context.Context) (*Response, error) {
	return c.Do(ctx, &Request{
		Method:           http.MethodGet,
		Template:         "/v3/certificates",
		Path:             "/v3/certificates",
		Idempotent:       true,
		UnsignedResponse: true, // verified by the store
	}, nil)
}

// WithCertificateStore makes the client look up platform certificates it
// does not hold in store (certificate mode, for merchants that still have
// platform certificates). With a store, no static verification material is
// required: the first response or notification with an unknown serial makes
// the store download the certificates. A store made with a nil fetch function
// downloads through this client:
//
//	store, err := apiv3.NewCertificateStore(nil, cfg.APIv3Key)
//	...
//	c, err := wechatpay.NewClient(cfg, apiv3.WithCertificateStore(store))
//	...
//	err = store.Refresh(ctx) // optional: fail at start-up rather than later
//
// A store serves one client. Refresh reports ErrNoPlatformCertificates for
// merchants that have none: they must use public-key mode.
func WithCertificateStore(store *CertificateStore) Option {
	return optionFunc(func(s *settings) { s.certStore = store })
}
