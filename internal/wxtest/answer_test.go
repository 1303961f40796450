package wxtest_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// downloads adds to testSpec an operation without an example and two
// downloads.
const downloads = `
  /v3/bills/{kind}:
    get:
      operationId: getBill
      parameters:
        - {name: kind, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the bill
          content:
            text/plain: {schema: {type: string, format: binary}}
        '202': {description: not ready}
  /v3/archives:
    get:
      operationId: getArchive
      responses:
        '200':
          description: the archive
          content:
            application/x-gzip: {schema: {type: string, format: binary}}
  /v3/summaries:
    get:
      operationId: getSummary
      responses:
        '201':
          description: a summary nobody wrote an example for
          content:
            application/json:
              schema:
                type: object
                required: [total, day]
                properties:
                  total: {type: integer, minimum: 1}
                  day: {type: string, format: date}
                  note: {type: string, writeOnly: true}
`

func TestValidExampleHandler(t *testing.T) {
	spec := strings.Replace(testSpec, "components:\n", downloads+"components:\n", 1)
	spec = strings.Replace(spec, "              example: {out_card_code: 6e8369071cd942c0476613f9d1ce9ca3, state: ONGOING}\n", "", 1)
	doc := loadSpec(t, []byte(spec))
	srv := wxtest.NewServer(t, wxtest.Options{Spec: doc, Handler: wxtest.ValidExampleHandler(doc), ValidateResponses: true})
	tests := []struct {
		target      string
		status      int
		contentType string
		body        string
	}{
		{"/v3/discount-card/cards/abc", 200, "application/json", `{"out_card_code":"wxpaygen","state":"wxpaygen"}`},
		{"/v3/summaries", 201, "application/json", `{"day":"2015-05-20","total":1}`},
		{"/v3/bills/trade", 200, "text/plain", string(wxtest.FileExample("text/plain"))},
		{"/v3/archives", 200, "application/x-gzip", string(wxtest.FileExample("application/x-gzip"))},
	}
	for _, tt := range tests {
		resp, body := do(t, srv, "GET", tt.target, "", nil)
		if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.contentType || string(body) != tt.body {
			t.Errorf("GET %s: %d %s %q", tt.target, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if err := verifyResponse(resp.Header, body); err != nil {
			t.Errorf("GET %s: %v", tt.target, err)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(wxtest.FileExample("application/x-gzip")))
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := io.ReadAll(zr); !bytes.Equal(text, wxtest.FileExample("text/plain")) {
		t.Errorf("the gzip file holds %q", text)
	}
	a, err := wxtest.ValidExample(doc.Paths.Value("/v3/bills/{kind}").Get)
	if b, _ := wxtest.ValidExample(doc.Paths.Value("/v3/bills/{kind}").Get); err != nil || !bytes.Equal(a.Body, b.Body) {
		t.Errorf("ValidExample is not deterministic: %v", err)
	}
}

func TestCheckRequest(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	check := func(method, target, body string) *wxtest.Error {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return srv.CheckRequest(r, []byte(body))
	}
	const path = "/v3/discount-card/cards/abc/add-user-records"
	if e := check("POST", path, `{"objective_completion_records":[{"serial_no":"1","completion_type":"INCREASE"}]}`); e != nil {
		t.Errorf("valid: %v", e)
	}
	e := check("POST", path, `{"objective_completion_records":[{"serial_no":"1","completion_type":"UP"}]}`)
	if e == nil || e.Code != "PARAM_ERROR" || e.Detail["field"] != "/objective_completion_records/0/completion_type" {
		t.Errorf("enum: %+v", e)
	}
	if e := check("POST", path, `{"objective_completion_records":[{"serial_no":"😀","completion_type":"INCREASE"}]}`); e == nil {
		t.Error("4-byte UTF-8 accepted")
	}
	if e := check("GET", "/v3/nowhere", ""); e == nil || e.Status != http.StatusNotFound {
		t.Errorf("unknown path: %+v", e)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests recorded", n)
	}
}

// With UnsignedFiles, downloads come without a signature, JSON and errors
// with one.
func TestUnsignedFiles(t *testing.T) {
	spec := strings.Replace(testSpec, "components:\n", downloads+"components:\n", 1)
	doc := loadSpec(t, []byte(spec))
	srv := wxtest.NewServer(t, wxtest.Options{Spec: doc, Handler: wxtest.ValidExampleHandler(doc), UnsignedFiles: true})
	for target, signed := range map[string]bool{"/v3/bills/trade": false, "/v3/archives": false, "/v3/summaries": true, "/v3/nowhere": true} {
		resp, _ := do(t, srv, "GET", target, "", nil)
		if got := resp.Header.Get("Wechatpay-Signature") != ""; got != signed {
			t.Errorf("GET %s (%d): signed %v, want %v", target, resp.StatusCode, got, signed)
		}
	}
}
