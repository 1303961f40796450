package apiv3

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		e    APIError
		want string
	}{
		{APIError{StatusCode: 400, Code: "PARAM_ERROR", Message: "参数错误", RequestID: "08F4"}, "apiv3: HTTP 400 Bad Request: PARAM_ERROR: 参数错误 (Request-ID 08F4)"},
		{APIError{StatusCode: 500}, "apiv3: HTTP 500 Internal Server Error"},
		{APIError{StatusCode: 599, Message: "m"}, "apiv3: HTTP 599: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	secret := &APIError{
		StatusCode: 401, Code: "SIGN_ERROR",
		Body:      []byte(`{"code":"SIGN_ERROR","detail":{"sign_information":"SECRET-BODY"}}`),
		Detail:    json.RawMessage(`{"sign_information":"SECRET-BODY"}`),
		Header:    http.Header{"Wechatpay-Signature": {"SECRET-SIG"}, "Set-Cookie": {"SECRET-COOKIE"}, "Request-Id": {"R"}},
		RequestID: "R",
	}
	if s := secret.Error(); strings.Contains(s, "SECRET") {
		t.Errorf("Error() leaks: %q", s)
	}
}

func TestIsCode(t *testing.T) {
	e := &APIError{StatusCode: 404, Code: "RESOURCE_NOT_EXISTS"}
	wrapped := fmt.Errorf("get card: %w", fmt.Errorf("layer: %w", e))
	if !IsCode(e, "RESOURCE_NOT_EXISTS") || !IsCode(wrapped, "RESOURCE_NOT_EXISTS") {
		t.Error("IsCode false for a matching error")
	}
	if IsCode(wrapped, "PARAM_ERROR") || IsCode(nil, "") || IsCode(errors.New("RESOURCE_NOT_EXISTS"), "RESOURCE_NOT_EXISTS") {
		t.Error("IsCode true for a non-matching error")
	}
	if IsCode(&APIError{StatusCode: 500}, "") != true {
		t.Error("IsCode(\"\") should match an APIError without code")
	}
}

// FuzzNewAPIError: any error body gives an APIError without panicking, and
// its message never contains the body beyond code and message.
func FuzzNewAPIError(f *testing.F) {
	for _, s := range []string{`{"code":"PARAM_ERROR","message":"m","detail":{"field":"/a"}}`, `<html>`, ``, `{"code":1e400}`, `{"detail":null}`, `[]`, `{"message":"a\nb\u001b\u202e"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newAPIError(&Response{StatusCode: 400, Body: []byte(body)}, false)
		if string(e.Body) != body {
			t.Fatalf("Body = %q", e.Body)
		}
		if e.Detail != nil && !json.Valid(e.Detail) {
			t.Fatalf("Detail %q is not JSON", e.Detail)
		}
		for _, r := range e.Error() {
			if !unicode.IsPrint(r) || r == utf8.RuneError {
				t.Fatalf("Error() = %q carries %q", e.Error(), r)
			}
		}
	})
}

// A hostile or broken server cannot put a line break, an escape sequence or
// a direction override into the caller's logs through Error(); the raw
// message and body stay on the error.
func TestAPIErrorSanitizesServerText(t *testing.T) {
	body := []byte(`{"code":"PARAM_ERROR\r\nX","message":"bad\nFAKE LOG LINE: payment ok \u001b[2J \u202e参数错误 \ud800"}`)
	e := newAPIError(&Response{StatusCode: 400, Body: body, RequestID: "R\x1b1"}, false)
	got := e.Error()
	for _, c := range []string{"\n", "\r", "\x1b", "\u202e", "\ufffd"} {
		if strings.Contains(got, c) {
			t.Errorf("Error() carries %q: %q", c, got)
		}
	}
	want := `apiv3: HTTP 400 Bad Request: PARAM_ERROR\r\nX: bad\nFAKE LOG LINE: payment ok \x1b[2J \u202e参数错误 \ufffd (Request-ID R\x1b1)`
	if got != want {
		t.Errorf("Error() = %s\nwant      %s", got, want)
	}
	if !strings.Contains(e.Message, "\nFAKE LOG LINE") || string(e.Body) != string(body) {
		t.Errorf("Message %q and Body %q must stay as received", e.Message, e.Body)
	}
	long := &APIError{StatusCode: 400, Message: strings.Repeat("长", 2000)}
	if n := len([]rune(long.Error())); n > 600 {
		t.Errorf("Error() of a 2000-character message has %d characters, want it shortened", n)
	}
}
