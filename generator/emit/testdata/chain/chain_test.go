package wechatpay

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func newTestClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(apiv3.Config{
		BaseURL:                   "http://127.0.0.1:1",
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func violations(t *testing.T, err error) []apiv3.Violation {
	t.Helper()
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *apiv3.ValidationError", err)
	}
	return ve.Violations
}

func TestPathEscaping(t *testing.T) {
	c := newTestClient(t)
	r, err := c.V3.Items.ItemID("a/b c%?#é").NewGetRequest(context.Background(), &V3ItemsItemIDGetParams{Limit: 5, Sort: apiv3.Ptr(GetItemSortDesc)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.URL.EscapedPath(), "/v3/items/a%2Fb%20c%25%3F%23%C3%A9"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	if got, want := r.URL.RawQuery, "limit=5&sort=desc"; got != want {
		t.Errorf("query = %s, want %s", got, want)
	}
}

func TestPathValuesRefused(t *testing.T) {
	c := newTestClient(t)
	for _, v := range []string{"", ".", "..", "a\x00b"} {
		_, err := c.V3.Items.ItemID(v).NewDeleteRequest(context.Background())
		vs := violations(t, err)
		if vs[0].In != "path" || vs[0].Field != "item_id" || vs[0].Rule != "path" {
			t.Errorf("ItemID(%q): violations %+v", v, vs)
		}
	}
	_, err := c.V3.Items.ItemID("x").Versions.Version(0).NewPutRequest(context.Background(), nil)
	if vs := violations(t, err); vs[0].Field != "version" || vs[0].Rule != "minimum" {
		t.Errorf("Version(0): %+v", vs)
	}
	_, err = c.V3.Items.ByCode.Code("ZZ").NewGetRequest(context.Background())
	if vs := violations(t, err); vs[0].Rule != "enum" || vs[0].Message != "must be one of A1, B2" {
		t.Errorf("Code(ZZ): %+v", vs)
	}
}

func TestQueryValidated(t *testing.T) {
	c := newTestClient(t)
	_, err := c.V3.Items.ItemID("x").NewGetRequest(context.Background(), nil)
	vs := violations(t, err)
	if len(vs) != 1 || vs[0].In != "query" || vs[0].Field != "limit" || vs[0].Rule != "minimum" {
		t.Errorf("violations %+v", vs)
	}
}

func TestHeaderAndTrailingSlash(t *testing.T) {
	c := newTestClient(t)
	r, err := c.V3.Items.ItemID("x").NewGetRequest(context.Background(), &V3ItemsItemIDGetParams{Limit: 1, RequestTrace: apiv3.Ptr("t-1")})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Header.Get("Request-Trace"); got != "t-1" {
		t.Errorf("header = %q", got)
	}
	r, err = c.V3.Files.File.NewGetRequest(context.Background(), apiv3.Digest{Type: "SHA1", Value: "00"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.URL.EscapedPath(); got != "/v3/files/file/" {
		t.Errorf("path = %s, want the trailing slash kept", got)
	}
}

func TestChainAllocatesNothing(t *testing.T) {
	c := newTestClient(t)
	var sink V3ItemsItemIDVersionsVersion
	if n := testing.AllocsPerRun(100, func() { sink = c.V3.Items.ItemID("x").Versions.Version(3) }); n != 0 {
		t.Errorf("walking the chain allocates %v times", n)
	}
	_ = sink
}

func TestEnumAcceptsUnknownValues(t *testing.T) {
	var s GetItemSort
	if err := json.Unmarshal([]byte(`"random"`), &s); err != nil || s.Valid() || s != "random" {
		t.Errorf("decoded %q, %v", s, err)
	}
	if got := GetItemSortAsc.Values(); len(got) != 2 {
		t.Errorf("Values() = %v", got)
	}
}
