package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/spec"
)

// One setup for the whole package: RSA key generation is slow under -race.
var (
	sharedDir   string
	sharedSetup *sandbox.Setup
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wxpay-sandbox-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = filepath.Join(dir, "setup")
	sharedSetup, err = sandbox.Init(sharedDir, sandbox.InitOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// received is a notification as the merchant's handler saw it.
type received struct {
	eventType string
	id        string
	accepted  *wechatpay.UserAcceptedResource
	ended     *wechatpay.AgreementEndedResource
	paid      *wechatpay.UserPaidResource
	tx        *wechatpay.Transaction
	refund    *wechatpay.RefundResource
}

// env is a sandbox on loopback, a generated client configured from the
// setup's wxpay.json, and a merchant notification endpoint.
type env struct {
	t         testing.TB
	cfg       sandbox.Config
	srv       *sandbox.Server
	hs        *httptest.Server
	client    *wechatpay.Client
	clientCfg apiv3.Config
	notifyURL string
	notes     chan received
	checked   atomic.Int64 // answers checked against the document

	mu       sync.Mutex
	failNext int             // notification deliveries to refuse with 500
	serials  map[string]bool // Wechatpay-Serial of the notifications received
}

type envOption func(*sandbox.Config)

func withMode(m sandbox.Mode) envOption { return func(c *sandbox.Config) { c.Mode = m } }

func withDataFile(p string) envOption { return func(c *sandbox.Config) { c.DataFile = p } }

// withoutResponseValidation leaves out the openapi3filter check of answers
// (benchmarks measure the sandbox as users run it).
func withoutResponseValidation(c *sandbox.Config) { c.CheckResponses = nil }

func withTemplate(t sandbox.Template) envOption {
	return func(c *sandbox.Config) { c.Template = t }
}

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	cfg, err := sandbox.LoadDir(sharedDir)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, notes: make(chan received, 100)}
	cfg.NotifyBackoff = 10 * time.Millisecond
	cfg.NotifyMaxBackoff = 50 * time.Millisecond
	cfg.CheckResponses = func(_ string, _ int, err error) {
		e.checked.Add(1)
		if err != nil {
			t.Errorf("sandbox answer: %v", err)
		}
	}
	for _, o := range opts {
		o(&cfg)
	}
	e.cfg = cfg
	e.start()

	e.clientCfg, err = apiv3.LoadConfigFile(filepath.Join(sharedDir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	e.clientCfg.BaseURL = e.hs.URL
	e.clientCfg.BackupBaseURL = e.hs.URL
	e.client = e.newClient(e.clientCfg)

	h := e.notificationHandler(e.client)
	nh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		checkSchema(t, "Notification", body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		e.mu.Lock()
		if e.serials == nil {
			e.serials = map[string]bool{}
		}
		e.serials[r.Header.Get("Wechatpay-Serial")] = true
		e.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(nh.Close)
	e.notifyURL = nh.URL + "/wxpay/notify"
	return e
}

// start (re)starts the sandbox on a fresh loopback listener.
func (e *env) start() {
	e.t.Helper()
	srv, err := sandbox.New(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	hs := httptest.NewServer(srv)
	e.hs = hs
	e.t.Cleanup(func() { hs.Close(); srv.Close() })
}

func (e *env) newClient(cfg apiv3.Config, opts ...apiv3.Option) *wechatpay.Client {
	e.t.Helper()
	// Every call is sent once, so that the tests see each answer as sent;
	// TestFaultsWithRetries uses the runtime's retries.
	c, err := wechatpay.NewClient(cfg, append([]apiv3.Option{apiv3.WithoutRetry()}, opts...)...)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) notificationHandler(c *wechatpay.Client) http.Handler {
	push := func(r received, plaintext []byte) error {
		checkSchema(e.t, map[string]string{
			wechatpay.EventTypeUserAccepted:   "UserAcceptedResource",
			wechatpay.EventTypeAgreementEnded: "AgreementEndedResource",
			wechatpay.EventTypeUserPaid:       "UserPaidResource",
			"TRANSACTION.SUCCESS":             "Transaction",
			"REFUND.SUCCESS":                  "RefundResource",
			"REFUND.ABNORMAL":                 "RefundResource",
			"REFUND.CLOSED":                   "RefundResource",
		}[r.eventType], plaintext)
		e.mu.Lock()
		if e.failNext > 0 {
			e.failNext--
			e.mu.Unlock()
			return errors.New("merchant not ready")
		}
		e.mu.Unlock()
		e.notes <- r
		return nil
	}
	return c.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserAccepted: func(_ context.Context, n *apiv3.Notification, r *wechatpay.UserAcceptedResource) error {
			return push(received{eventType: n.EventType, id: n.ID, accepted: r}, n.Plaintext)
		},
		OnAgreementEnded: func(_ context.Context, n *apiv3.Notification, r *wechatpay.AgreementEndedResource) error {
			return push(received{eventType: n.EventType, id: n.ID, ended: r}, n.Plaintext)
		},
		OnUserPaid: func(_ context.Context, n *apiv3.Notification, r *wechatpay.UserPaidResource) error {
			return push(received{eventType: n.EventType, id: n.ID, paid: r}, n.Plaintext)
		},
		OnTransactionSuccess: func(_ context.Context, n *apiv3.Notification, r *wechatpay.Transaction) error {
			return push(received{eventType: n.EventType, id: n.ID, tx: r}, n.Plaintext)
		},
		OnRefundSuccess: func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
			return push(received{eventType: n.EventType, id: n.ID, refund: r}, n.Plaintext)
		},
		OnRefundAbnormal: func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
			return push(received{eventType: n.EventType, id: n.ID, refund: r}, n.Plaintext)
		},
		OnRefundClosed: func(_ context.Context, n *apiv3.Notification, r *wechatpay.RefundResource) error {
			return push(received{eventType: n.EventType, id: n.ID, refund: r}, n.Plaintext)
		},
	})
}

// next returns the next notification, failing after 10 s.
func (e *env) next() received {
	e.t.Helper()
	select {
	case r := <-e.notes:
		return r
	case <-time.After(10 * time.Second):
		e.t.Fatal("no notification within 10 s")
		return received{}
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// prepare calls prepareCard for code.
func (e *env) prepare(code string) string {
	e.t.Helper()
	resp, _, err := e.client.V3.DiscountCard.Cards.Post(ctxT(e.t), &wechatpay.PrepareCardRequest{
		OutCardCode:    code,
		CardTemplateID: e.cfg.Template.CardTemplateID,
		AppID:          "wxd678efh567hg6787",
		NotifyURL:      e.notifyURL,
	})
	if err != nil {
		e.t.Fatalf("prepareCard %s: %v", code, err)
	}
	return resp.PrepareCardToken
}

// claim prepares code, has the user accept it and consumes USER_ACCEPTED.
func (e *env) claim(code string) *wechatpay.UserAcceptedResource {
	e.t.Helper()
	e.prepare(code)
	if _, err := e.srv.Accept(ctxT(e.t), code, sandbox.AcceptOptions{}); err != nil {
		e.t.Fatalf("accept %s: %v", code, err)
	}
	n := e.next()
	if n.eventType != wechatpay.EventTypeUserAccepted || n.accepted == nil || n.accepted.OutCardCode != code {
		e.t.Fatalf("after accept got %+v", n)
	}
	return n.accepted
}

func apiErr(t testing.TB, err error, status int, code string) *apiv3.APIError {
	t.Helper()
	var ae *apiv3.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want an APIError %d %s", err, err, status, code)
	}
	if ae.StatusCode != status || ae.Code != code {
		t.Fatalf("APIError %d %s (%s), want %d %s", ae.StatusCode, ae.Code, ae.Message, status, code)
	}
	if !ae.Verified {
		t.Errorf("error answer %d %s was not verified", status, code)
	}
	return ae
}

func usage(id string, serial string, typ wechatpay.UsageType, count, amount int64) wechatpay.RewardUsageRecord {
	return wechatpay.RewardUsageRecord{
		RewardUsageSerialNo: serial, RewardID: id, UsageTime: apiv3.NewTime(time.Date(2026, 5, 20, 13, 29, 35, 120e6, beijing)),
		UsageType: typ, Description: "购买商品", UsageCount: count, Amount: amount,
	}
}

func completion(id, serial string, typ wechatpay.CompletionType, count int64) wechatpay.ObjectiveCompletionRecord {
	return wechatpay.ObjectiveCompletionRecord{
		ObjectiveCompletionSerialNo: serial, ObjectiveID: id, CompletionTime: apiv3.NewTime(time.Date(2026, 5, 20, 13, 29, 35, 120e6, beijing)),
		CompletionType: typ, Description: "购买商品", CompletionCount: count,
	}
}

var beijing = time.FixedZone("CST", 8*3600)

// specDocs are the documents whose component schemas checkSchema knows.
var specDocs = sync.OnceValues(func() ([]*openapi3.T, error) {
	var docs []*openapi3.T
	for _, name := range []string{"discount-card.yaml", "pay-transactions.yaml", "refund.yaml"} {
		data, err := spec.FS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
})

// checkSchema validates JSON against a component schema of the spec: the
// notification envelope and the decrypted payloads, which no
// openapi3filter.ValidateResponse sees.
func checkSchema(t testing.TB, name string, data []byte) {
	t.Helper()
	docs, err := specDocs()
	if err != nil {
		t.Fatal(err)
	}
	var ref *openapi3.SchemaRef
	for _, doc := range docs {
		if ref == nil {
			ref = doc.Components.Schemas[name]
		}
	}
	if ref == nil {
		t.Fatalf("no schema %q", name)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		t.Errorf("%s does not match the spec: %v\n%s", name, err, data)
	}
}
