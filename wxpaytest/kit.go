package wxpaytest

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/payments"
)

// Spec names the spec folder a Kit serves: Dir or FS.
type Spec struct {
	dir  string
	fsys fs.FS
}

// Dir is the spec folder at path: every top-level *.yaml/*.yml of it, read
// as the generator reads it.
func Dir(path string) Spec { return Spec{dir: path} }

// FS is a spec folder held in fsys (its root), e.g. an embed.FS.
func FS(fsys fs.FS) Spec { return Spec{fsys: fsys} }

// Mode selects the Wechatpay-Serial WeChat Pay answers with.
type Mode = gateway.Mode

const (
	// PublicKey answers with the public-key ID (the default, and WeChat
	// Pay's recommended mode).
	PublicKey = gateway.PublicKey
	// Certificate answers with the platform certificate serial.
	Certificate = gateway.Certificate
	// Both follows the request's Wechatpay-Serial (a merchant migrating to
	// the public key).
	Both = gateway.Both
)

// Option configures a Kit.
type Option func(*settings)

type settings struct {
	mode          Mode
	mchID         string
	clock         func() time.Time
	refundDelay   time.Duration
	notifyHandler http.Handler
}

// WithMode sets the signing mode (default PublicKey). Config carries both
// the public key and the platform certificate, so a client works in every
// mode.
func WithMode(m Mode) Option { return func(s *settings) { s.mode = m } }

// WithMchID sets the merchant ID requests must name (default 1230000109).
func WithMchID(id string) Option { return func(s *settings) { s.mchID = id } }

// WithClock sets the server's clock, for the timestamp check and the
// signatures (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *settings) { s.clock = now } }

// Kit is a fake WeChat Pay on loopback. Its methods are safe for concurrent
// use.
type Kit struct {
	// URL is the base URL, http://127.0.0.1:PORT.
	URL string

	t       testing.TB // nil for New
	keys    *gateway.KeySet
	set     settings
	front   *front.Server
	http    *httptest.Server
	faults  gateway.FaultSet
	answers gateway.Answers

	payments     *payments.Engine
	store        *payments.MemStore
	playPayments bool // the spec has a prepay (payments.Playable)
	stopSettler  func()

	mu         sync.Mutex
	calls      []Call
	deliveries []Delivery
}

// Start starts a Kit serving spec, closed by t.Cleanup; it fails the test
// when the spec does not load.
func Start(t testing.TB, spec Spec, opts ...Option) *Kit {
	t.Helper()
	k, err := New(spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	k.t = t
	t.Cleanup(k.Close)
	return k
}

// New is Start without a testing.TB (for examples and benchmarks' setup);
// Close it. Its methods then panic where Start's fail the test.
func New(spec Spec, opts ...Option) (*Kit, error) {
	set := settings{mchID: "1230000109", clock: time.Now}
	for _, o := range opts {
		o(&set)
	}
	rt, err := router(spec)
	if err != nil {
		return nil, err
	}
	keys, err := processKeys(set.mchID)
	if err != nil {
		return nil, err
	}
	k := &Kit{keys: keys, set: set}
	k.front = &front.Server{
		Verifier:      gateway.Verifier{MchID: set.mchID, MerchantSerial: keys.MerchantSerial, Key: &keys.MerchantKey.PublicKey},
		Signer:        gateway.Signer{Key: keys.PlatformKey, PublicKeyID: keys.PublicKeyID, CertificateSerial: keys.PlatformSerial},
		Mode:          set.mode,
		Router:        rt,
		Clock:         set.clock,
		Faults:        &k.faults,
		Answers:       &k.answers,
		Handler:       front.HandlerFunc(k.serve),
		UnsignedFiles: true,
		Observe:       k.record,
	}
	k.startPayments()
	k.http = httptest.NewServer(k.front)
	k.URL = k.http.URL
	return k, nil
}

// Close stops the server (and the settling of refunds).
func (k *Kit) Close() {
	k.http.Close()
	if k.stopSettler != nil {
		k.stopSettler()
	}
}

// Config is the client configuration that talks to the kit: its URL (as
// base and backup URL, so that failover stays on loopback), the merchant ID
// and key, the APIv3 key, the WeChat Pay public key and the platform
// certificate.
func (k *Kit) Config() apiv3.Config {
	return apiv3.Config{
		BaseURL:                 k.URL,
		BackupBaseURL:           k.URL,
		MchID:                   k.set.mchID,
		MerchantCertificatePEM:  k.keys.MerchantCertPEM,
		MerchantPrivateKeyPEM:   k.keys.MerchantKeyPEM,
		APIv3Key:                k.keys.APIv3Key,
		WechatPayPublicKeyID:    k.keys.PublicKeyID,
		WechatPayPublicKeyPEM:   k.keys.PlatformPublicKeyPEM,
		PlatformCertificatesPEM: [][]byte{k.keys.PlatformCertPEM},
	}
}

// Operations lists the operationIds the kit serves, sorted.
func (k *Kit) Operations() []string { return k.front.Router.OperationIDs() }

// fail reports a misuse of the kit: the test fails, or New's caller panics.
func (k *Kit) fail(format string, args ...any) {
	msg := fmt.Sprintf("wxpaytest: "+format, args...)
	if k.t != nil {
		k.t.Helper()
		k.t.Fatal(msg)
	}
	panic(msg)
}

// Keys are made once per test binary: fresh (never committed), and not
// paid for by every test (RSA key generation takes tens of milliseconds,
// more under -race).
var keyCache sync.Map // mchID -> func() (*gateway.KeySet, error)

func processKeys(mchID string) (*gateway.KeySet, error) {
	f, _ := keyCache.LoadOrStore(mchID, sync.OnceValues(func() (*gateway.KeySet, error) { return gateway.NewKeySet(mchID) }))
	return f.(func() (*gateway.KeySet, error))()
}

// Specs are loaded once per test binary and folder.
var specCache sync.Map // Spec key -> func() (*gateway.Router, error)

func router(spec Spec) (*gateway.Router, error) {
	var key any
	load := func() (*openapi3.T, error) { return front.LoadSpec(spec.dir) }
	switch {
	case spec.fsys != nil:
		load = func() (*openapi3.T, error) { return front.LoadSpecFS(spec.fsys) }
		key = spec.fsys
		if !reflect.TypeOf(spec.fsys).Comparable() {
			key = nil // a map-based FS: load it each time
		}
	case spec.dir != "":
		abs, err := filepath.Abs(spec.dir)
		if err != nil {
			return nil, err
		}
		key = abs
	default:
		return nil, fmt.Errorf("wxpaytest: no spec: pass wxpaytest.Dir(path) or wxpaytest.FS(fsys)")
	}
	build := func() (*gateway.Router, error) {
		doc, err := load()
		if err != nil {
			return nil, fmt.Errorf("wxpaytest: %w", err)
		}
		return gateway.NewRouter(doc)
	}
	if key == nil {
		return build()
	}
	f, _ := specCache.LoadOrStore(key, sync.OnceValues(build))
	return f.(func() (*gateway.Router, error))()
}
