package wxtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
	"github.com/wxpaygen/wxpaygen/spec"
)

func loadDiscountCard(t *testing.T) *openapi3.T {
	t.Helper()
	data, err := spec.FS.ReadFile("discount-card.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return loadSpec(t, data)
}

// The real document, answered by ExampleHandler, to a hand-signed GET.
func TestDiscountCardGetCard(t *testing.T) {
	srv := wxtest.NewServer(t, wxtest.Options{Spec: loadDiscountCard(t), ValidateResponses: true})
	resp, body := do(t, srv, "GET", "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if err := verifyResponse(resp.Header, body); err != nil {
		t.Error(err)
	}
	var card map[string]any
	if err := json.Unmarshal(body, &card); err != nil {
		t.Fatal(err)
	}
	if card["out_card_code"] == nil || card["state"] == nil {
		t.Errorf("card %s", body)
	}
	if r := srv.Requests()[0]; r.Route == nil || r.Route.OperationID != "getCard" || r.Route.PathParams["out_card_code"] != "6e8369071cd942c0476613f9d1ce9ca3" {
		t.Errorf("route %+v", r.Route)
	}
}

// Every operation of the real document, called with the examples of its
// path parameters and request body, validates and answers its example.
func TestDiscountCardExamples(t *testing.T) {
	doc := loadDiscountCard(t)
	srv := wxtest.NewServer(t, wxtest.Options{Spec: doc, ValidateResponses: true})
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			t.Run(op.OperationID, func(t *testing.T) {
				target := path
				for _, p := range append(item.Parameters, op.Parameters...) {
					if p.Value.In != openapi3.ParameterInPath {
						continue
					}
					ex := p.Value.Example
					if ex == nil && p.Value.Schema != nil {
						ex = p.Value.Schema.Value.Example
					}
					if ex == nil {
						t.Fatalf("path parameter %s has no example", p.Value.Name)
					}
					target = strings.ReplaceAll(target, "{"+p.Value.Name+"}", fmt.Sprint(ex))
				}
				body := ""
				if rb := op.RequestBody; rb != nil {
					mt := rb.Value.Content.Get("application/json")
					if mt == nil || mt.Example == nil {
						t.Fatalf("request body has no example")
					}
					b, err := json.Marshal(mt.Example)
					if err != nil {
						t.Fatal(err)
					}
					body = string(b)
				}
				resp, b := do(t, srv, method, target, body, func(_ *auth, r *http.Request) {
					r.Header.Set("Wechatpay-Serial", testkeys.PublicKeyID)
				})
				if resp.StatusCode/100 != 2 {
					t.Fatalf("status %d: %s", resp.StatusCode, b)
				}
				if err := verifyResponse(resp.Header, b); err != nil {
					t.Error(err)
				}
			})
		}
	}
}
