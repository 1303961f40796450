package wechatpay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

func newClient(t *testing.T, baseURL string) *Client {
	t.Helper()
	c, err := NewClient(apiv3.Config{
		BaseURL: baseURL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Each style alone, then all together: the exact query string sent. A value
// holding its own style's delimiter is escaped, so the delimiter stays
// unambiguous; an empty or nil array sends nothing.
func TestQueryStyles(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1")
	for _, tc := range []struct {
		name   string
		params *V3SearchGetParams
		want   string
	}{
		{"none", nil, ""},
		{"empty arrays", &V3SearchGetParams{Tag: []string{}, Label: []string{}, ID: []int64{}, Code: []string{}, Word: []string{}, Kind: []SearchKind{}}, ""},
		{"form explode (default)", &V3SearchGetParams{Tag: []string{"x", "y z"}}, "tag=x&tag=y+z"},
		{"form explode (explicit)", &V3SearchGetParams{Label: []string{"&", "="}}, "label=%26&label=%3D"},
		{"form, explode false, integers", &V3SearchGetParams{ID: []int64{1, -2}}, "id=1,-2"},
		{"form, explode false, comma in a value", &V3SearchGetParams{Code: []string{"a,b", "c"}}, "code=a%2Cb,c"},
		{"spaceDelimited", &V3SearchGetParams{Word: []string{"a b", "c+d"}}, "word=a+b%20c%2Bd"},
		{"pipeDelimited", &V3SearchGetParams{Kind: []SearchKind{SearchKindA, SearchKindB}}, "kind=a%7Cb"},
		{"one element", &V3SearchGetParams{Word: []string{"x"}, ID: []int64{7}}, "id=7&word=x"},
		{"all, in spec order", &V3SearchGetParams{
			Kind: []SearchKind{"b"}, Word: []string{"w"}, Code: []string{"c"}, ID: []int64{1}, Label: []string{"l"}, Tag: []string{"t"},
		}, "tag=t&label=l&id=1&code=c&word=w&kind=b"},
	} {
		r, err := c.V3.Search.NewGetRequest(context.Background(), tc.params)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := r.URL.RawQuery; got != tc.want {
			t.Errorf("%s: query %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Array items are validated: an unknown enum value and a 4-byte character
// name their index.
func TestQueryItemsValidated(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1")
	_, err := c.V3.Search.NewGetRequest(context.Background(), &V3SearchGetParams{Kind: []SearchKind{"a", "c"}, Tag: []string{"ok", "😀"}})
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || len(ve.Violations) != 2 {
		t.Fatalf("err = %v, want two violations", err)
	}
	for i, want := range []apiv3.Violation{{In: "query", Field: "tag[1]", Rule: "utf8mb4"}, {In: "query", Field: "kind[1]", Rule: "enum"}} {
		if got := ve.Violations[i]; got.In != want.In || got.Field != want.Field || got.Rule != want.Rule {
			t.Errorf("violation %d = %+v, want %+v", i, got, want)
		}
	}
}

// Over the wire: the request-target arrives exactly as built, and the
// signature covers it (the test server verifies it over the RequestURI).
func TestQuerySignedAsSent(t *testing.T) {
	srv := wxtest.NewServer(t, wxtest.Options{Handler: http200(`{"id":"r"}`)})
	c := newClient(t, srv.URL)
	out, _, err := c.V3.Search.Get(context.Background(), &V3SearchGetParams{Word: []string{"a b", "c"}, Kind: []SearchKind{"a", "b"}, Code: []string{"x,y"}})
	if err != nil || out.ID == nil || *out.ID != "r" {
		t.Fatalf("Get: %+v %v", out, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !reqs[0].Verified {
		t.Fatalf("requests %+v", reqs)
	}
	if got, want := reqs[0].RequestURI, "/v3/search?code=x%2Cy&word=a+b%20c&kind=a%7Cb"; got != want {
		t.Errorf("request-target %q, want %q", got, want)
	}
}

func http200(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) })
}
