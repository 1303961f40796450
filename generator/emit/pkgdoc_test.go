package emit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// TestPackageDoc: exactly one generated file carries the package doc
// comment, which says what the package is, how it was made and where its
// docs are, and names nothing that changes between runs (no version, date
// or path).
func TestPackageDoc(t *testing.T) {
	for _, tc := range []struct{ name, pkg, call string }{
		{"discount_card", "wxpay", "client.V3.DiscountCard.Cards.Post(ctx, req)"},
		{"no_operations", "empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &model.API{Root: &model.Node{Kind: model.NodeRoot, TypeName: "Client"}}
			if tc.call != "" {
				var diags any
				api, diags = buildCase(t, tc.name)
				if api == nil {
					t.Fatal(diags)
				}
			}
			files, err := Go(api, tc.pkg)
			if err != nil {
				t.Fatal(err)
			}
			var docs []string
			for name, src := range files {
				f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments|parser.PackageClauseOnly)
				if err != nil {
					t.Fatal(err)
				}
				if !ast.IsGenerated(f) {
					t.Errorf("%s: not marked generated", name)
				}
				if f.Doc != nil {
					docs = append(docs, name+": "+f.Doc.Text())
				}
			}
			if len(docs) != 1 || !strings.HasPrefix(docs[0], packageDocFile+": Package "+tc.pkg+" is ") {
				t.Fatalf("package doc comments: %q", docs)
			}
			doc := docs[0]
			for _, want := range []string{"wxpaygen", "go generate", "github.com/wxpaygen/wxpaygen/apiv3", "docs/README.md", tc.call} {
				if !strings.Contains(doc, want) {
					t.Errorf("the package doc lacks %q:\n%s", want, doc)
				}
			}
			if regexp.MustCompile(`v\d+\.\d+|\d{4}-\d\d-\d\d|devel|/home/|/tmp/`).MatchString(doc) {
				t.Errorf("the package doc names something that changes between runs:\n%s", doc)
			}
		})
	}
}

func buildCase(t *testing.T, name string) (*model.API, any) {
	api, diags := model.Build(loadSpec(t, filepath.Join("testdata", name)), model.Options{})
	return api, diags
}

// TestRequestCarriesOperationID: the leaf tells the runtime its
// operationId, for the logger and middleware (apiv3.OperationFrom).
func TestRequestCarriesOperationID(t *testing.T) {
	api, diags := buildCase(t, "discount_card")
	if api == nil {
		t.Fatal(diags)
	}
	files, err := Go(api, "wechatpay")
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["chain.gen.go"])
	for _, op := range api.Operations {
		if !regexp.MustCompile(`OperationID:\s+"` + regexp.QuoteMeta(op.ID) + `",`).MatchString(src) {
			t.Errorf("no OperationID %q in chain.gen.go", op.ID)
		}
	}
}
