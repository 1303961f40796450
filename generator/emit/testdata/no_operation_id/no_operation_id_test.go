package wechatpay

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// Without an operationId, names come from the method and the path: the
// chain's method is the HTTP method, the template constant Path + method +
// path segments. A trailing slash adds no chain hop and no name part.
var (
	_ func(V3BillsBillDate, context.Context, ...apiv3.CallOption) (*Bill, *apiv3.Response, error) = V3BillsBillDate.Get
	_ func(V3BillsBillDate, context.Context, ...apiv3.CallOption) (*apiv3.Response, error)        = V3BillsBillDate.Delete
)

func newServerClient(t *testing.T) (*wxtest.Server, *Client) {
	t.Helper()
	srv := wxtest.NewServer(t, wxtest.Options{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		io.WriteString(w, `{"total":42}`)
	})})
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// The trailing slash stays on the wire, after the escaped parameter, and the
// signature covers it.
func TestTrailingSlashKept(t *testing.T) {
	if PathGetV3BillsBillDate != "/v3/bills/{bill_date}/" || PathDeleteV3BillsBillDate != PathGetV3BillsBillDate {
		t.Errorf("templates %q %q", PathGetV3BillsBillDate, PathDeleteV3BillsBillDate)
	}
	srv, c := newServerClient(t)
	out, _, err := c.V3.Bills.BillDate("2024-01-01").Get(context.Background())
	if err != nil || out.Total == nil || *out.Total != 42 {
		t.Fatalf("Get: %+v %v", out, err)
	}
	if resp, err := c.V3.Bills.BillDate("a/b").Delete(context.Background()); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("Delete: %+v %v", resp, err)
	}
	reqs := srv.Requests()
	for i, want := range []string{"GET /v3/bills/2024-01-01/", "DELETE /v3/bills/a%2Fb/"} {
		if got := reqs[i].Method + " " + reqs[i].RequestURI; got != want || !reqs[i].Verified {
			t.Errorf("request %d: %s (verified %v), want %s", i, got, reqs[i].Verified, want)
		}
	}
	r, err := c.V3.Bills.BillDate("x y").NewGetRequest(context.Background())
	if err != nil || r.URL.EscapedPath() != "/v3/bills/x%20y/" {
		t.Errorf("twin: %v %v", r.URL, err)
	}
}

// The deprecated operation's doc ends with a "Deprecated:" paragraph (what
// go vet, gopls and pkg.go.dev recognise); the other one has none.
func TestDeprecatedDoc(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "chain.gen.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Doc != nil {
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "V3BillsBillDate" {
				docs[fn.Name.Name] = fn.Doc.Text()
			}
		}
	}
	if d := docs["Get"]; !strings.HasPrefix(d, "Get calls GET /v3/bills/{bill_date}/: 查询账单 (old).") || !strings.Contains(d, "\n\nDeprecated: ") {
		t.Errorf("Get's doc:\n%s", d)
	}
	if d := docs["Delete"]; d == "" || strings.Contains(d, "Deprecated") {
		t.Errorf("Delete's doc:\n%s", d)
	}
}
