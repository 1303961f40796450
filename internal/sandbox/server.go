package sandbox

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Mode selects the key material WeChat Pay claims to sign with.
type Mode string

const (
	// ModePublicKey signs answers with Wechatpay-Serial = the public-key ID
	// (PUB_KEY_ID_...); GET /v3/certificates answers 404 RESOURCE_NOT_EXISTS,
	// as for a merchant that has no platform certificate.
	ModePublicKey Mode = "pubkey"
	// ModeCertificate signs with Wechatpay-Serial = the platform certificate
	// serial and serves GET /v3/certificates.
	ModeCertificate Mode = "cert"
	// ModeBoth follows the request (a merchant migrating to the public key):
	// the public-key ID when the request's Wechatpay-Serial is that ID, else
	// the certificate serial; GET /v3/certificates is served.
	ModeBoth Mode = "both"
)

// gateway is the mode as the gateway package names it.
func (m Mode) gateway() gateway.Mode {
	switch m {
	case ModeCertificate:
		return gateway.Certificate
	case ModeBoth:
		return gateway.Both
	}
	return gateway.PublicKey
}

// ParseMode parses "pubkey", "cert" or "both".
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModePublicKey, ModeCertificate, ModeBoth:
		return m, nil
	}
	return "", fmt.Errorf("sandbox: mode %q is not pubkey, cert or both", s)
}

// Config configures a Server. LoadDir fills the key material from a directory
// written by Init.
type Config struct {
	MchID string
	// MerchantSerial is the merchant certificate serial requests must name
	// (compared without regard to case).
	MerchantSerial    string
	MerchantPublicKey *rsa.PublicKey

	// PlatformKey signs answers and notifications, in every mode: the
	// public key (PublicKeyID) and the platform certificate (PlatformSerial,
	// PlatformCertificatePEM) are two names for the same key pair.
	PlatformKey            *rsa.PrivateKey
	PublicKeyID            string
	PlatformSerial         string
	PlatformCertificatePEM []byte

	// APIv3Key (32 bytes) encrypts notifications and the certificates of
	// GET /v3/certificates.
	APIv3Key string

	Template Template
	Mode     Mode // "" means ModePublicKey

	// DataFile, when set, is where the state is kept across restarts: it is
	// read by New and replaced atomically after every change, before the
	// change is acknowledged.
	DataFile string

	// Faults are injected from the start (see ParseFaults).
	Faults []Fault

	// Clock is the server time (default time.Now).
	Clock func() time.Time

	// NotifyClient delivers notifications (default: a client with a 10 s
	// timeout). Notifications go only to loopback notify_urls.
	NotifyClient *http.Client
	// NotifyAttempts bounds the deliveries of one notification (default 10);
	// NotifyBackoff is the first wait between attempts (default 200 ms),
	// doubled after each failure up to NotifyMaxBackoff (default 5 s).
	NotifyAttempts   int
	NotifyBackoff    time.Duration
	NotifyMaxBackoff time.Duration

	// CheckResponses, when set, has every answer to a request routed to an
	// operation checked with openapi3filter.ValidateResponse (the status
	// included) before it is signed, and is called with the outcome: err is
	// nil when the answer matches the document. Answers of the injected 202
	// fault are not checked: the documents do not list 202.
	CheckResponses func(operationID string, status int, err error)

	// Logf logs deliveries and problems (default: nothing).
	Logf func(format string, args ...any)
}

// Server is the sandbox. It is an http.Handler and safe for concurrent use.
type Server struct {
	cfg      Config
	verifier gateway.Verifier
	signer   gateway.Signer
	router   *gateway.Router
	store    *store
	persist  *persister
	notifier *notifier
	faults   *faultSet
}

// New checks cfg, loads cfg.DataFile when it exists, and returns a Server.
// Close it to stop notification deliveries and flush the data file.
func New(cfg Config) (*Server, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModePublicKey
	}
	if _, err := ParseMode(string(cfg.Mode)); err != nil {
		return nil, err
	}
	switch {
	case cfg.MchID == "":
		return nil, errors.New("sandbox: config: MchID is empty")
	case cfg.MerchantSerial == "":
		return nil, errors.New("sandbox: config: MerchantSerial is empty")
	case cfg.MerchantPublicKey == nil:
		return nil, errors.New("sandbox: config: MerchantPublicKey is nil")
	case cfg.PlatformKey == nil:
		return nil, errors.New("sandbox: config: PlatformKey is nil")
	case len(cfg.APIv3Key) != 32:
		return nil, fmt.Errorf("sandbox: config: APIv3Key has %d bytes, want 32", len(cfg.APIv3Key))
	case cfg.Mode != ModeCertificate && !strings.HasPrefix(cfg.PublicKeyID, "PUB_KEY_ID_"):
		return nil, errors.New("sandbox: config: PublicKeyID must start with PUB_KEY_ID_ in pubkey and both modes")
	case cfg.Mode != ModePublicKey && (cfg.PlatformSerial == "" || len(cfg.PlatformCertificatePEM) == 0):
		return nil, errors.New("sandbox: config: cert and both modes need PlatformSerial and PlatformCertificatePEM")
	}
	if err := cfg.Template.check(); err != nil {
		return nil, fmt.Errorf("sandbox: template: %w", err)
	}
	if cfg.Template.DurationDays == 0 {
		cfg.Template.DurationDays = 30
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	rt, err := newRouter()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, router: rt, store: newStore(), faults: &faultSet{},
		verifier: gateway.Verifier{MchID: cfg.MchID, MerchantSerial: cfg.MerchantSerial, FoldSerial: true, Key: cfg.MerchantPublicKey},
		signer:   gateway.Signer{Key: cfg.PlatformKey, PublicKeyID: cfg.PublicKeyID, CertificateSerial: cfg.PlatformSerial},
	}
	s.faults.set(cfg.Faults)
	if cfg.DataFile != "" {
		cards, err := readDataFile(cfg.DataFile)
		if err != nil {
			return nil, err
		}
		s.store.load(cards)
		if cards == nil { // a new file: write it now, so that a path that cannot be written fails here
			if err := writeFileAtomic(cfg.DataFile, []byte(`{"sandbox_data_version": 1, "cards": []}`+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("sandbox: data file: %w", err)
			}
		}
		s.persist = newPersister(cfg.DataFile, s.store, cfg.Logf)
	}
	s.notifier = newNotifier(s)
	return s, nil
}

// Close stops the notification deliveries still pending and waits for the
// data file to be written. The Server must not be used afterwards.
func (s *Server) Close() error {
	s.notifier.close()
	if s.persist != nil {
		return s.persist.close()
	}
	return nil
}

func (s *Server) now() time.Time { return s.cfg.Clock() }

const maxBodyBytes = 1 << 20

// ServeHTTP answers one request: /sandbox/ control endpoints unsigned, every
// other path as WeChat Pay would, signed. Requests from a non-loopback
// RemoteAddr are refused with 403 (in-process requests need a loopback
// RemoteAddr, "", or "pipe").
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		http.Error(w, "the sandbox serves loopback clients only", http.StatusForbidden)
		return
	}
	if r.RequestURI == "" { // served in-process
		r.RequestURI = r.URL.RequestURI()
	}
	if strings.HasPrefix(r.URL.Path, "/sandbox/") {
		s.control(w, r)
		return
	}
	body, e := gateway.ReadBody(r, maxBodyBytes)
	var a *gateway.Response
	var rt *gateway.Route
	var faults applied
	if e != nil {
		a = e.Response()
	} else {
		var routeErr error
		rt, routeErr = s.router.Find(r)
		opID := ""
		if rt != nil {
			opID = rt.OperationID
		}
		faults = s.faults.take(opID)
		if faults.delay > 0 {
			select {
			case <-time.After(faults.delay):
			case <-r.Context().Done():
				return
			}
		}
		if faults.drop {
			dropConnection(w)
			return
		}
		if faults.answer != nil {
			a = faults.answer
		} else {
			a = s.process(r, body, rt, routeErr)
			if faults.dropAfter {
				dropConnection(w)
				return
			}
		}
	}
	if rt != nil && s.cfg.CheckResponses != nil && a.Status != http.StatusAccepted {
		err := rt.ValidateResponse(r.Context(), r, body, a.Status, a.Header, a.Body)
		s.cfg.CheckResponses(rt.OperationID, a.Status, err)
	}
	s.send(w, r, a, faults)
}

// process runs the checks in WeChat Pay's order, then the business rules.
func (s *Server) process(r *http.Request, body []byte, rt *gateway.Route, routeErr error) *gateway.Response {
	if e, _ := s.verifier.Admit(r, body, s.now(), rt, routeErr); e != nil {
		return e.Response()
	}
	h := operations[rt.OperationID]
	if h == nil {
		return (&gateway.Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "请求的资源不存在"}).Response()
	}
	a, e := h(s, r.Context(), rt, body)
	if e != nil {
		return e.Response()
	}
	return a
}

// send signs a and writes it, applying the signature faults.
func (s *Server) send(w http.ResponseWriter, r *http.Request, a *gateway.Response, f applied) {
	now := s.now()
	if f.stale {
		now = now.Add(-10 * time.Minute)
	}
	s.signer.SignResponse(a.Header, a.Body, now, s.signer.Serial(s.cfg.Mode.gateway(), r))
	if f.badSignature {
		sig := []byte(a.Header.Get("Wechatpay-Signature"))
		// Change one Base64 character: still valid Base64, no longer the signature.
		if sig[0] == 'A' {
			sig[0] = 'B'
		} else {
			sig[0] = 'A'
		}
		a.Header.Set("Wechatpay-Signature", string(sig))
	}
	a.Send(w)
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection
}

func isLoopbackRemote(addr string) bool {
	if addr == "" || addr == "pipe" { // in-process (httptest.NewRecorder) or net.Pipe
		return true
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackAddr reports whether a listen address (host:port) names a
// loopback host: localhost or a loopback IP.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// controlError writes a plain JSON error of the control endpoints.
func controlError(w http.ResponseWriter, status int, code, msg string) {
	controlJSON(w, status, map[string]string{"code": code, "message": msg})
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"code":"SYSTEM_ERROR","message":"encoding"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// waitPersisted blocks until the change that brought the store to version is
// on disk (no-op without a data file).
func (s *Server) waitPersisted(ctx context.Context, version uint64) *gateway.Error {
	if s.persist == nil {
		return nil
	}
	if err := s.persist.wait(ctx, version); err != nil {
		s.cfg.Logf("sandbox: writing %s: %v", s.cfg.DataFile, err)
		return &gateway.Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}
	}
	return nil
}
