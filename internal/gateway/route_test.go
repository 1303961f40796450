package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

const cardSpec = `
openapi: 3.0.3
info: {title: cards, version: "1"}
servers:
  - url: https://api.mch.weixin.qq.com
paths:
  /v3/discount-card/cards/{out_card_code}:
    servers:
      - url: https://api2.mch.weixin.qq.com
    parameters:
      - name: out_card_code
        in: path
        required: true
        schema: {type: string, minLength: 1, maxLength: 32, pattern: '^[0-9A-Za-z_|*-]+$'}
    get:
      operationId: getCard
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 10}}
      responses:
        '200':
          description: the card
          content:
            application/json:
              schema:
                type: object
                required: [state]
                properties: {state: {type: string}}
    post:
      operationId: addUserRecords
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [records]
              properties:
                records:
                  type: array
                  items:
                    type: object
                    required: [serial_no, type]
                    properties:
                      serial_no: {type: string, minLength: 1}
                      type: {type: string, enum: [INCREASE, DECREASE]}
                      description: {type: string, maxLength: 5}
                      time: {type: string, format: date-time}
      responses:
        '204': {description: recorded}
`

const certSpec = `
openapi: 3.0.3
info: {title: certs, version: "1"}
paths:
  /v3/certificates:
    get:
      operationId: listCertificates
      responses:
        '200': {description: the list}
`

func newRouter(t *testing.T) *gateway.Router {
	t.Helper()
	rt, err := gateway.NewRouter(loadSpec(t, cardSpec), loadSpec(t, certSpec))
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestRouterFind(t *testing.T) {
	doc := loadSpec(t, cardSpec)
	rt, err := gateway.NewRouter(doc, loadSpec(t, certSpec))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Servers[0].URL != "https://api.mch.weixin.qq.com" || len(doc.Paths.Find("/v3/discount-card/cards/{out_card_code}").Servers) != 1 {
		t.Error("the document was modified")
	}
	for target, want := range map[string]string{
		"/v3/discount-card/cards/ab%7Ccd%2Aef": "ab|cd*ef", // as RFC 6570 / the runtime escape
		"/v3/discount-card/cards/ab%7ccd*ef":   "ab|cd*ef", // lower-case hex, raw '*'
		"/v3/discount-card/cards/a%2Fb":        "a/b",      // an escaped slash stays inside
		"/v3/discount-card/cards/a%25252F":     "a%252F",   // decoded once
	} {
		r := httptest.NewRequest("GET", target, nil)
		route, err := rt.Find(r)
		if err != nil || route.OperationID != "getCard" || route.Method != "GET" ||
			route.Template != "/v3/discount-card/cards/{out_card_code}" || route.PathParams["out_card_code"] != want {
			t.Errorf("%s: %+v %v", target, route, err)
		}
	}
	if route, err := rt.Find(httptest.NewRequest("GET", "/v3/certificates", nil)); err != nil || route.OperationID != "listCertificates" {
		t.Errorf("second document: %+v %v", route, err)
	}
}

func TestRouteError(t *testing.T) {
	rt := newRouter(t)
	tests := []struct {
		method, target string
		status         int
		code           string
	}{
		{"GET", "/v3/nothing", 404, "NOT_FOUND"},
		{"DELETE", "/v3/discount-card/cards/abc", 405, "METHOD_NOT_ALLOWED"},
		{"POST", "/v3/certificates", 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tt := range tests {
		_, err := rt.Find(httptest.NewRequest(tt.method, tt.target, nil))
		if e := gateway.RouteError(err); e == nil || e.Status != tt.status || e.Code != tt.code {
			t.Errorf("%s %s: %v -> %+v", tt.method, tt.target, err, e)
		}
	}
	if gateway.RouteError(nil) != nil {
		t.Error("RouteError(nil) is not nil")
	}
}

func TestValidateRequest(t *testing.T) {
	rt := newRouter(t)
	const records = "/v3/discount-card/cards/abc"
	tests := []struct {
		name, target, body string
		field, location    string // "" = valid
		value              any
	}{
		{"valid", records, `{"records":[{"serial_no":"1","type":"INCREASE","time":"2015-05-20T13:29:35.120+08:00"}]}`, "", "", nil},
		{"enum in array item", records, `{"records":[{"serial_no":"1","type":"INCREASE"},{"serial_no":"2","type":"SIDEWAYS"}]}`,
			"/records/1/type", "body", "SIDEWAYS"},
		{"length in code points", records, `{"records":[{"serial_no":"1","type":"INCREASE","description":"一二三四五六"}]}`,
			"/records/0/description", "body", "一二三四五六"},
		{"five code points", records, `{"records":[{"serial_no":"1","type":"INCREASE","description":"一二三四五"}]}`, "", "", nil},
		{"required property", records, `{"records":[{"type":"INCREASE"}]}`, "/records/0/serial_no", "body", nil},
		{"date-time format", records, `{"records":[{"serial_no":"1","type":"INCREASE","time":"2015-05-20 13:29:35"}]}`,
			"/records/0/time", "body", "2015-05-20 13:29:35"},
		{"four-byte character", records, `{"records":[{"serial_no":"1","type":"INCREASE","description":"🙂"}]}`,
			"/records/0/description", "body", nil},
		{"four-byte key", records, `{"records":[{"serial_no":"1","type":"INCREASE"}],"x~/🙂":1}`, "/x~0~1🙂", "body", nil},
		{"malformed JSON", records, `{"records":`, "/", "body", nil},
		{"path pattern", "/v3/discount-card/cards/a%24b", "", "out_card_code", "path", nil},
		{"path length", "/v3/discount-card/cards/" + strings.Repeat("a", 33), "", "out_card_code", "path", nil},
		{"query maximum", "/v3/discount-card/cards/abc?limit=11", "", "limit", "query", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if tt.body != "" {
				method = "POST"
			}
			r := httptest.NewRequest(method, tt.target, strings.NewReader(tt.body))
			if tt.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			route, err := rt.Find(r)
			if err != nil {
				t.Fatal(err)
			}
			e := route.ValidateRequest(context.Background(), r, []byte(tt.body))
			switch {
			case tt.field == "" && e != nil:
				t.Fatalf("refused: %+v", e)
			case tt.field == "":
			case e == nil:
				t.Fatal("accepted")
			case e.Status != 400 || e.Code != "PARAM_ERROR" || e.Detail["field"] != tt.field || e.Detail["location"] != tt.location ||
				e.Detail["issue"] == "" || !strings.HasPrefix(e.Message, "参数错误"):
				t.Errorf("error %+v", e)
			case tt.value != nil && e.Detail["value"] != tt.value:
				t.Errorf("value %v, want %v", e.Detail["value"], tt.value)
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	rt := newRouter(t)
	r := httptest.NewRequest("GET", "/v3/discount-card/cards/abc", nil)
	route, err := rt.Find(r)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if err := route.ValidateResponse(context.Background(), r, nil, 200, h, []byte(`{"state":"ONGOING"}`)); err != nil {
		t.Error(err)
	}
	err = route.ValidateResponse(context.Background(), r, nil, 200, h, []byte(`{"state":7}`))
	if err == nil || !strings.Contains(err.Error(), "200 answer to GET /v3/discount-card/cards/abc (getCard)") {
		t.Errorf("wrong type: %v", err)
	}
	if err := route.ValidateResponse(context.Background(), r, nil, 201, h, nil); err == nil {
		t.Error("an undocumented status was accepted")
	}
}
