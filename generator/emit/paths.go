package emit

import (
	"regexp"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genPathsFile declares each operation's path template constant and, for
// templates with parameters, the function validating and building the path.
func genPathsFile(f *jen.File, api *model.API) bool {
	for _, op := range api.Operations {
		cut(f)
		f.Add(doc(op.PathConst, "is the path template of "+opName(op)+".", ""))
		f.Const().Id(op.PathConst).Op("=").Lit(op.Path)
		if op.Node != nil && len(op.Node.Carried) > 0 {
			genPathFunc(f, op)
		}
	}
	return len(api.Operations) > 0
}

// opName is "getCard (GET /v3/...)" or "GET /v3/..." for doc comments.
func opName(op *model.Operation) string { return op.Label() }

// genPathFunc declares pathX(values...) (string, error): every parameter
// checked (apiv3 refuses ".", "..", empty and control characters; then the
// schema's own rules), then one concatenation of constants and escaped values.
func genPathFunc(f *jen.File, op *model.Operation) {
	var args []jen.Code
	for _, n := range op.Node.Carried {
		args = append(args, jen.Id(n.ArgName).Add(typeExpr(n.Type)))
	}
	f.Add(note(op.PathFunc + " validates the path parameters of " + opName(op) + " and builds its path."))
	f.Func().Id(op.PathFunc).Params(args...).Params(jen.String(), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("path")})
		for _, n := range op.Node.Carried {
			genPathParamChecks(g, paramOf(op, n), n)
		}
		g.If(jen.Err().Op(":=").Id("v").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.Err()))
		g.Return(pathExpr(op), jen.Nil())
	})
}

// genPathParamChecks checks the value of node n against the operation's
// parameter p. A loose node carries a string whatever p's type: the value
// is parsed as p's type first (a string enum converted), then checked.
func genPathParamChecks(g *jen.Group, p *model.Param, n *model.Node) {
	e := func() *jen.Statement { return jen.Id(n.ArgName) }
	if n.Type.Kind == model.KindString {
		g.Id("v").Dot("CheckPathParam").Call(jen.Lit(p.Name), e())
	}
	parse := parserOf(p.Type)
	switch {
	case !n.Loose || p.Type.Kind == model.KindString:
		if needsChecks(p.Type) {
			valueChecks(g, e, p.Type, p.Name)
		}
	case parse == "": // a string enum
		valueChecks(g, func() *jen.Statement { return jen.Id(p.Type.Name).Call(e()) }, p.Type, p.Name)
	case !needsChecks(p.Type):
		g.Id("v").Dot(parse).Call(jen.Lit(p.Name), e())
	default:
		parsed := func() *jen.Statement { return jen.Id("parsed") }
		if p.Type.Kind == model.KindEnum {
			parsed = func() *jen.Statement { return jen.Id(p.Type.Name).Call(jen.Id("parsed")) }
		}
		g.If(jen.List(jen.Id("parsed"), jen.Id("ok")).Op(":=").Id("v").Dot(parse).Call(jen.Lit(p.Name), e()), jen.Id("ok")).BlockFunc(func(g *jen.Group) {
			valueChecks(g, parsed, p.Type, p.Name)
		})
	}
}

// parserOf is the Validator method that reads a string as t ("" for
// strings and string enums).
func parserOf(t *model.Type) string {
	switch t.Kind {
	case model.KindInt32, model.KindInt64:
		return "ParseInt"
	case model.KindFloat64:
		return "ParseNumber"
	case model.KindBool:
		return "ParseBool"
	case model.KindEnum:
		if t.EnumBase == model.KindInt64 {
			return "ParseInt"
		}
	}
	return ""
}

// paramOf is the operation's parameter of a chain node.
func paramOf(op *model.Operation, n *model.Node) *model.Param {
	for _, p := range op.PathParams {
		if p.Name == n.Param {
			return p
		}
	}
	panic("emit: no path parameter " + n.Param + " in " + op.Path) // the model guarantees it
}

var placeholder = regexp.MustCompile(`\{([^{}]+)\}`)

// pathExpr concatenates the template's text with escaped values.
func pathExpr(op *model.Operation) *jen.Statement {
	args := map[string]*model.Node{}
	for _, n := range op.Node.Carried {
		args[n.Param] = n
	}
	var parts []jen.Code
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(op.Path, -1) {
		if m[0] > last {
			parts = append(parts, jen.Lit(op.Path[last:m[0]]))
		}
		n := args[op.Path[m[2]:m[3]]]
		parts = append(parts, jen.Qual(runtime, "EscapePathParam").Call(stringOf(n.Type, jen.Id(n.ArgName))))
		last = m[1]
	}
	if last < len(op.Path) {
		parts = append(parts, jen.Lit(op.Path[last:]))
	}
	return jen.Add(joinPlus(parts))
}

func joinPlus(parts []jen.Code) *jen.Statement {
	s := jen.Add(parts[0])
	for _, p := range parts[1:] {
		s = s.Op("+").Add(p)
	}
	return s
}

// stringOf converts a scalar value to its wire string. An integer enum is
// written as its number: string() of an integer type would make a rune.
func stringOf(t *model.Type, e *jen.Statement) *jen.Statement {
	switch {
	case intEnum(t):
		return jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(e), jen.Lit(10))
	case t.Kind == model.KindEnum:
		return jen.String().Call(e)
	}
	switch t.Kind {
	case model.KindInt32, model.KindInt64:
		return jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(e), jen.Lit(10))
	case model.KindFloat64:
		return jen.Qual("strconv", "FormatFloat").Call(e, jen.LitRune('f'), jen.Lit(-1), jen.Lit(64))
	case model.KindBool:
		return jen.Qual("strconv", "FormatBool").Call(e)
	}
	return e
}
