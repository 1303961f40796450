package apiv3

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		template string
		method   string
		params   map[string]string
		body     any
		wantURI  string
		wantBody string
	}{
		{
			name: "no leading slash", template: "v3/discount-card/cards/{out_card_code}", method: "get",
			params: map[string]string{"out_card_code": "a|b*c/d é"}, wantURI: "/v3/discount-card/cards/a%7Cb%2Ac%2Fd%20%C3%A9",
		},
		{
			name: "leading slash, body", template: "/v3/discount-card/cards/{out_card_code}/add-user-records", method: "POST",
			params: map[string]string{"out_card_code": "c1"}, body: map[string]int{"a": 1},
			wantURI: "/v3/discount-card/cards/c1/add-user-records", wantBody: `{"a":1}`,
		},
		{
			name: "two params and trailing slash", template: "/v3/{a}/x/{b}/", method: "DELETE",
			params: map[string]string{"a": "1", "b": "2"}, wantURI: "/v3/1/x/2/",
		},
		{
			name: "adjacent params", template: "/v3/{a}{b}", method: "GET",
			params: map[string]string{"a": "x", "b": "y"}, wantURI: "/v3/xy",
		},
		{name: "no params", template: "v3/certificates", method: "GET", wantURI: "/v3/certificates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got captured
			c, f, _ := newFakeClient(t, recordingHandler(&got, 200, `{"state":"ok"}`))
			var out struct{ State string }
			res, err := c.Chain(tt.template).Do(context.Background(), tt.method, tt.params, tt.body, &out)
			if err != nil {
				t.Fatal(err)
			}
			if got.method != strings.ToUpper(tt.method) || got.requestURI != tt.wantURI || got.body != tt.wantBody {
				t.Errorf("sent %s %s %q, want %s %q", got.method, got.requestURI, got.body, tt.wantURI, tt.wantBody)
			}
			if s := fakeSigned(t, got.header.Get("Authorization")); s != got.method+"\n"+tt.wantURI+"\n"+tt.wantBody+"\n" {
				t.Errorf("signed %q", s)
			}
			if res.StatusCode != 200 || out.State != "ok" {
				t.Errorf("res = %+v, out = %+v", res, out)
			}
			if _, v := f.counts(); v != 1 {
				t.Errorf("response not verified")
			}
		})
	}
}

func TestEndpointErrors(t *testing.T) {
	tests := []struct {
		template string
		params   map[string]string
		want     string
	}{
		{"/v3/{a}/{b}", map[string]string{"a": "1"}, "missing value for b"},
		{"/v3/{a}/{b}", map[string]string{}, "missing value for a, b"},
		{"/v3/{a}", map[string]string{"a": "1", "z": "2", "y": "3"}, "parameter y, z not in the template"},
		{"/v3/{a}", map[string]string{"b": "1"}, "missing value for a; parameter b not in the template"},
		{"/v3/{a}", map[string]string{"a": ".."}, `apiv3: invalid request: path a: must not be "." or ".."`},
		{"/v3/{a}/{b}", map[string]string{"a": "", "b": "x\n"}, "path a: must not be empty; path b: must not contain control characters"},
		{"/v3/{a", nil, "unclosed {"},
		{"/v3/{a{b}}", nil, "unclosed {"},
		{"/v3/a}", nil, "unmatched }"},
		{"/v3/{}", nil, "empty {}"},
		{"/v3/{a}/{a}", map[string]string{"a": "1"}, "used twice"},
		{"/v3/x?y=1", nil, "query"},
		{"/v3/a b/{c}", map[string]string{"c": "1"}, "percent-encoded"},
	}
	for _, tt := range tests {
		c, f, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("sent %s", r.RequestURI) })
		_, err := c.Chain(tt.template).Do(context.Background(), "GET", tt.params, nil, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: err = %v, want %q", tt.template, tt.params, err, tt.want)
		}
		if s, _ := f.counts(); s != 0 {
			t.Errorf("%s: signed", tt.template)
		}
	}
	c, _, _ := newFakeClient(t, nil)
	_, err := c.Chain("/v3/{a}").Do(context.Background(), "GET", map[string]string{"a": "."}, nil, nil)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].Rule != "path" {
		t.Errorf("err = %#v, want a *ValidationError", err)
	}
}

func TestEndpointReuse(t *testing.T) {
	var got captured
	c, _, _ := newFakeClient(t, recordingHandler(&got, 204, ""))
	e := c.Chain("v3/discount-card/orders/{out_order_no}")
	for _, no := range []string{"1", "2|x"} {
		if _, err := e.Do(context.Background(), "GET", map[string]string{"out_order_no": no}, nil, nil, WithHeader("X-N", no)); err != nil {
			t.Fatal(err)
		}
		if got.requestURI != "/v3/discount-card/orders/"+EscapePathParam(no) || got.header.Get("X-N") != no {
			t.Errorf("sent %s with X-N %q", got.requestURI, got.header.Get("X-N"))
		}
	}
}
