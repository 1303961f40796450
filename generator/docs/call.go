package docs

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// A page's Go call is code a user pastes into a function that has a client
// and a ctx, so it must compile whatever the spec gives: every value comes
// from an example only when the example fits the Go type, and otherwise
// from a variable declared (zero, with a comment to fill it in) before the
// call, never from a name the snippet does not declare.

// goCall writes the declarations the call needs (path values without a
// usable example, the request from the body example, the parameters from the
// parameters' examples) and the call itself; chain is the call expression up
// to the leaf method, for the index.
func (l literals) goCall(op *model.Operation) (call, chain string, err error) {
	pathArgs, stmts := l.pathArgs(op)
	args := []jen.Code{jen.Id("ctx")}
	if op.Body != nil {
		req, ok := l.value(op.Body, op.BodyExample, true)
		if !ok || op.BodyExample == nil {
			req = jen.Op("&").Add(l.named(op.Body.Name)).Values()
		}
		stmts = append(stmts, jen.Id("req").Op(":=").Add(req))
		args = append(args, jen.Id("req"))
	}
	if op.Params != nil {
		stmts = append(stmts, jen.Id("params").Op(":=").Add(l.paramsValue(op.Params)))
		args = append(args, jen.Id("params"))
	}
	if op.UnsignedResponse && op.Download != nil {
		stmts = append(stmts, jen.Id("digest").Op(":=").Qual(runtimePath, "Digest").Values(jen.Dict{jen.Id("Type"): jen.Lit("SHA1"), jen.Id("Value"): jen.Lit("79bb0f45fc4c42234a918000b2668d689e2bde04")}))
		args = append(args, jen.Id("digest"))
	}
	results := []jen.Code{jen.Id("resp"), jen.Err()}
	if op.Download != nil || op.Response != nil {
		results = []jen.Code{jen.Id("out"), jen.Id("resp"), jen.Err()}
	}
	stmts = append(stmts, jen.List(results...).Op(":=").Add(chainExpr(op, pathArgs)).Call(args...))
	if call, err = render(stmts...); err == nil {
		chain, err = render(chainExpr(op, pathArgs))
	}
	if err != nil {
		return "", "", fmt.Errorf("rendering the Go example: %w", err)
	}
	return call, chain, nil
}

// pathArgs picks the argument of each parameter hop of op's chain: the
// operation's example of that parameter when it fits the method's type,
// else a variable declared in decls (one line, or a block for several).
func (l literals) pathArgs(op *model.Operation) (args map[*model.Node]jen.Code, decls []jen.Code) {
	args = map[*model.Node]jen.Code{}
	taken := map[string]bool{l.pkg: true, "apiv3": true, "json": true, "client": true, "ctx": true,
		"req": true, "params": true, "digest": true, "out": true, "resp": true, "err": true}
	var vars []*model.Node
	names := map[*model.Node]string{}
	for _, n := range hops(op) {
		if n.Kind != model.NodeParam {
			continue
		}
		if p := pathParam(op, n.Param); p != nil && p.Example != nil {
			if code, ok := l.scalar(n.Type, p.Example); ok {
				args[n] = code
				continue
			}
		}
		names[n] = local(n.ArgName, taken)
		args[n] = jen.Id(names[n])
		vars = append(vars, n)
	}
	switch len(vars) {
	case 0:
		return args, nil
	case 1:
		n := vars[0]
		return args, []jen.Code{jen.Var().Id(names[n]).Add(l.typeExpr(n.Type)).Comment("{" + n.Param + "}: the spec gives no usable example; fill it in")}
	}
	var defs []jen.Code
	for _, n := range vars {
		defs = append(defs, jen.Id(names[n]).Add(l.typeExpr(n.Type)).Comment("{"+n.Param+"}"))
	}
	return args, []jen.Code{jen.Comment("The spec gives no usable example of these path values; fill them in."), jen.Var().Defs(defs...)}
}

// chainExpr spells client.<hops>.<Method>, a fresh statement on every call
// (jennifer statements grow when a call is added to them).
func chainExpr(op *model.Operation, args map[*model.Node]jen.Code) *jen.Statement {
	s := jen.Id("client")
	for _, n := range hops(op) {
		s = s.Dot(n.GoName)
		if n.Kind == model.NodeParam {
			s = s.Call(args[n])
		}
	}
	return s.Dot(op.Method.GoName())
}

// hops are the chain nodes from the client (excluded) down to op's node.
func hops(op *model.Operation) []*model.Node {
	var out []*model.Node
	for n := op.Node; n != nil && n.Kind != model.NodeRoot; n = n.Parent {
		out = append([]*model.Node{n}, out...)
	}
	return out
}

func pathParam(op *model.Operation, name string) *model.Param {
	for _, p := range op.PathParams {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// local is name, or name with a number when the snippet already uses it
// or it is one of Go's predeclared names (a variable named like a type
// would break the declarations after it).
func local(name string, taken map[string]bool) string {
	try := name
	for i := 2; taken[try] || types.Universe.Lookup(try) != nil; i++ {
		try = fmt.Sprintf("%s%d", name, i)
	}
	taken[try] = true
	return try
}

// render writes statements, one a line.
func render(stmts ...jen.Code) (string, error) {
	var b strings.Builder
	for i, s := range stmts {
		if i > 0 {
			b.WriteByte('\n')
		}
		if err := jen.Add(s).Render(&b); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}
