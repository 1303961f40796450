package spec

// The bundled documents themselves: the operations, names and rules that
// DESIGN.md and the facts sheet pin. The house rules every bundled file
// follows are in rules_test.go.

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

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
