package docs

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

// Path values without a usable example become declared variables, never
// names the snippet leaves undefined; names the snippet uses itself get a
// number. The generator's golden case of the same spec compiles every page.
func TestCallDeclaresPathValuesWithoutExamples(t *testing.T) {
	spec, err := load.Load(filepath.Join("..", "testdata", "ok_docs_without_examples", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	api, diags := model.Build(spec, model.Options{})
	if api == nil {
		t.Fatal(diags)
	}
	want := map[string]string{
		"getLevel": "resp, err := client.V3.Levels.Level(golden.Level20).Get(ctx)",
		"getRefund": "var outRefundNo string // {out_refund_no}: the spec gives no usable example; fill it in\n" +
			"out, resp, err := client.V3.Refunds.OutRefundNo(outRefundNo).Get(ctx)",
		"postClientError": "// The spec gives no usable example of these path values; fill them in.\n" +
			"var (\n\tclient2 string // {client}\n\terr_    string // {err}\n\tdigest2 bool   // {digest}\n)\n" +
			"req := &golden.Refund{\n\tOutRefundNo: apiv3.Ptr(\"r1\"),\n\tLevel:       apiv3.Ptr(golden.Level10),\n}\n" +
			"out, resp, err := client.V3.Clients.Client(client2).Errors.Err(err_).Digests.Digest(digest2).Post(ctx, req)",
	}
	got := map[string]string{}
	for _, op := range api.Operations {
		if _, ok := want[op.ID]; ok {
			if got[op.ID], _, err = (literals{pkg: "golden"}).goCall(op); err != nil {
				t.Fatal(err)
			}
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Go calls differ (-want +got):\n%s", d)
	}
}
