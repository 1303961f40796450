package spec

// The payment core (pay-transactions.yaml, refund.yaml): the operations,
// retry marks, notifications and field rules that payment-core.md and
// issue 13 pin.

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestPaymentCoreOperations(t *testing.T) {
	docs := load(t)
	tests := []struct {
		file, method, path, id string
		success                string
		idempotent             bool     // x-wechatpay-idempotent (GETs are retried anyway)
		settledBy              string   // x-wechatpay-settled-by: the query of an unknown outcome
		query                  []string // query parameters, in order
	}{
		// A payment or a refund is sent once (issue 13: never resent when its outcome is
		// unknown); the error names the query that settles it. A close repeated leaves the
		// order closed.
		{"pay-transactions.yaml", http.MethodPost, "/v3/pay/transactions/jsapi", "jsapiPrepay", "200", false, "queryOrderByOutTradeNo", nil},
		{"pay-transactions.yaml", http.MethodPost, "/v3/pay/transactions/app", "appPrepay", "200", false, "queryOrderByOutTradeNo", nil},
		{"pay-transactions.yaml", http.MethodPost, "/v3/pay/transactions/h5", "h5Prepay", "200", false, "queryOrderByOutTradeNo", nil},
		{"pay-transactions.yaml", http.MethodPost, "/v3/pay/transactions/native", "nativePrepay", "200", false, "queryOrderByOutTradeNo", nil},
		{"pay-transactions.yaml", http.MethodGet, "/v3/pay/transactions/id/{transaction_id}", "queryOrderByTransactionID", "200", false, "", []string{"mchid"}},
		{"pay-transactions.yaml", http.MethodGet, "/v3/pay/transactions/out-trade-no/{out_trade_no}", "queryOrderByOutTradeNo", "200", false, "", []string{"mchid"}},
		{"pay-transactions.yaml", http.MethodPost, "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", "closeOrder", "204", true, "", nil},
		{"refund.yaml", http.MethodPost, "/v3/refund/domestic/refunds", "createRefund", "200", false, "queryRefundByOutRefundNo", nil},
		{"refund.yaml", http.MethodGet, "/v3/refund/domestic/refunds/{out_refund_no}", "queryRefundByOutRefundNo", "200", false, "", nil},
	}
	for _, tt := range tests {
		doc := docs[tt.file]
		if doc == nil {
			t.Fatalf("%s missing from FS", tt.file)
		}
		item := doc.Paths.Value(tt.path)
		if item == nil || item.GetOperation(tt.method) == nil {
			t.Errorf("%s: %s %s missing", tt.file, tt.method, tt.path)
			continue
		}
		op := item.GetOperation(tt.method)
		if op.OperationID != tt.id {
			t.Errorf("%s %s: operationId %q, want %q", tt.method, tt.path, op.OperationID, tt.id)
		}
		if op.Responses.Value(tt.success) == nil {
			t.Errorf("%s: no %s response", tt.id, tt.success)
		}
		if got := op.Extensions["x-wechatpay-idempotent"] == true; got != tt.idempotent {
			t.Errorf("%s: x-wechatpay-idempotent %v, want %v", tt.id, got, tt.idempotent)
		}
		if tt.idempotent && !strings.Contains(op.Description, "Safe to retry") {
			t.Errorf("%s: marked idempotent without saying why (\"Safe to retry ...\")", tt.id)
		}
		if got, _ := op.Extensions["x-wechatpay-settled-by"].(string); got != tt.settledBy {
			t.Errorf("%s: x-wechatpay-settled-by %q, want %q", tt.id, got, tt.settledBy)
		}
		if tt.settledBy != "" && !strings.Contains(op.Description, tt.settledBy) {
			t.Errorf("%s: settled by %s without saying so in its description", tt.id, tt.settledBy)
		}
		var query []string
		for _, p := range op.Parameters {
			if p.Value.In != openapi3.ParameterInQuery {
				continue
			}
			query = append(query, p.Value.Name)
			// The model's rule: a string query parameter named mchid defaults to the configured merchant.
			if p.Value.Name == "mchid" && (!p.Value.Required || !p.Value.Schema.Value.Type.Is(openapi3.TypeString)) {
				t.Errorf("%s: mchid must be a required string query parameter", tt.id)
			}
		}
		if !slices.Equal(query, tt.query) {
			t.Errorf("%s: query parameters %v, want %v", tt.id, query, tt.query)
		}
	}
}

func TestPaymentCoreCallbacks(t *testing.T) {
	docs := load(t)
	pay, refund := docs["pay-transactions.yaml"], docs["refund.yaml"]
	tests := []struct {
		doc                       *openapi3.T
		path, key, id, event, res string
		original                  string // resource.original_type and associated_data of the example
	}{
		{pay, "/v3/pay/transactions/jsapi", "transactionSuccess", "onTransactionSuccess", "TRANSACTION.SUCCESS", "Transaction", "transaction"},
		{pay, "/v3/pay/transactions/app", "transactionSuccess", "onTransactionSuccess", "TRANSACTION.SUCCESS", "Transaction", "transaction"},
		{pay, "/v3/pay/transactions/h5", "transactionSuccess", "onTransactionSuccess", "TRANSACTION.SUCCESS", "Transaction", "transaction"},
		{pay, "/v3/pay/transactions/native", "transactionSuccess", "onTransactionSuccess", "TRANSACTION.SUCCESS", "Transaction", "transaction"},
		{refund, "/v3/refund/domestic/refunds", "refundSuccess", "onRefundSuccess", "REFUND.SUCCESS", "RefundResource", "refund"},
		{refund, "/v3/refund/domestic/refunds", "refundAbnormal", "onRefundAbnormal", "REFUND.ABNORMAL", "RefundResource", "refund"},
		{refund, "/v3/refund/domestic/refunds", "refundClosed", "onRefundClosed", "REFUND.CLOSED", "RefundResource", "refund"},
	}
	var shared *openapi3.Operation // the one TRANSACTION.SUCCESS declaration every prepay refers to
	for _, tt := range tests {
		op := tt.doc.Paths.Value(tt.path).Post
		cb := op.Callbacks[tt.key]
		if cb == nil || cb.Value == nil || cb.Value.Value("{$request.body#/notify_url}") == nil {
			t.Errorf("%s: callback %s under {$request.body#/notify_url} missing", tt.path, tt.key)
			continue
		}
		post := cb.Value.Value("{$request.body#/notify_url}").Post
		if tt.event == "TRANSACTION.SUCCESS" {
			if cb.Ref != "#/components/callbacks/TransactionSuccess" {
				t.Errorf("%s: callback %s is %q, want the shared #/components/callbacks/TransactionSuccess", tt.path, tt.key, cb.Ref)
			}
			if shared != nil && post != shared {
				t.Errorf("%s: TRANSACTION.SUCCESS declared anew", tt.path)
			}
			shared = post
		}
		if post.OperationID != tt.id || post.Extensions["x-wechatpay-event-type"] != tt.event ||
			post.Extensions["x-wechatpay-resource"] != "#/components/schemas/"+tt.res {
			t.Errorf("%s %s: %s %v %v, want %s %s %s", tt.path, tt.key, post.OperationID,
				post.Extensions["x-wechatpay-event-type"], post.Extensions["x-wechatpay-resource"], tt.id, tt.event, tt.res)
		}
		ex, _ := post.RequestBody.Value.Content.Get("application/json").Example.(map[string]any)
		res, _ := ex["resource"].(map[string]any)
		if ex["event_type"] != tt.event || res["original_type"] != tt.original || res["associated_data"] != tt.original {
			t.Errorf("%s %s: example event_type %v, original_type %v, associated_data %v; want %s, %s", tt.path, tt.key,
				ex["event_type"], res["original_type"], res["associated_data"], tt.event, tt.original)
		}
	}
	// The payloads carry what payment-core.md lists.
	for _, p := range []struct {
		doc    *openapi3.T
		schema string
		fields []string
	}{
		{pay, "Transaction", []string{"appid", "mchid", "out_trade_no", "transaction_id", "trade_type", "trade_state", "trade_state_desc", "bank_type", "attach", "success_time", "payer", "amount", "scene_info", "promotion_detail"}},
		{refund, "RefundResource", []string{"mchid", "out_trade_no", "transaction_id", "out_refund_no", "refund_id", "refund_status", "success_time", "user_received_account", "amount"}},
	} {
		s := p.doc.Components.Schemas[p.schema].Value
		for _, f := range p.fields {
			if s.Properties[f] == nil {
				t.Errorf("%s.%s missing", p.schema, f)
			}
		}
	}
	amount := refund.Components.Schemas["RefundResource"].Value.Properties["amount"].Value
	for _, f := range []string{"total", "refund", "payer_total", "payer_refund"} {
		if amount.Properties[f] == nil || !slices.Contains(amount.Required, f) {
			t.Errorf("RefundResource.amount.%s missing or optional", f)
		}
	}
	if got := refund.Components.Schemas["RefundResource"].Value.Properties["refund_status"].Value.Enum; len(got) != 3 {
		t.Errorf("RefundResource.refund_status enum %v, want SUCCESS, CLOSED, ABNORMAL", got)
	}
}

// Facts payment-core.md states, checked where a mistake would be silent.
func TestPaymentCoreFieldRules(t *testing.T) {
	pay := load(t)["pay-transactions.yaml"]
	outTradeNo := pay.Components.Parameters["TransactionOutTradeNo"].Value.Schema.Value
	for _, name := range []string{"JsapiPrepayRequest", "AppPrepayRequest", "H5PrepayRequest", "NativePrepayRequest"} {
		s := pay.Components.Schemas[name].Value
		for _, f := range []string{"appid", "mchid", "description", "out_trade_no", "notify_url", "amount"} {
			if !slices.Contains(s.Required, f) {
				t.Errorf("%s.%s is not required", name, f)
			}
		}
		// The order number a prepay takes is one the query and close accept.
		if p := s.Properties["out_trade_no"].Value; p.Pattern != outTradeNo.Pattern || *p.MaxLength != *outTradeNo.MaxLength {
			t.Errorf("%s.out_trade_no: pattern %q max %d, want those of the path parameter", name, p.Pattern, *p.MaxLength)
		}
		if p := s.Properties["notify_url"].Value; p.Format != "uri" || p.MaxLength == nil || *p.MaxLength != 256 {
			t.Errorf("%s.notify_url: format %q maxLength %v, want uri and 256", name, p.Format, p.MaxLength)
		}
		if p := s.Properties["time_expire"].Value; p.Format != "date-time" {
			t.Errorf("%s.time_expire: format %q, want date-time (RFC 3339)", name, p.Format)
		}
		if got := s.Properties["amount"].Ref; got != "#/components/schemas/PrepayAmount" {
			t.Errorf("%s.amount is %q", name, got)
		}
	}
	if !slices.Contains(pay.Components.Schemas["JsapiPrepayRequest"].Value.Required, "payer") {
		t.Error("JsapiPrepayRequest.payer is not required")
	}
	if !slices.Contains(pay.Components.Schemas["H5PrepayRequest"].Value.Required, "scene_info") ||
		!slices.Contains(pay.Components.Schemas["H5SceneInfo"].Value.Required, "h5_info") {
		t.Error("H5PrepayRequest: scene_info.h5_info must be required")
	}
	total := pay.Components.Schemas["PrepayAmount"].Value.Properties["total"].Value
	if !total.Type.Is(openapi3.TypeInteger) || total.Format != "int64" || total.Min == nil || *total.Min != 1 {
		t.Errorf("PrepayAmount.total: %v %q minimum %v, want integer int64 of at least 1 (fen)", total.Type, total.Format, total.Min)
	}
}
