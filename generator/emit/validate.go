package emit

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genValidateFile declares the patterns and the Validate methods.
func genValidateFile(f *jen.File, api *model.API) bool {
	if len(api.Patterns) > 0 {
		f.Add(note("Patterns of the spec, made once: one ASCII class repeated between anchors is\nmatched by a loop over the bytes, any other pattern by regexp (RE2)."))
		f.Var().DefsFunc(func(g *jen.Group) {
			for _, p := range api.Patterns {
				g.Add(patternVar(p))
			}
		})
	}
	found := len(api.Patterns) > 0
	for _, t := range api.Types {
		switch {
		case !t.Validate:
			continue
		case t.Kind == model.KindStruct:
			genValidate(f, t)
			if t.ZeroCheck {
				genIsZero(f, t)
			}
		case t.Kind == model.KindUnion:
			genUnionValidate(f, t)
		}
		found = true
	}
	return found
}

// patternVar declares a pattern: apiv3.NewClassPattern("chars", min, max)
// with the expression in a comment, or regexp.MustCompile("expr").
func patternVar(p *model.Pattern) jen.Code {
	if c := p.Class; c != nil {
		return jen.Id(p.GoName).Op("=").Qual(runtime, "NewClassPattern").
			Call(jen.Lit(c.Chars), jen.Lit(c.Min), jen.Lit(c.Max)).Comment(strconv.Quote(p.Expr))
	}
	return jen.Id(p.GoName).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p.Expr))
}

// genValidateEntry declares Validate, which collects every violation of
// the unexported validate (reused by types holding this one).
func genValidateEntry(f *jen.File, t *model.Type) {
	cut(f)
	f.Add(note("Validate checks x against the spec's constraints and reports every violation\nin an *apiv3.ValidationError."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("Validate").Params().Error().Block(
		jen.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("body")}),
		jen.Id("x").Dot("validate").Call(jen.Op("&").Id("v")),
		jen.Return(jen.Id("v").Dot("Err").Call()),
	)
}

// genValidate declares a struct's Validate and validate.
func genValidate(f *jen.File, t *model.Type) {
	genValidateEntry(f, t)
	f.Add(note("validate adds x's violations to v."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("validate").Params(jen.Id("v").Op("*").Qual(runtime, "Validator")).BlockFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			if !fd.ReadOnly {
				genFieldChecks(g, fd)
			}
		}
		for _, rg := range t.RequireOneOf {
			requireGroupCheck(g, rg)
		}
	})
}

// requireGroupCheck reports a group none of whose alternatives is set, at
// its first field: if x.A == nil && (x.B == nil || x.C == nil) {...}
func requireGroupCheck(g *jen.Group, rg *model.RequireGroup) {
	var cond *jen.Statement
	for _, alt := range rg.Alternatives {
		var missing *jen.Statement
		for _, fd := range alt {
			missing = orElse(missing, "||", jen.Id("x").Dot(fd.GoName).Op("==").Nil())
		}
		if len(alt) > 1 {
			missing = jen.Parens(missing)
		}
		cond = orElse(cond, "&&", missing)
	}
	g.If(cond).Block(add(rg.Alternatives[0][0].JSONName, model.RuleRequired, rg.Message))
}

// orElse joins two conditions with op; a nil left is the right alone.
func orElse(left *jen.Statement, op string, right jen.Code) *jen.Statement {
	if left == nil {
		return jen.Add(right)
	}
	return left.Op(op).Add(right)
}

// genFieldChecks checks one field: presence, then (when present) its value.
func genFieldChecks(g *jen.Group, fd *model.Field) {
	sel := func() *jen.Statement { return jen.Id("x").Dot(fd.GoName) }
	required := required(fd.JSONName)
	switch {
	case fd.RefuseZero: // a forgotten member, not a short or invalid one
		zero := isZeroExpr(sel(), fd)
		if needsChecks(fd.Type) {
			g.If(zero).Block(required).Else().BlockFunc(func(g *jen.Group) { presentChecks(g, fd, sel) })
		} else {
			g.If(zero).Block(required)
		}
	case fd.RequiredCheck && !needsChecks(fd.Type):
		g.If(sel().Op("==").Nil()).Block(required)
	case fd.RequiredCheck: // one violation for an absent field, not one per rule
		g.If(sel().Op("==").Nil()).Block(required).Else().BlockFunc(func(g *jen.Group) { presentChecks(g, fd, sel) })
	case needsChecks(fd.Type):
		presentChecks(g, fd, sel)
	}
}

// presentChecks checks a field's value, when the field is present.
func presentChecks(g *jen.Group, fd *model.Field, sel func() *jen.Statement) {
	if !fd.Pointer {
		valueChecks(g, sel, fd.Type, fd.JSONName)
		return
	}
	val := func() *jen.Statement { return jen.Op("*").Add(sel()) }
	if fd.Type.Kind.Named() {
		val = sel // methods work through the pointer
	}
	g.If(sel().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
		valueChecks(g, val, fd.Type, fd.JSONName)
	})
}

// add reports a violation at the current node.
func add(name string, rule model.Rule, message string) *jen.Statement {
	return jen.Id("v").Dot("Add").Call(jen.Lit(name), jen.Lit(rule.String()), jen.Lit(message))
}

// required reports the field name missing: v.Required(name), which records
// the rule "required" with apiv3.MessageRequired.
func required(name string) *jen.Statement {
	return jen.Id("v").Dot("Required").Call(jen.Lit(name))
}

// needsChecks reports whether a value of t has anything to check.
func needsChecks(t *model.Type) bool {
	switch t.Kind {
	case model.KindStruct, model.KindUnion:
		return t.Validate
	case model.KindEnum:
		return true
	case model.KindArray:
		return len(t.Checks) > 0 || needsChecks(t.Elem)
	case model.KindMap:
		return needsChecks(t.Elem)
	}
	return len(t.Checks) > 0
}

// valueChecks checks the value e of type t, named name ("" for an array
// element or map value, whose position the validator already holds).
func valueChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	valueChecksAt(g, e, t, name, 0)
}

// valueChecksAt is valueChecks inside depth loops, so that nested loops get
// their own variables.
func valueChecksAt(g *jen.Group, e func() *jen.Statement, t *model.Type, name string, depth int) {
	switch t.Kind {
	case model.KindStruct, model.KindUnion:
		structCheck(g, e, name)
	case model.KindEnum:
		g.If(jen.Op("!").Add(e()).Dot("Valid").Call()).Block(add(name, model.RuleEnum, t.Checks[0].Message))
	case model.KindArray:
		arrayChecks(g, e, t, name, depth)
	case model.KindMap:
		mapChecks(g, e, t, name, depth)
	case model.KindString:
		stringChecks(g, e, t.Checks, name)
	default:
		numberChecks(g, e, t, name)
	}
}

func structCheck(g *jen.Group, e func() *jen.Statement, name string) {
	enter(g, name)
	g.Add(e()).Dot("validate").Call(jen.Id("v"))
	leave(g, name)
}

// enter and leave descend into a named field; "" is the current node.
func enter(g *jen.Group, name string) {
	if name != "" {
		g.Id("v").Dot("Enter").Call(jen.Lit(name))
	}
}

func leave(g *jen.Group, name string) {
	if name != "" {
		g.Id("v").Dot("Leave").Call()
	}
}

// loopVar names the loop variable of a depth: i, i1, i2, ...
func loopVar(base string, depth int) string {
	if depth == 0 {
		return base
	}
	return fmt.Sprint(base, depth)
}

func arrayChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string, depth int) {
	for _, c := range t.Checks {
		op := map[model.Rule]string{model.RuleMinItems: "<", model.RuleMaxItems: ">"}[c.Rule]
		g.If(jen.Len(e()).Op(op).Lit(int(c.Limit))).Block(add(name, c.Rule, c.Message))
	}
	if !needsChecks(t.Elem) {
		return
	}
	i := loopVar("i", depth)
	elem := func() *jen.Statement { return e().Index(jen.Id(i)) }
	enter(g, name)
	g.For(jen.Id(i).Op(":=").Range().Add(e())).BlockFunc(func(g *jen.Group) {
		g.Id("v").Dot("EnterIndex").Call(jen.Id(i))
		valueChecksAt(g, elem, t.Elem, "", depth+1)
		g.Id("v").Dot("Leave").Call()
	})
	leave(g, name)
}

// mapChecks checks every value of a map, named by its key.
func mapChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string, depth int) {
	k, el := loopVar("k", depth), loopVar("e", depth)
	enter(g, name)
	g.For(jen.List(jen.Id(k), jen.Id(el)).Op(":=").Range().Add(e())).BlockFunc(func(g *jen.Group) {
		g.Id("v").Dot("Enter").Call(jen.Id(k))
		valueChecksAt(g, func() *jen.Statement { return jen.Id(el) }, t.Elem, "", depth+1)
		g.Id("v").Dot("Leave").Call()
	})
	leave(g, name)
}

// genIsZero declares isZero, with which Validate tells a required struct
// left out (every field at its zero value) from one that was set.
func genIsZero(f *jen.File, t *model.Type) {
	f.Add(note("isZero reports whether every field of x is its zero value: a required\nmember left out."))
	var cond *jen.Statement
	for _, fd := range t.Fields {
		cond = orElse(cond, "&&", isZeroExpr(jen.Id("x").Dot(fd.GoName), fd))
	}
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("isZero").Params().Bool().Block(jen.Return(cond))
}

// isZeroExpr reports whether field fd, at e, holds its zero value (the
// model only asks for kinds it can tell).
func isZeroExpr(e *jen.Statement, fd *model.Field) *jen.Statement {
	switch k := fd.Type.Kind; {
	case fd.Pointer:
		return e.Op("==").Nil()
	case k == model.KindArray || k == model.KindMap || k == model.KindRaw || k == model.KindBytes:
		return jen.Len(e).Op("==").Lit(0)
	case k == model.KindTime:
		return e.Dot("IsZero").Call()
	case k == model.KindStruct:
		return e.Dot("isZero").Call()
	case k == model.KindBool:
		return jen.Op("!").Add(e)
	case k == model.KindString || k == model.KindEnum && fd.Type.EnumBase != model.KindInt64:
		return e.Op("==").Lit("")
	}
	return e.Op("==").Lit(0)
}
