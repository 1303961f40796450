package wechatpay_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// operationByID finds an operation of doc and its success response.
func operationByID(t *testing.T, doc *openapi3.T, id string) (method, path string, op *openapi3.Operation) {
	t.Helper()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == id {
				return method, path, op
			}
		}
	}
	t.Fatalf("operation %s not in the spec", id)
	return "", "", nil
}

func requestExample(t *testing.T, op *openapi3.Operation) any {
	t.Helper()
	if op.RequestBody == nil {
		return nil
	}
	return op.RequestBody.Value.Content.Get("application/json").Example
}

func responseExample(t *testing.T, op *openapi3.Operation) any {
	t.Helper()
	for _, code := range []int{200, 201, 202} {
		if r := op.Responses.Status(code); r != nil && r.Value.Content != nil {
			return r.Value.Content.Get("application/json").Example
		}
	}
	return nil
}

// decodeInto fills a typed value from a spec example, so that requests are
// built from the spec's own examples.
func decodeInto(t *testing.T, example any, dst any) {
	t.Helper()
	b, err := json.Marshal(example)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		t.Fatalf("example does not decode into %T: %v", dst, err)
	}
}

// sameJSON compares two JSON values regardless of key order.
func sameJSON(t *testing.T, what string, got []byte, want any) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	wb, _ := json.Marshal(want)
	_ = json.Unmarshal(wb, &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs:\n got %s\nwant %s", what, got, wb)
	}
}

// TestChainCallsAgainstTheSpec calls every operation through the chain
// against a server that verifies the signature and validates the request with
// openapi3filter, then checks the request on the wire and that the spec's
// response example decodes into the typed response.
func TestChainCallsAgainstTheSpec(t *testing.T) {
	type call func(ctx context.Context, c *wechatpay.Client, body any) (any, *apiv3.Response, error)
	cases := []struct {
		file, opID string
		target     string
		newBody    func() any
		call       call
	}{
		{"discount-card.yaml", "prepareCard", "/v3/discount-card/cards",
			func() any { return new(wechatpay.PrepareCardRequest) },
			func(ctx context.Context, c *wechatpay.Client, body any) (any, *apiv3.Response, error) {
				return c.V3.DiscountCard.Cards.Post(ctx, body.(*wechatpay.PrepareCardRequest))
			}},
		{"discount-card.yaml", "getCard", "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3", nil,
			func(ctx context.Context, c *wechatpay.Client, _ any) (any, *apiv3.Response, error) {
				return c.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctx)
			}},
		{"discount-card.yaml", "addUserRecords", "/v3/discount-card/cards/6e8369071cd942c0476613f9d1ce9ca3/add-user-records",
			func() any { return new(wechatpay.AddUserRecordsRequest) },
			func(ctx context.Context, c *wechatpay.Client, body any) (any, *apiv3.Response, error) {
				resp, err := c.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").AddUserRecords.Post(ctx, body.(*wechatpay.AddUserRecordsRequest))
				return nil, resp, err
			}},
		{"discount-card.yaml", "updateOrder", "/v3/discount-card/orders/233bcbf407e87789b8e471f251774f95",
			func() any { return new(wechatpay.UpdateOrderRequest) },
			func(ctx context.Context, c *wechatpay.Client, body any) (any, *apiv3.Response, error) {
				return c.V3.DiscountCard.Orders.OutOrderNo("233bcbf407e87789b8e471f251774f95").Patch(ctx, body.(*wechatpay.UpdateOrderRequest))
			}},
		{"discount-card.yaml", "getOrder", "/v3/discount-card/orders/233bcbf407e87789b8e471f251774f95", nil,
			func(ctx context.Context, c *wechatpay.Client, _ any) (any, *apiv3.Response, error) {
				return c.V3.DiscountCard.Orders.OutOrderNo("233bcbf407e87789b8e471f251774f95").Get(ctx)
			}},
		{"discount-card.yaml", "getOrderByOutTradeNo", "/v3/discount-card/orders/out-trade-no/6e8369071cd942c0476613f9d1ce9ca3", nil,
			func(ctx context.Context, c *wechatpay.Client, _ any) (any, *apiv3.Response, error) {
				return c.V3.DiscountCard.Orders.OutTradeNo.OutTradeNo("6e8369071cd942c0476613f9d1ce9ca3").Get(ctx)
			}},
		{"certificates.yaml", "listCertificates", "/v3/certificates", nil,
			func(ctx context.Context, c *wechatpay.Client, _ any) (any, *apiv3.Response, error) {
				return c.V3.Certificates.Get(ctx, nil)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.opID, func(t *testing.T) {
			doc := specDoc(t, tc.file)
			method, _, op := operationByID(t, doc, tc.opID)
			srv, client := newServerAndClient(t, tc.file, wxtest.Options{Spec: doc})
			var body any
			if tc.newBody != nil {
				body = tc.newBody()
				decodeInto(t, requestExample(t, op), body)
			}
			out, resp, err := tc.call(ctxT(t), client, body)
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if resp == nil || resp.RequestID == "" {
				t.Fatalf("response without Request-ID: %+v", resp)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != method || got.RequestURI != tc.target || !got.Verified {
				t.Errorf("server saw %s %s (signature verified: %v), want %s %s", got.Method, got.RequestURI, got.Verified, method, tc.target)
			}
			if got.StatusCode/100 != 2 {
				t.Errorf("server answered %d", got.StatusCode)
			}
			checkHeaders(t, got.Header, body != nil)
			if body != nil {
				sameJSON(t, "request body", got.Body, requestExample(t, op))
			} else if len(got.Body) != 0 {
				t.Errorf("GET sent a body: %q", got.Body)
			}
			if example := responseExample(t, op); example != nil {
				// The example, decoded by us into the same type, must equal
				// what the client decoded from the wire (times compare by
				// instant, so 10:34:56+08:00 equals 10:34:56.000+08:00).
				want := reflect.New(reflect.TypeOf(out).Elem()).Interface()
				decodeInto(t, example, want)
				if !reflect.DeepEqual(out, want) {
					t.Errorf("decoded response %+v, want %+v", out, want)
				}
				if reflect.ValueOf(out).Elem().IsZero() {
					t.Errorf("decoded response is empty")
				}
			} else if resp.StatusCode != http.StatusNoContent {
				t.Errorf("status %d, want 204", resp.StatusCode)
			}
		})
	}
}

func checkHeaders(t *testing.T, h http.Header, hasBody bool) {
	t.Helper()
	if got := h.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if ua := h.Get("User-Agent"); !strings.HasPrefix(ua, "wxpaygen/") {
		t.Errorf("User-Agent = %q, want wxpaygen/...", ua)
	}
	if got := h.Get("Wechatpay-Serial"); got != testkeys.PublicKeyID {
		t.Errorf("Wechatpay-Serial = %q, want the public-key ID", got)
	}
	if ct := h.Get("Content-Type"); hasBody != strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q with body %v", ct, hasBody)
	}
}

// TestOutCardCodeWithPipeAndStar sends the two legal characters that must be
// percent-encoded; the server decodes them back and validates the pattern.
func TestOutCardCodeWithPipeAndStar(t *testing.T) {
	var seen string
	doc := specDoc(t, "discount-card.yaml")
	examples := wxtest.ExampleHandler(doc)
	srv, client := newServerAndClient(t, "discount-card.yaml", wxtest.Options{Spec: doc,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = wxtest.PathParam(r, "out_card_code")
			examples.ServeHTTP(w, r)
		})})
	const code = "ab|cd*ef_-9"
	if _, _, err := client.V3.DiscountCard.Cards.OutCardCode(code).Get(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].RequestURI; got != "/v3/discount-card/cards/ab%7Ccd%2Aef_-9" {
		t.Errorf("request-target %q", got)
	}
	if seen != code {
		t.Errorf("server decoded %q, want %q", seen, code)
	}
}
