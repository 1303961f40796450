package front_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
	"github.com/wxpaygen/wxpaygen/spec"
)

// TestWhatAnswers: a programmed answer comes before the handler, the
// handler before the example, and nil from the handler means the example;
// dropped requests are observed too.
func TestWhatAnswers(t *testing.T) {
	doc, err := front.LoadSpecFS(spec.FS)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := gateway.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := gateway.ParsePublicKey(testkeys.MerchantPublicKeyPEM)
	key, _ := gateway.ParsePrivateKey(testkeys.PlatformKeyPEM)
	var answers gateway.Answers
	var faults gateway.FaultSet
	var mu sync.Mutex // Observe runs on the server's goroutines
	var observed []*front.Exchange
	s := &front.Server{
		Verifier: gateway.Verifier{MchID: testkeys.MchID, MerchantSerial: testkeys.MerchantSerial, Key: pub},
		Signer:   gateway.Signer{Key: key, PublicKeyID: testkeys.PublicKeyID},
		Router:   rt, Answers: &answers, Faults: &faults,
		Handler: front.HandlerFunc(func(_ context.Context, ex *front.Exchange) *gateway.Response {
			if ex.Route.OperationID == "getCard" {
				return &gateway.Response{Status: 299, Header: http.Header{}}
			}
			return nil
		}),
		Observe: func(ex *front.Exchange) {
			mu.Lock()
			observed = append(observed, ex)
			mu.Unlock()
		},
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	get := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "test")
		wxtest.SignRequest(req, nil, time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/v3/discount-card/cards/c"); got != 299 {
		t.Errorf("handler: %d", got)
	}
	if got := get("/v3/pay/transactions/out-trade-no/T1?mchid=1"); got != 200 {
		t.Errorf("example: %d", got)
	}
	answers.Set("getCard", gateway.Answer{Status: 404, Code: "RESOURCE_NOT_EXISTS", Times: 1})
	if got := get("/v3/discount-card/cards/c"); got != 404 {
		t.Errorf("programmed: %d", got)
	}
	faults.Set([]gateway.Fault{{Kind: gateway.FaultDrop, Times: 1}})
	if got := get("/v3/discount-card/cards/c"); got != -1 {
		t.Errorf("drop: %d", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(observed) != 4 || !observed[2].Programmed || !observed[3].Dropped || observed[3].Response != nil || !observed[0].Admitted {
		t.Errorf("observed %d exchanges", len(observed))
	}
}
