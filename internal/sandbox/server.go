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

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/payments"
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

	// DataFile, when set, is the store (a bbolt file) that keeps the state
	// and the notifications not yet acknowledged across restarts: every
	// change is committed to it before it is acknowledged. Unset, the state
	// lives in a temporary file removed by Close.
	DataFile string

	// SpecDir is the spec folder served: every operation of every file
	// (default: the bundled spec/, spec.FS). The discount card's operations
	// follow its rules; every other operation answers validated requests
	// with its example, or with what SetAnswer programmed.
	SpecDir string

	// RefundDelay is how long a refund stays PROCESSING before it succeeds
	// by itself, with REFUND.SUCCESS; 0: only FinishRefund (the
	// refund-success, refund-abnormal and refund-closed commands) settles
	// it.
	RefundDelay time.Duration

	// Faults are injected from the start (see ParseFaults).
	Faults []Fault

	// BodyTimeout bounds the reading of a request body (default 10 s): a
	// body that trickles in is cut off with 400 INVALID_REQUEST.
	BodyTimeout time.Duration

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
	front    *front.Server
	store    *store
	notifier *notifier
	faults   *gateway.FaultSet
	answers  *gateway.Answers
	payments *payments.Engine
	// playPayments: the spec folder has a prepay (payments.Playable).
	playPayments bool
	// stopSettler stops the settling of due refunds.
	stopSettler func()
}

// New checks cfg, opens the store (cfg.DataFile) and returns a Server, which
// resumes the deliveries of the notifications the store still holds. Close
// it to stop them (they stay queued) and close the store.
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
	rt, err := newRouter(cfg.SpecDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DataFile)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: st, faults: &gateway.FaultSet{}, answers: &gateway.Answers{}}
	s.faults.Set(cfg.Faults)
	s.front = &front.Server{
		Verifier:      gateway.Verifier{MchID: cfg.MchID, MerchantSerial: cfg.MerchantSerial, FoldSerial: true, Key: cfg.MerchantPublicKey},
		Signer:        gateway.Signer{Key: cfg.PlatformKey, PublicKeyID: cfg.PublicKeyID, CertificateSerial: cfg.PlatformSerial},
		Mode:          cfg.Mode.gateway(),
		Router:        rt,
		Clock:         cfg.Clock,
		MaxBodyBytes:  maxBodyBytes,
		BodyTimeout:   cfg.BodyTimeout,
		Faults:        s.faults,
		Answers:       s.answers,
		Handler:       front.HandlerFunc(s.business),
		UnsignedFiles: true,
	}
	if cfg.CheckResponses != nil {
		s.front.CheckResponse = func(ex *front.Exchange) {
			a := ex.Response
			err := ex.Route.ValidateResponse(ex.Request.Context(), ex.Request, ex.Body, a.Status, a.Header, a.Body)
			cfg.CheckResponses(ex.Route.OperationID, a.Status, err)
		}
	}
	s.notifier = newNotifier(s)
	pending, err := st.pending()
	if err != nil {
		st.close()
		return nil, fmt.Errorf("sandbox: data file %s: %w", st.path, err)
	}
	s.notifier.push(pending)
	s.startPayments()
	return s, nil
}

// Close stops the notification deliveries (those not acknowledged stay in
// the store for the next start) and closes the store. The Server must not
// be used afterwards.
func (s *Server) Close() error {
	s.stopSettler()
	s.notifier.close()
	return s.store.close()
}

func (s *Server) now() time.Time { return s.cfg.Clock() }

const maxBodyBytes = 1 << 20

// ServeHTTP answers one request: /sandbox/ control endpoints unsigned, every
// other path as WeChat Pay would, signed, through the front door shared with
// the test kit (internal/front). Requests from a non-loopback RemoteAddr are
// refused with 403 (in-process requests need a loopback RemoteAddr, "", or
// "pipe").
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		http.Error(w, "the sandbox serves loopback clients only", http.StatusForbidden)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/sandbox/") {
		s.control(w, r)
		return
	}
	s.front.ServeHTTP(w, r)
}

// business applies the rules of the operations that have some (nil for the
// others: they answer with their example).
func (s *Server) business(ctx context.Context, ex *front.Exchange) *gateway.Response {
	if ex.Route == nil {
		return nil
	}
	if s.playPayments && payments.Handles(ex.Route.OperationID) {
		return s.payments.Serve(ex.Route, ex.Request.URL.Query(), ex.Body)
	}
	h := operations[ex.Route.OperationID]
	if h == nil {
		return nil
	}
	a, e := h(s, ctx, ex.Route, ex.Body)
	if e != nil {
		return e.Response()
	}
	return a
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
