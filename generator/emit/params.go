package emit

import (
	"slices"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genParamsFile declares the query/header parameter structs, their
// encoders and the query helper.
func genParamsFile(f *jen.File, api *model.API) bool {
	query, joined, found := false, false, false
	for _, op := range api.Operations {
		if op.Params == nil {
			continue
		}
		genParamsStruct(f, op.Params)
		genQuery(f, op)
		genHeader(f, op)
		query, found = query || len(op.QueryParams) > 0, true
		joined = joined || slices.ContainsFunc(op.QueryParams, func(p *model.Param) bool { return p.Type.Kind == model.KindArray && !p.Explode })
	}
	if query {
		genAddQuery(f)
	}
	if joined {
		genAddRawQuery(f)
	}
	return found
}

func genParamsStruct(f *jen.File, t *model.Type) {
	cut(f)
	f.Add(doc(t.Name, t.Doc, ""))
	f.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			g.Add(doc(fd.GoName, paramDoc(fd), deprecation(fd.Deprecated)))
			g.Id(fd.GoName).Add(fieldType(fd))
		}
	})
}

// genQuery declares (p *XParams) query([defaultMchID string]) (string,
// error): the parameters validated, then encoded in spec order, each as its
// style says.
func genQuery(f *jen.File, op *model.Operation) {
	if len(op.QueryParams) == 0 {
		return
	}
	var args []jen.Code
	text := "query validates the query parameters and encodes them in spec order."
	if defaultsMchID(op) {
		args = append(args, jen.Id("defaultMchID").String())
		text += "\nAn empty mchid is the client's merchant ID, defaultMchID."
	}
	f.Add(note(text))
	f.Func().Params(jen.Id("p").Op("*").Id(op.Params.Name)).Id("query").Params(args...).Params(jen.String(), jen.Error()).BlockFunc(func(g *jen.Group) {
		for _, p := range op.QueryParams {
			if p.DefaultMchID {
				genMchIDDefault(g, p)
			}
		}
		g.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("query")})
		for _, p := range op.QueryParams {
			genParamChecks(g, p)
		}
		g.If(jen.Err().Op(":=").Id("v").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.Err()))
		g.Id("q").Op(":=").Lit("")
		for _, p := range op.QueryParams {
			g.Add(ifPresent(p, queryEncode(p)))
		}
		g.Return(jen.Id("q"), jen.Nil())
	})
}

// genMchIDDefault declares the mchid value sent: the parameter, else the
// client's merchant ID.
func genMchIDDefault(g *jen.Group, p *model.Param) {
	if p.Pointer {
		g.Id(p.ArgName).Op(":=").Id("defaultMchID")
		g.If(jen.Id("p").Dot(p.GoName).Op("!=").Nil()).Block(jen.Id(p.ArgName).Op("=").Op("*").Id("p").Dot(p.GoName))
		return
	}
	g.Id(p.ArgName).Op(":=").Id("p").Dot(p.GoName)
	g.If(jen.Id(p.ArgName).Op("==").Lit("")).Block(jen.Id(p.ArgName).Op("=").Id("defaultMchID"))
}

// queryEncode appends one parameter: a scalar as name=value; an array
// exploded (a=1&a=2) or joined by its style's separator (a=1,2).
func queryEncode(p *model.Param) jen.Code {
	val := paramValue(p)
	if p.Type.Kind != model.KindArray {
		return jen.Id("q").Op("=").Id("addQuery").Call(jen.Id("q"), jen.Lit(p.Name), stringOf(p.Type, val))
	}
	if p.Explode {
		return jen.For(jen.List(jen.Id("_"), jen.Id("x")).Op(":=").Range().Add(val)).Block(
			jen.Id("q").Op("=").Id("addQuery").Call(jen.Id("q"), jen.Lit(p.Name), stringOf(p.Type.Elem, jen.Id("x"))))
	}
	return jen.If(jen.Len(val).Op(">").Lit(0)).Block(
		jen.Id("vs").Op(":=").Make(jen.Index().String(), jen.Len(val)),
		jen.For(jen.List(jen.Id("i"), jen.Id("x")).Op(":=").Range().Add(val)).Block(
			jen.Id("vs").Index(jen.Id("i")).Op("=").Qual("net/url", "QueryEscape").Call(stringOf(p.Type.Elem, jen.Id("x")))),
		jen.Id("q").Op("=").Id("addRawQuery").Call(jen.Id("q"), jen.Lit(p.Name), jen.Qual("strings", "Join").Call(jen.Id("vs"), jen.Lit(p.Style.Separator()))),
	)
}

// genHeader declares (p *XParams) header() (http.Header, error): the
// header parameters validated, then set (arrays comma-separated).
func genHeader(f *jen.File, op *model.Operation) {
	if len(op.HeaderParams) == 0 {
		return
	}
	f.Add(note("header validates the header parameters and returns them."))
	f.Func().Params(jen.Id("p").Op("*").Id(op.Params.Name)).Id("header").Params().Params(jen.Qual("net/http", "Header"), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("header")})
		for _, p := range op.HeaderParams {
			genParamChecks(g, p)
		}
		g.If(jen.Err().Op(":=").Id("v").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		g.Id("h").Op(":=").Qual("net/http", "Header").Values()
		for _, p := range op.HeaderParams {
			g.Add(ifPresent(p, headerSet(p)))
		}
		g.Return(jen.Id("h"), jen.Nil())
	})
}

func headerSet(p *model.Param) jen.Code {
	val := paramValue(p)
	if p.Type.Kind != model.KindArray {
		return jen.Id("h").Dot("Set").Call(jen.Lit(p.Name), stringOf(p.Type, val))
	}
	return jen.If(jen.Len(val).Op(">").Lit(0)).Block(
		jen.Id("vs").Op(":=").Make(jen.Index().String(), jen.Len(val)),
		jen.For(jen.List(jen.Id("i"), jen.Id("x")).Op(":=").Range().Add(val)).Block(
			jen.Id("vs").Index(jen.Id("i")).Op("=").Add(stringOf(p.Type.Elem, jen.Id("x")))),
		jen.Id("h").Dot("Set").Call(jen.Lit(p.Name), jen.Qual("strings", "Join").Call(jen.Id("vs"), jen.Lit(","))),
	)
}

func paramValue(p *model.Param) *jen.Statement {
	if p.DefaultMchID {
		return jen.Id(p.ArgName)
	}
	if p.Pointer {
		return jen.Op("*").Id("p").Dot(p.GoName)
	}
	return jen.Id("p").Dot(p.GoName)
}

// ifPresent guards a statement on an optional parameter.
func ifPresent(p *model.Param, s jen.Code) jen.Code {
	if !p.Pointer || p.DefaultMchID {
		return s
	}
	return jen.If(jen.Id("p").Dot(p.GoName).Op("!=").Nil()).Block(s)
}

func genParamChecks(g *jen.Group, p *model.Param) {
	if p.Required {
		genRequiredParam(g, p)
	}
	if !needsChecks(p.Type) {
		return
	}
	val := func() *jen.Statement { return paramValue(p) }
	if p.Type.Kind == model.KindEnum && !p.DefaultMchID {
		val = func() *jen.Statement { return jen.Id("p").Dot(p.GoName) } // Valid works through the pointer
	}
	checks := func(g *jen.Group) { valueChecks(g, val, p.Type, p.Name) }
	if p.Pointer && !p.DefaultMchID {
		g.If(jen.Id("p").Dot(p.GoName).Op("!=").Nil()).BlockFunc(checks)
		return
	}
	checks(g)
}

// genRequiredParam reports a required string, string enum or array
// parameter left empty: an empty value is not sent, so the parameter would
// be missing. An integer enum, like an integer, has no empty value: its zero
// is sent, and Valid refuses it when the enum does not list it.
func genRequiredParam(g *jen.Group, p *model.Param) {
	var empty *jen.Statement
	switch {
	case intEnum(p.Type):
		return
	case p.Type.Kind == model.KindString, p.Type.Kind == model.KindEnum:
		empty = paramValue(p).Op("==").Lit("")
	case p.Type.Kind == model.KindArray:
		empty = jen.Len(paramValue(p)).Op("==").Lit(0)
	default:
		return
	}
	g.If(empty).Block(required(p.Name))
}

func genAddQuery(f *jen.File) {
	f.Add(note("addQuery appends name=value, both escaped, to an encoded query."))
	f.Func().Id("addQuery").Params(jen.List(jen.Id("q"), jen.Id("name"), jen.Id("value")).String()).String().Block(
		jen.If(jen.Id("q").Op("!=").Lit("")).Block(jen.Id("q").Op("+=").Lit("&")),
		jen.Return(jen.Id("q").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("name")).Op("+").Lit("=").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("value"))),
	)
}

func genAddRawQuery(f *jen.File) {
	f.Add(note("addRawQuery appends name=raw, raw already escaped, to an encoded query."))
	f.Func().Id("addRawQuery").Params(jen.List(jen.Id("q"), jen.Id("name"), jen.Id("raw")).String()).String().Block(
		jen.If(jen.Id("q").Op("!=").Lit("")).Block(jen.Id("q").Op("+=").Lit("&")),
		jen.Return(jen.Id("q").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("name")).Op("+").Lit("=").Op("+").Id("raw")),
	)
}

// paramDoc is a parameter's description, or its wire name.
func paramDoc(f *model.Field) string {
	if f.Doc != "" {
		return f.Doc
	}
	return "is the parameter \"" + f.JSONName + "\"."
}
