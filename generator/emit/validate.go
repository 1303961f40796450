package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genValidateFile declares the patterns and the Validate methods.
func genValidateFile(f *jen.File, api *model.API) bool {
	if len(api.Patterns) > 0 {
		f.Add(note("Patterns of the spec (RE2), compiled once."))
		f.Var().DefsFunc(func(g *jen.Group) {
			for _, p := range api.Patterns {
				g.Id(p.GoName).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p.Expr))
			}
		})
	}
	found := len(api.Patterns) > 0
	for _, t := range api.Types {
		if t.Kind == model.KindStruct && t.Validate {
			genValidate(f, t)
			found = true
		}
	}
	return found
}

// genValidate declares Validate and validate: the exported one collects
// every violation, the unexported one is reused by types holding this one.
func genValidate(f *jen.File, t *model.Type) {
	f.Add(note("Validate checks x against the spec's constraints and reports every violation\nin an *apiv3.ValidationError."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("Validate").Params().Error().Block(
		jen.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("body")}),
		jen.Id("x").Dot("validate").Call(jen.Op("&").Id("v")),
		jen.Return(jen.Id("v").Dot("Err").Call()),
	)
	f.Add(note("validate adds x's violations to v."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("validate").Params(jen.Id("v").Op("*").Qual(runtime, "Validator")).BlockFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			genFieldChecks(g, fd)
		}
	})
}

// genFieldChecks checks one field: presence, then (when present) its value.
func genFieldChecks(g *jen.Group, fd *model.Field) {
	sel := func() *jen.Statement { return jen.Id("x").Dot(fd.GoName) }
	required := add(fd.JSONName, model.RuleRequired, "is required")
	switch {
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
	if fd.Type.Kind == model.KindStruct || fd.Type.Kind == model.KindEnum {
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

// needsChecks reports whether a value of t has anything to check.
func needsChecks(t *model.Type) bool {
	switch t.Kind {
	case model.KindStruct:
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
// element, whose position the validator already holds).
func valueChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	switch t.Kind {
	case model.KindStruct:
		structCheck(g, e, t, name)
	case model.KindEnum:
		g.If(jen.Op("!").Add(e()).Dot("Valid").Call()).Block(add(name, model.RuleEnum, t.Checks[0].Message))
	case model.KindArray:
		arrayChecks(g, e, t, name)
	case model.KindMap:
		mapChecks(g, e, t, name)
	case model.KindString:
		stringChecks(g, e, t.Checks, name)
	default:
		numberChecks(g, e, t, name)
	}
}

func structCheck(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	if name == "" {
		g.Add(e()).Dot("validate").Call(jen.Id("v"))
		return
	}
	g.Id("v").Dot("Enter").Call(jen.Lit(name))
	g.Add(e()).Dot("validate").Call(jen.Id("v"))
	g.Id("v").Dot("Leave").Call()
}

func arrayChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	for _, c := range t.Checks {
		op := map[model.Rule]string{model.RuleMinItems: "<", model.RuleMaxItems: ">"}[c.Rule]
		g.If(jen.Len(e()).Op(op).Lit(int(c.Limit))).Block(add(name, c.Rule, c.Message))
	}
	if !needsChecks(t.Elem) {
		return
	}
	elem := func() *jen.Statement { return e().Index(jen.Id("i")) }
	g.Id("v").Dot("Enter").Call(jen.Lit(name))
	g.For(jen.Id("i").Op(":=").Range().Add(e())).BlockFunc(func(g *jen.Group) {
		g.Id("v").Dot("EnterIndex").Call(jen.Id("i"))
		valueChecks(g, elem, t.Elem, "")
		g.Id("v").Dot("Leave").Call()
	})
	g.Id("v").Dot("Leave").Call()
}

// mapChecks checks every value of a map, named by its key.
func mapChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	g.Id("v").Dot("Enter").Call(jen.Lit(name))
	g.For(jen.List(jen.Id("k"), jen.Id("e")).Op(":=").Range().Add(e())).BlockFunc(func(g *jen.Group) {
		g.Id("v").Dot("Enter").Call(jen.Id("k"))
		valueChecks(g, func() *jen.Statement { return jen.Id("e") }, t.Elem, "")
		g.Id("v").Dot("Leave").Call()
	})
	g.Id("v").Dot("Leave").Call()
}
