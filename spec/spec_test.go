package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// load reads and validates every top-level YAML document in FS, keyed by file name.
func load(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	names, err := fs.Glob(FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 2 {
		t.Fatalf("FS holds %v, want at least discount-card.yaml and certificates.yaml", names)
	}
	docs := make(map[string]*openapi3.T, len(names))
	for _, name := range names {
		data, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromData(data)
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("%s: validate: %v", name, err)
		}
		docs[name] = doc
	}
	return docs
}

func discountCard(t *testing.T) *openapi3.T {
	t.Helper()
	doc := load(t)["discount-card.yaml"]
	if doc == nil {
		t.Fatal("discount-card.yaml missing from FS")
	}
	return doc
}

// operation is one operation of a document, callbacks included.
type operation struct {
	where    string // "METHOD path" or "callback key METHOD expression"
	op       *openapi3.Operation
	callback bool
}

func operations(doc *openapi3.T) []operation {
	var ops []operation
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			ops = append(ops, operation{where: method + " " + path, op: op})
			for key, cb := range op.Callbacks {
				for expr, item := range cb.Value.Map() {
					for cbMethod, cbOp := range item.Operations() {
						ops = append(ops, operation{where: key + " " + cbMethod + " " + expr, op: cbOp, callback: true})
					}
				}
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].where < ops[j].where })
	return ops
}

func TestDocumentsAreOpenAPI303(t *testing.T) {
	for name, doc := range load(t) {
		if doc.OpenAPI != "3.0.3" {
			t.Errorf("%s: openapi %q, want 3.0.3", name, doc.OpenAPI)
		}
		data, _ := FS.ReadFile(name)
		if regexp.MustCompile(`(?m)^\s*nullable:`).Match(data) {
			t.Errorf("%s: uses nullable; WeChat Pay never sends null", name)
		}
		if doc.Info == nil || doc.Info.Title == "" || doc.Info.Version == "" || doc.Info.Description == "" {
			t.Errorf("%s: info needs title, version and description", name)
		}
	}
}

func TestServers(t *testing.T) {
	want := []string{"https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com"}
	for name, doc := range load(t) {
		var got []string
		for _, s := range doc.Servers {
			got = append(got, s.URL)
			if s.Description == "" {
				t.Errorf("%s: server %s has no description", name, s.URL)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: servers %v, want %v (primary first)", name, got, want)
		}
	}
}

// Every operation of every file has an operationId (unique across files: they are merged into one
// package), a summary and a description; no method and path is defined by two files; and a
// callback operation of any file answers a Notification the way TestCallbacks pins for
// discount-card (event type unique across files).
func TestOperationsEveryFile(t *testing.T) {
	ids, routes, events := map[string]string{}, map[string]string{}, map[string]string{}
	docs := load(t)
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		doc := docs[name]
		if len(operations(doc)) == 0 {
			t.Errorf("%s: no operations", name)
		}
		for _, o := range operations(doc) {
			where := name + ": " + o.where
			if o.op.OperationID == "" || o.op.Summary == "" || o.op.Description == "" {
				t.Errorf("%s: needs an operationId, a summary and a description", where)
			}
			if prev, ok := ids[o.op.OperationID]; ok && o.op.OperationID != "" {
				t.Errorf("%s: operationId %s is also used in %s", where, o.op.OperationID, prev)
			}
			ids[o.op.OperationID] = where
			if !o.callback {
				if prev, ok := routes[o.where]; ok {
					t.Errorf("%s: also defined in %s", where, prev)
				}
				routes[o.where] = name
				if len(o.op.Responses.Map()) == 0 || o.op.Responses.Default() != nil {
					t.Errorf("%s: needs explicit responses and no default", where)
				}
				continue
			}
			event, _ := o.op.Extensions["x-wechatpay-event-type"].(string)
			if prev, ok := events[event]; ok {
				t.Errorf("%s: event type %s is also handled by %s", where, event, prev)
			}
			events[event] = where
			if o.op.RequestBody == nil || o.op.RequestBody.Value == nil {
				t.Errorf("%s: no request body", where)
			} else if mt := o.op.RequestBody.Value.Content.Get("application/json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Notification" {
				t.Errorf("%s: request body is not #/components/schemas/Notification", where)
			}
			if r := o.op.Responses.Value("204"); r == nil || len(r.Value.Content) != 0 {
				t.Errorf("%s: needs a 204 without body", where)
			}
		}
	}
}

func TestDiscountCardOperations(t *testing.T) {
	doc := discountCard(t)
	tests := []struct {
		method, path, id string
		success          string
		deprecated       bool
		offlineSince     string
		idempotent       bool
	}{
		{http.MethodPost, "/v3/discount-card/cards", "prepareCard", "200", false, "", false},
		{http.MethodGet, "/v3/discount-card/cards/{out_card_code}", "getCard", "200", false, "", false},
		{http.MethodPost, "/v3/discount-card/cards/{out_card_code}/add-user-records", "addUserRecords", "204", false, "", true},
		{http.MethodPatch, "/v3/discount-card/orders/{out_order_no}", "updateOrder", "200", true, "", false},
		{http.MethodGet, "/v3/discount-card/orders/{out_order_no}", "getOrder", "200", true, "", false},
		{http.MethodGet, "/v3/discount-card/orders/out-trade-no/{out_trade_no}", "getOrderByOutTradeNo", "200", true, "2020-03-26", false},
	}
	count := 0
	for _, o := range operations(doc) {
		if !o.callback {
			count++
		}
	}
	if count != len(tests) {
		t.Errorf("discount-card.yaml has %d operations, want %d", count, len(tests))
	}
	for _, tt := range tests {
		item := doc.Paths.Value(tt.path)
		if item == nil {
			t.Errorf("path %s missing", tt.path)
			continue
		}
		op := item.GetOperation(tt.method)
		if op == nil {
			t.Errorf("%s %s missing", tt.method, tt.path)
			continue
		}
		where := tt.method + " " + tt.path
		if op.OperationID != tt.id {
			t.Errorf("%s: operationId %q, want %q", where, op.OperationID, tt.id)
		}
		if op.Summary == "" || op.Description == "" {
			t.Errorf("%s: needs summary and description", where)
		}
		if op.Deprecated != tt.deprecated {
			t.Errorf("%s: deprecated %v, want %v", where, op.Deprecated, tt.deprecated)
		}
		if got, _ := op.Extensions["x-wechatpay-offline-since"].(string); got != tt.offlineSince {
			t.Errorf("%s: x-wechatpay-offline-since %q, want %q", where, got, tt.offlineSince)
		}
		if got, _ := op.Extensions["x-wechatpay-idempotent"].(bool); got != tt.idempotent {
			t.Errorf("%s: x-wechatpay-idempotent %v, want %v", where, got, tt.idempotent)
		}
		var codes []string
		for code := range op.Responses.Map() {
			if code[0] == '2' {
				codes = append(codes, code)
			}
		}
		if !slices.Equal(codes, []string{tt.success}) {
			t.Errorf("%s: success responses %v, want [%s]", where, codes, tt.success)
		}
		success := op.Responses.Value(tt.success)
		if success == nil {
			continue
		}
		if tt.success == "204" && len(success.Value.Content) != 0 {
			t.Errorf("%s: 204 must have no body", where)
		}
		if tt.success == "200" && success.Value.Content.Get("application/json") == nil {
			t.Errorf("%s: 200 needs an application/json body", where)
		}
		if strings.Contains(tt.path, "{") {
			for _, p := range op.Parameters {
				if p.Value.In != openapi3.ParameterInPath {
					t.Errorf("%s: unexpected %s parameter %s", where, p.Value.In, p.Value.Name)
				}
			}
			if len(op.Parameters) != 1 {
				t.Errorf("%s: %d parameters, want the one path parameter", where, len(op.Parameters))
			}
		}
	}
}

// Bodies reference the pinned component names directly: the schemas are the request/response types.
func TestBodiesReferencePinnedComponents(t *testing.T) {
	doc := discountCard(t)
	tests := []struct {
		method, path, request, response string
	}{
		{http.MethodPost, "/v3/discount-card/cards", "PrepareCardRequest", "PrepareCardResponse"},
		{http.MethodGet, "/v3/discount-card/cards/{out_card_code}", "", "Card"},
		{http.MethodPost, "/v3/discount-card/cards/{out_card_code}/add-user-records", "AddUserRecordsRequest", ""},
		{http.MethodPatch, "/v3/discount-card/orders/{out_order_no}", "UpdateOrderRequest", "UpdateOrderResponse"},
		{http.MethodGet, "/v3/discount-card/orders/{out_order_no}", "", "Order"},
		{http.MethodGet, "/v3/discount-card/orders/out-trade-no/{out_trade_no}", "", "Order"},
	}
	ref := func(c openapi3.Content) string {
		if mt := c.Get("application/json"); mt != nil && mt.Schema != nil {
			return strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		}
		return ""
	}
	for _, tt := range tests {
		op := doc.Paths.Value(tt.path).GetOperation(tt.method)
		got := ""
		if op.RequestBody != nil {
			got = ref(op.RequestBody.Value.Content)
			if !op.RequestBody.Value.Required {
				t.Errorf("%s %s: request body not required", tt.method, tt.path)
			}
		}
		if got != tt.request {
			t.Errorf("%s %s: request body %q, want %q", tt.method, tt.path, got, tt.request)
		}
		got = ""
		if r := op.Responses.Value("200"); r != nil {
			got = ref(r.Value.Content)
		}
		if got != tt.response {
			t.Errorf("%s %s: response body %q, want %q", tt.method, tt.path, got, tt.response)
		}
	}
}

func TestCallbacks(t *testing.T) {
	doc := discountCard(t)
	op := doc.Paths.Value("/v3/discount-card/cards").Post
	tests := []struct{ key, id, event, resource string }{
		{"userAccepted", "onUserAccepted", "DISCOUNT_CARD.USER_ACCEPTED", "UserAcceptedResource"},
		{"agreementEnded", "onAgreementEnded", "DISCOUNT_CARD.AGREEMENT_ENDED", "AgreementEndedResource"},
		{"userPaid", "onUserPaid", "DISCOUNT_CARD.USER_PAID", "UserPaidResource"},
	}
	if len(op.Callbacks) != len(tests) {
		t.Errorf("prepareCard has %d callbacks, want %d", len(op.Callbacks), len(tests))
	}
	for _, o := range operations(doc) {
		if !o.callback && o.where != "POST /v3/discount-card/cards" && len(o.op.Callbacks) != 0 {
			t.Errorf("%s: unexpected callbacks", o.where)
		}
	}
	for _, tt := range tests {
		cb := op.Callbacks[tt.key]
		if cb == nil || cb.Value == nil {
			t.Errorf("callback %s missing", tt.key)
			continue
		}
		if got := cb.Value.Len(); got != 1 {
			t.Errorf("callback %s has %d expressions, want 1", tt.key, got)
		}
		item := cb.Value.Value("{$request.body#/notify_url}")
		if item == nil || item.Post == nil {
			t.Errorf("callback %s: no post under {$request.body#/notify_url}", tt.key)
			continue
		}
		if len(item.Operations()) != 1 {
			t.Errorf("callback %s: %d operations, want only post", tt.key, len(item.Operations()))
		}
		post := item.Post
		if post.OperationID != tt.id {
			t.Errorf("callback %s: operationId %q, want %q", tt.key, post.OperationID, tt.id)
		}
		if got := post.Extensions["x-wechatpay-event-type"]; got != tt.event {
			t.Errorf("callback %s: x-wechatpay-event-type %v, want %s", tt.key, got, tt.event)
		}
		res, _ := post.Extensions["x-wechatpay-resource"].(string)
		if want := "#/components/schemas/" + tt.resource; res != want {
			t.Errorf("callback %s: x-wechatpay-resource %q, want %q", tt.key, res, want)
		}
		if s := doc.Components.Schemas[strings.TrimPrefix(res, "#/components/schemas/")]; !strings.HasPrefix(res, "#/components/schemas/") || s == nil || s.Value == nil {
			t.Errorf("callback %s: x-wechatpay-resource %q does not resolve to a component schema", tt.key, res)
		} else if !s.Value.Type.Is(openapi3.TypeObject) {
			t.Errorf("callback %s: %s is not an object", tt.key, res)
		}
		if post.RequestBody == nil || post.RequestBody.Value == nil {
			t.Errorf("callback %s: no request body", tt.key)
		} else if mt := post.RequestBody.Value.Content.Get("application/json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Notification" {
			t.Errorf("callback %s: request body is not #/components/schemas/Notification", tt.key)
		} else if ex, ok := mt.Example.(map[string]any); !ok || ex["event_type"] != tt.event {
			t.Errorf("callback %s: example event_type is not %s", tt.key, tt.event)
		}
		var codes []string
		for code := range post.Responses.Map() {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		if want := []string{"204", "4XX", "5XX"}; !slices.Equal(codes, want) {
			t.Errorf("callback %s: responses %v, want %v", tt.key, codes, want)
		}
		for _, code := range []string{"4XX", "5XX"} {
			r := post.Responses.Value(code)
			if r == nil {
				continue
			}
			if mt := r.Value.Content.Get("application/json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/NotificationFailure" {
				t.Errorf("callback %s %s: body is not #/components/schemas/NotificationFailure", tt.key, code)
			}
		}
		if r := post.Responses.Value("204"); r != nil && len(r.Value.Content) != 0 {
			t.Errorf("callback %s: 204 must have no body", tt.key)
		}
	}
	env := doc.Components.Schemas["Notification"]
	if env == nil {
		t.Fatal("Notification schema missing")
	}
	for _, f := range []string{"id", "create_time", "event_type", "resource_type", "summary", "resource"} {
		if env.Value.Properties[f] == nil {
			t.Errorf("Notification.%s missing", f)
		}
	}
	if got := env.Value.Properties["resource"].Ref; got != "#/components/schemas/EncryptedResource" {
		t.Errorf("Notification.resource is %q, want #/components/schemas/EncryptedResource", got)
	}
	for _, f := range []string{"algorithm", "ciphertext", "nonce", "associated_data", "original_type"} {
		if doc.Components.Schemas["EncryptedResource"].Value.Properties[f] == nil {
			t.Errorf("EncryptedResource.%s missing", f)
		}
	}
}

func TestOutCardCodePattern(t *testing.T) {
	doc := discountCard(t)
	param := doc.Components.Parameters["OutCardCode"]
	if param == nil {
		t.Fatal("parameter OutCardCode missing")
	}
	schema := param.Value.Schema.Value
	re, err := regexp.Compile(schema.Pattern)
	if err != nil {
		t.Fatalf("pattern %q does not compile in RE2: %v", schema.Pattern, err)
	}
	// The same rule wherever out_card_code appears as a request value.
	for _, name := range []string{"PrepareCardRequest", "Card"} {
		if got := doc.Components.Schemas[name].Value.Properties["out_card_code"].Value.Pattern; got != schema.Pattern {
			t.Errorf("%s.out_card_code pattern %q, want %q", name, got, schema.Pattern)
		}
	}
	// Every operation with {out_card_code} uses the shared parameter.
	for _, o := range operations(doc) {
		if !strings.Contains(o.where, "{out_card_code}") {
			continue
		}
		if len(o.op.Parameters) == 0 || o.op.Parameters[0].Ref != "#/components/parameters/OutCardCode" {
			t.Errorf("%s: does not use #/components/parameters/OutCardCode", o.where)
		}
	}
	for _, s := range []string{"6e8369071cd942c0476613f9d1ce9ca3", "a|b*c_d-e", "A", strings.Repeat("z", 32)} {
		if !re.MatchString(s) {
			t.Errorf("pattern refuses %q", s)
		}
		if err := schema.VisitJSON(s); err != nil {
			t.Errorf("schema refuses %q: %v", s, err)
		}
	}
	for _, s := range []string{"a/b", "..", ".", "", strings.Repeat("z", 33), "a b", "a%7Cb", "a?b", "a#b", "卡", "a\nb"} {
		if re.MatchString(s) {
			t.Errorf("pattern accepts %q", s)
		}
		if err := schema.VisitJSON(s); err == nil {
			t.Errorf("schema accepts %q", s)
		}
	}
}

func TestErrorResponses(t *testing.T) {
	for name, doc := range load(t) {
		for _, o := range operations(doc) {
			if o.callback {
				continue // TestCallbacks checks the NotificationFailure answers
			}
			for _, code := range []string{"4XX", "5XX"} {
				r := o.op.Responses.Value(code)
				if r == nil {
					t.Errorf("%s: %s: no %s response", name, o.where, code)
					continue
				}
				if r.Ref != "#/components/responses/Error" {
					t.Errorf("%s: %s: %s is %q, want #/components/responses/Error", name, o.where, code, r.Ref)
				}
			}
		}
		errResp := doc.Components.Responses["Error"]
		if errResp == nil {
			t.Errorf("%s: components/responses/Error missing", name)
			continue
		}
		if mt := errResp.Value.Content.Get("application/json"); mt == nil || mt.Schema.Ref != "#/components/schemas/ErrorResponse" {
			t.Errorf("%s: Error response body is not ErrorResponse", name)
		}
		ref := doc.Components.Schemas["ErrorResponse"]
		if ref == nil || ref.Value == nil {
			t.Errorf("%s: components/schemas/ErrorResponse missing", name)
			continue
		}
		s := ref.Value
		if !slices.Equal(s.Required, []string{"code", "message"}) {
			t.Errorf("%s: ErrorResponse required %v, want [code message]", name, s.Required)
		}
		for _, f := range []string{"code", "message", "detail"} {
			if s.Properties[f] == nil {
				t.Errorf("%s: ErrorResponse.%s missing", name, f)
			}
		}
		// The body may carry keys we do not list, in detail too.
		extra := map[string]any{"code": "SIGN_ERROR", "message": "错误的签名,验签失败", "detail": map[string]any{
			"field": "signature", "location": "authorization", "detail": map[string]any{"issue": "sign not match"},
			"sign_information": map[string]any{"method": "GET", "url": "/v3/certificates"},
		}, "extra": true}
		if err := s.VisitJSON(extra); err != nil {
			t.Errorf("%s: ErrorResponse refuses additional keys: %v", name, err)
		}
	}
}

// Components defined in several files must be identical (DESIGN.md: the merge rule).
func TestDuplicateComponentsAreIdentical(t *testing.T) {
	docs := load(t)
	type seen struct {
		file string
		json []byte
	}
	check := func(kind, name, file string, v any, m map[string]seen) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := m[name]; ok && string(prev.json) != string(b) {
			t.Errorf("%s %s differs between %s and %s", kind, name, prev.file, file)
		}
		m[name] = seen{file, b}
	}
	schemas, responses, parameters := map[string]seen{}, map[string]seen{}, map[string]seen{}
	files := make([]string, 0, len(docs))
	for f := range docs {
		files = append(files, f)
	}
	slices.Sort(files)
	for _, f := range files {
		c := docs[f].Components
		for n, s := range c.Schemas {
			check("schema", n, f, s, schemas)
		}
		for n, r := range c.Responses {
			check("response", n, f, r, responses)
		}
		for n, p := range c.Parameters {
			check("parameter", n, f, p, parameters)
		}
	}
	if _, ok := schemas["ErrorResponse"]; !ok {
		t.Error("ErrorResponse not defined")
	}
}

func TestPinnedComponents(t *testing.T) {
	doc := discountCard(t)
	for _, name := range []string{
		// CONTRACT.md section 1 and DESIGN.md part 1.
		"PrepareCardRequest", "PrepareCardResponse", "AddUserRecordsRequest", "Card",
		"UpdateOrderRequest", "UpdateOrderResponse", "Order", "ErrorResponse",
		"ObjectiveCompletionRecord", "RewardUsageRecord", "TimeRange", "Objective", "Reward",
		"PayInformation", "UserAcceptedResource", "AgreementEndedResource", "UserPaidResource",
		"Notification", "EncryptedResource", "NotificationFailure",
		// Shared enums and legacy shapes.
		"CompletionType", "UsageType", "CardState", "UnfinishedReason", "OrderObjective", "OrderReward",
	} {
		if s := doc.Components.Schemas[name]; s == nil || s.Value == nil {
			t.Errorf("component schema %s missing", name)
		} else if s.Value.Description == "" {
			t.Errorf("component schema %s has no description", name)
		}
	}
	certs := load(t)["certificates.yaml"]
	if certs == nil {
		t.Fatal("certificates.yaml missing from FS")
	}
	op := certs.Paths.Value("/v3/certificates").Get
	if op == nil || op.OperationID != "listCertificates" {
		t.Fatal("GET /v3/certificates (listCertificates) missing")
	}
	if mt := op.Responses.Value("200").Value.Content.Get("application/json"); mt.Schema.Ref != "#/components/schemas/CertificateList" {
		t.Errorf("listCertificates 200 body is %q, want CertificateList", mt.Schema.Ref)
	}
	for _, name := range []string{"CertificateList", "PlatformCertificate", "EncryptCertificate", "ErrorResponse"} {
		if certs.Components.Schemas[name] == nil {
			t.Errorf("certificates.yaml: component schema %s missing", name)
		}
	}
	if p := op.Parameters.GetByInAndName(openapi3.ParameterInQuery, "algorithm_type"); p == nil || p.Required {
		t.Error("listCertificates: optional query parameter algorithm_type missing")
	}
}

// Constraints the facts sheet states, checked where a mistake would be silent.
func TestFieldRules(t *testing.T) {
	doc := discountCard(t)
	prop := func(schema, field string) *openapi3.Schema {
		t.Helper()
		s := doc.Components.Schemas[schema]
		if s == nil || s.Value.Properties[field] == nil {
			t.Fatalf("%s.%s missing", schema, field)
		}
		return s.Value.Properties[field].Value
	}
	if got := prop("AddUserRecordsRequest", "objective_completion_records").MaxItems; got == nil || *got != 1 {
		t.Errorf("objective_completion_records maxItems %v, want 1", got)
	}
	if got := prop("PrepareCardResponse", "prepare_card_token").MaxLength; got == nil || *got != 256 {
		t.Errorf("prepare_card_token maxLength %v, want 256", got)
	}
	if s := prop("PrepareCardRequest", "notify_url"); s.Format != "uri" || s.MaxLength == nil || *s.MaxLength != 255 {
		t.Errorf("notify_url: format %q maxLength %v, want uri and 255", s.Format, s.MaxLength)
	}
	for _, money := range [][2]string{
		{"RewardUsageRecord", "amount"}, {"Reward", "amount"}, {"Card", "total_amount"},
		{"PayInformation", "pay_amount"}, {"Order", "estimated_reward_amount"},
		{"UserPaidResource", "total_amount"}, {"AgreementEndedResource", "total_amount"},
	} {
		if s := prop(money[0], money[1]); !s.Type.Is(openapi3.TypeInteger) || s.Format != "int64" {
			t.Errorf("%s.%s: %v %q, want integer int64", money[0], money[1], s.Type, s.Format)
		}
	}
	for _, positive := range [][2]string{
		{"ObjectiveCompletionRecord", "completion_count"}, {"RewardUsageRecord", "usage_count"},
		{"RewardUsageRecord", "amount"}, {"Objective", "count"}, {"Reward", "count"}, {"Reward", "amount"},
	} {
		if s := prop(positive[0], positive[1]); s.Min == nil || *s.Min != 1 {
			t.Errorf("%s.%s: minimum %v, want 1", positive[0], positive[1], s.Min)
		}
	}
	// objective_id/reward_id: string in the current API, integer in the legacy one.
	for _, f := range [][2]string{{"ObjectiveCompletionRecord", "objective_id"}, {"Objective", "objective_id"}, {"RewardUsageRecord", "reward_id"}, {"Reward", "reward_id"}} {
		if !prop(f[0], f[1]).Type.Is(openapi3.TypeString) {
			t.Errorf("%s.%s is not a string", f[0], f[1])
		}
	}
	for _, f := range [][2]string{{"OrderObjective", "objective_id"}, {"UpdateOrderObjective", "objective_id"}, {"OrderReward", "reward_id"}, {"UpdateOrderReward", "reward_id"}} {
		if !prop(f[0], f[1]).Type.Is(openapi3.TypeInteger) {
			t.Errorf("%s.%s is not an integer", f[0], f[1])
		}
	}
	for _, name := range []string{"objectives", "rewards"} {
		if slices.Contains(doc.Components.Schemas["Card"].Value.Required, name) {
			t.Errorf("Card.%s must stay optional (sources disagree)", name)
		}
	}
}

// Rules for every schema of every file, inline ones included: a date-time is a string of at most 32
// characters; every enum value is explained in the description.
func TestSchemaRules(t *testing.T) {
	for name, doc := range load(t) {
		seen := map[*openapi3.Schema]bool{}
		for _, r := range schemaRoots(doc) {
			walk(r.schema, name+": "+r.where, seen, func(where string, s *openapi3.Schema) {
				if s.Format == "date-time" && (!s.Type.Is(openapi3.TypeString) || s.MaxLength == nil || *s.MaxLength != 32) {
					t.Errorf("%s: date-time that is not a string of maxLength 32", where)
				}
				for _, v := range s.Enum {
					if !strings.Contains(s.Description, fmt.Sprintf("- `%v`: ", v)) {
						t.Errorf("%s: enum value %v not described as \"- `%v`: ...\"", where, v, v)
					}
				}
			})
		}
	}
}

// root is a schema where a walk starts.
type root struct {
	where  string
	schema *openapi3.Schema
}

// schemaRoots lists the component schemas and parameters, then the schemas of the parameters and
// bodies of every operation (callbacks included), so that inline schemas are walked too.
func schemaRoots(doc *openapi3.T) []root {
	var roots []root
	c := doc.Components
	if c == nil {
		c = &openapi3.Components{}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Schemas)) {
		roots = append(roots, root{n, c.Schemas[n].Value})
	}
	for _, n := range slices.Sorted(maps.Keys(c.Parameters)) {
		if p := c.Parameters[n].Value; p.Schema != nil {
			roots = append(roots, root{"parameter " + n, p.Schema.Value})
		}
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, p := range doc.Paths.Value(path).Parameters {
			if p.Value.Schema != nil {
				roots = append(roots, root{path + " parameter " + p.Value.Name, p.Value.Schema.Value})
			}
		}
	}
	for _, o := range operations(doc) {
		for _, p := range o.op.Parameters {
			if p.Value.Schema != nil {
				roots = append(roots, root{o.where + " parameter " + p.Value.Name, p.Value.Schema.Value})
			}
		}
		if o.op.RequestBody != nil {
			for _, ct := range slices.Sorted(maps.Keys(o.op.RequestBody.Value.Content)) {
				if mt := o.op.RequestBody.Value.Content[ct]; mt.Schema != nil {
					roots = append(roots, root{o.where + " request " + ct, mt.Schema.Value})
				}
			}
		}
		for _, code := range slices.Sorted(maps.Keys(o.op.Responses.Map())) {
			c := o.op.Responses.Value(code).Value.Content
			for _, ct := range slices.Sorted(maps.Keys(c)) {
				if mt := c[ct]; mt.Schema != nil {
					roots = append(roots, root{o.where + " response " + code + " " + ct, mt.Schema.Value})
				}
			}
		}
	}
	return roots
}

func walk(s *openapi3.Schema, where string, seen map[*openapi3.Schema]bool, f func(string, *openapi3.Schema)) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	f(where, s)
	for name, p := range s.Properties {
		walk(p.Value, where+"."+name, seen, f)
	}
	if s.Items != nil {
		walk(s.Items.Value, where+"[]", seen, f)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		walk(ap.Value, where+"{}", seen, f)
	}
	for kind, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, x := range list {
			walk(x.Value, fmt.Sprintf("%s(%s %d)", where, kind, i), seen, f)
		}
	}
	if s.Not != nil {
		walk(s.Not.Value, where+"(not)", seen, f)
	}
}

// specExtensions are the extensions of DESIGN.md's table a spec file of ours may carry (not x-go-*,
// which is for users' own specs).
var specExtensions = []string{
	"x-wechatpay-idempotent", "x-wechatpay-unsigned-response", "x-wechatpay-offline-since",
	"x-wechatpay-event-type", "x-wechatpay-resource", "x-wechatpay-sign-part", "x-wechatpay-sensitive",
}

// Every file carries only the extensions of DESIGN.md's table, each where it means something and
// with a value of the right kind: the generator would silently ignore a misplaced one.
func TestExtensions(t *testing.T) {
	for name, doc := range load(t) {
		data, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range extensionProblems(name, data, doc) {
			t.Error(p)
		}
	}
}

// The check itself finds each kind of mistake.
func TestExtensionProblemsFound(t *testing.T) {
	const bad = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v3/a:
    get:
      x-wechatpay-idempotent: true
      x-wechatpay-offline-since: '2020-03-26'
      parameters:
        - {name: q, in: query, x-wechatpay-sensitive: true, schema: {type: string}}
      responses:
        '200': {description: ok}
    post:
      x-go-name: Make
      x-wechatpay-unsigned-response: 'yes'
      requestBody:
        x-wechatpay-sign-part: meta
        content:
          application/json:
            schema:
              type: object
              properties:
                n: {type: integer, x-wechatpay-sensitive: true}
      responses:
        '200': {description: ok}
`
	doc, err := openapi3.NewLoader().LoadFromData([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(extensionProblems("bad.yaml", []byte(bad), doc), "\n")
	for _, want := range []string{
		"bad.yaml: GET /v3/a: x-wechatpay-idempotent on a GET",
		"bad.yaml: GET /v3/a: x-wechatpay-offline-since 2020-03-26: want a YYYY-MM-DD date on a deprecated operation",
		"bad.yaml: unexpected extension x-go-name",
		"bad.yaml: POST /v3/a: x-wechatpay-unsigned-response: yes, want true",
		"bad.yaml: POST /v3/a: x-wechatpay-sign-part meta: want the name of a required part of a multipart/form-data body",
		"bad.yaml: POST /v3/a request application/json.n: x-wechatpay-sensitive true: want true on a string",
		"bad.yaml: x-wechatpay-sensitive written 2 times, 1 of them where it applies",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problem %q not found in:\n%s", want, got)
		}
	}
}

// extensionProblems lists what is wrong with the extensions of one spec file.
func extensionProblems(name string, data []byte, doc *openapi3.T) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	// A key in block style (at the start of a line, maybe after "- ") or in flow style (after "{" or ",").
	re := regexp.MustCompile(`(?m)(?:^\s*(?:- )?|[{,]\s*)(x-[A-Za-z0-9-]+)\s*:`)
	{
		written := map[string]int{}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			if !slices.Contains(specExtensions, m[1]) {
				errorf("%s: unexpected extension %s", name, m[1])
			}
			written[m[1]]++
		}
		placed := map[string]int{} // occurrences found where the extension applies
		for _, o := range operations(doc) {
			where := name + ": " + o.where
			for k, v := range o.op.Extensions {
				placed[k]++
				switch k {
				case "x-wechatpay-idempotent", "x-wechatpay-unsigned-response":
					if v != true || o.callback {
						errorf("%s: %s: %v, want true on an operation of a path", where, k, v)
					}
					if k == "x-wechatpay-idempotent" && strings.HasPrefix(o.where, http.MethodGet+" ") {
						errorf("%s: %s on a GET, which is idempotent anyway", where, k)
					}
				case "x-wechatpay-offline-since":
					s, _ := v.(string)
					if _, err := time.Parse(time.DateOnly, s); err != nil || !o.op.Deprecated || o.callback {
						errorf("%s: %s %v: want a YYYY-MM-DD date on a deprecated operation", where, k, v)
					}
				case "x-wechatpay-event-type", "x-wechatpay-resource":
					if s, _ := v.(string); s == "" || !o.callback {
						errorf("%s: %s %v: want a string on a callback operation", where, k, v)
					}
				default:
					placed[k]--
				}
			}
			if o.callback {
				event, _ := o.op.Extensions["x-wechatpay-event-type"].(string)
				res, _ := o.op.Extensions["x-wechatpay-resource"].(string)
				if s := doc.Components.Schemas[strings.TrimPrefix(res, "#/components/schemas/")]; event == "" || !strings.HasPrefix(res, "#/components/schemas/") || s == nil {
					errorf("%s: a callback needs x-wechatpay-event-type and an x-wechatpay-resource naming a component schema (got %q, %q)", where, event, res)
				}
			}
			if o.op.RequestBody == nil {
				continue
			}
			body := o.op.RequestBody.Value
			if v, ok := body.Extensions["x-wechatpay-sign-part"]; ok {
				placed["x-wechatpay-sign-part"]++
				part, _ := v.(string)
				mt := body.Content.Get("multipart/form-data")
				if mt == nil || len(body.Content) != 1 || mt.Schema == nil || mt.Schema.Value.Properties[part] == nil || !slices.Contains(mt.Schema.Value.Required, part) {
					errorf("%s: x-wechatpay-sign-part %v: want the name of a required part of a multipart/form-data body", where, v)
				} else if !mt.Schema.Value.Properties[part].Value.Type.Is(openapi3.TypeObject) {
					errorf("%s: x-wechatpay-sign-part %s: the signed part must be a JSON object", where, part)
				}
			}
		}
		seen := map[*openapi3.Schema]bool{}
		for _, r := range schemaRoots(doc) {
			walk(r.schema, name+": "+r.where, seen, func(where string, s *openapi3.Schema) {
				if v, ok := s.Extensions["x-wechatpay-sensitive"]; ok {
					placed["x-wechatpay-sensitive"]++
					if v != true || !s.Type.Is(openapi3.TypeString) {
						errorf("%s: x-wechatpay-sensitive %v: want true on a string", where, v)
					}
				}
			})
		}
		for k, n := range written {
			if slices.Contains(specExtensions, k) && placed[k] != n {
				errorf("%s: %s written %d times, %d of them where it applies", name, k, n, placed[k])
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// Every request and response body has a full example that its schema accepts, so examples used by
// docs and tests cannot drift from the schemas.
func TestBodyExamples(t *testing.T) {
	for name, doc := range load(t) {
		for _, o := range operations(doc) {
			var bodies []struct {
				what string
				c    openapi3.Content
			}
			if o.op.RequestBody != nil {
				bodies = append(bodies, struct {
					what string
					c    openapi3.Content
				}{"request", o.op.RequestBody.Value.Content})
			}
			for code, r := range o.op.Responses.Map() {
				bodies = append(bodies, struct {
					what string
					c    openapi3.Content
				}{"response " + code, r.Value.Content})
			}
			for _, b := range bodies {
				for ct, mt := range b.c {
					where := name + ": " + o.where + ": " + b.what + " " + ct
					if mt.Example == nil {
						t.Errorf("%s: no example", where)
						continue
					}
					if mt.Schema == nil || mt.Schema.Value == nil {
						t.Errorf("%s: no schema", where)
						continue
					}
					if err := mt.Schema.Value.VisitJSON(asJSON(t, mt.Example)); err != nil {
						t.Errorf("%s: example does not match its schema: %v", where, err)
					}
				}
			}
		}
		// Schema-level examples of the notification payloads (they have no body of their own).
		for n, s := range doc.Components.Schemas {
			if s.Value.Example == nil {
				continue
			}
			if err := s.Value.VisitJSON(asJSON(t, s.Value.Example)); err != nil {
				t.Errorf("%s: schema %s: example does not match: %v", name, n, err)
			}
		}
		for _, n := range []string{"UserAcceptedResource", "AgreementEndedResource", "UserPaidResource"} {
			if s := doc.Components.Schemas[n]; s != nil && s.Value.Example == nil {
				t.Errorf("%s: %s has no example", name, n)
			}
		}
	}
}

// asJSON gives v the shape encoding/json would decode from the wire (float64 numbers, map[string]any).
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
