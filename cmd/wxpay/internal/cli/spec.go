package cli

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/spec"
)

// specSet is the spec the commands route and validate against: the one
// the generator reads, loaded and modelled by the generator's own stages,
// so that wxpay agrees with the generated client about every operation
// (its operationId, whether it is idempotent, its chain).
type specSet struct {
	name   string // "the bundled spec" or the folder
	api    *model.API
	router *gateway.Router
	ops    map[string]*model.Operation // by "METHOD /template"
}

func addSpecFlag(fs *flag.FlagSet) *string {
	return fs.String("spec", "", "spec `folder` (or file) to route and validate against (default $WXPAY_SPEC, else the bundled spec)")
}

// loadSpec loads dir, or the bundled spec when dir is "" (spec.FS, copied
// to a temporary folder because the loader reads folders).
func loadSpec(dir string) (*specSet, error) {
	name := dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "wxpay-spec-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if err := os.CopyFS(tmp, spec.FS); err != nil {
			return nil, fmt.Errorf("copying the bundled spec: %w", err)
		}
		dir, name = tmp, "the bundled spec"
	}
	s, err := load.Load(dir)
	if err != nil {
		return nil, refused(fmt.Errorf("spec %s: %w", name, err))
	}
	api, diags := model.Build(s, model.Options{})
	if api == nil {
		return nil, refused(fmt.Errorf("spec %s: %w", name, diags.Err()))
	}
	rt, err := gateway.NewRouter(s.Doc)
	if err != nil {
		return nil, refused(fmt.Errorf("spec %s: %w", name, err))
	}
	set := &specSet{name: name, api: api, router: rt, ops: map[string]*model.Operation{}}
	for _, op := range api.Operations {
		set.ops[op.Method.String()+" "+op.Path] = op
	}
	return set, nil
}

// find routes r: the route and the generated operation (nil when the
// generator left it out), or nil, nil when the spec has no such operation.
// A path escaped wrongly for the spec is an error.
func (s *specSet) find(r *http.Request) (*gateway.Route, *model.Operation, error) {
	rt, err := s.router.Find(r)
	switch {
	case errors.Is(err, routers.ErrPathNotFound), errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, nil
	case err != nil:
		return nil, nil, refused(err)
	}
	return rt, s.ops[rt.Method+" "+rt.Template], nil
}

// chain spells the chain of op with argument names:
// client.V3.DiscountCard.Cards.OutCardCode(outCardCode).Get(ctx).
func chain(op *model.Operation) string {
	var hops []string
	for n := op.Node; n != nil && n.Kind != model.NodeRoot; n = n.Parent {
		hop := n.GoName
		if n.Kind == model.NodeParam {
			hop += "(" + n.ArgName + ")"
		}
		hops = append(hops, hop)
	}
	slices.Reverse(hops)
	call := op.Call // "client.V3....Get(ctx, req)": keep its argument list
	args := "(ctx)"
	if i := strings.LastIndex(call, "("); i >= 0 {
		args = call[i:]
	}
	return "client." + strings.Join(append(hops, op.Method.GoName()), ".") + args
}
