package gateway_test

import (
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

func TestCheckJSON(t *testing.T) {
	for body, want := range map[string]string{
		`{"a":1}`:                  "",
		" {\"a\":1} \n":            "",
		`[1,2]`:                    "",
		`{"a":1} x`:                "body has data after its JSON value",
		`{"a":1}{"a":2}`:           "body has data after its JSON value",
		`{"a":1`:                   "body is not exactly one JSON value",
		"{\"a\":\"\xff\"}":         "body is not valid UTF-8",
		"{\"a\":\"\xed\xa0\x80\"}": "body is not valid UTF-8", // a UTF-16 surrogate, encoded
	} {
		e := gateway.CheckJSON([]byte(body))
		switch {
		case want == "" && e != nil:
			t.Errorf("%q refused: %v", body, e)
		case want != "" && (e == nil || e.Code != "PARAM_ERROR" || e.Detail["issue"] != want || e.Detail["field"] != "/"):
			t.Errorf("%q: %+v, want PARAM_ERROR %q", body, e, want)
		}
	}
}
