package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genParamsFile declares the query/header parameter structs, their
// encoders and the query helper.
func genParamsFile(f *jen.File, api *model.API) bool {
	query, found := false, false
	for _, op := range api.Operations {
		if op.Params == nil {
			continue
		}
		genParamsStruct(f, op.Params)
		genQuery(f, op)
		genHeader(f, op)
		query, found = query || len(op.QueryParams) > 0, true
	}
	if query {
		genAddQuery(f)
	}
	return found
}

func genParamsStruct(f *jen.File, t *model.Type) {
	f.Add(doc(t.Name, t.Doc, ""))
	f.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			g.Add(doc(fd.GoName, paramDoc(fd), deprecation(fd.Deprecated)))
			g.Id(fd.GoName).Add(fieldType(fd))
		}
	})
}

// genQuery declares (p *XParams) query() (string, error): the parameters
// validated, then encoded in spec order.
func genQuery(f *jen.File, op *model.Operation) {
	if len(op.QueryParams) == 0 {
		return
	}
	f.Add(note("query validates the query parameters and encodes them in spec order."))
	f.Func().Params(jen.Id("p").Op("*").Id(op.Params.Name)).Id("query").Params().Params(jen.String(), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("query")})
		for _, p := range op.QueryParams {
			genParamChecks(g, p)
		}
		g.If(jen.Err().Op(":=").Id("v").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.Err()))
		g.Id("q").Op(":=").Lit("")
		for _, p := range op.QueryParams {
			set := jen.Id("q").Op("=").Id("addQuery").Call(jen.Id("q"), jen.Lit(p.Name), stringOf(p.Type, paramValue(p)))
			g.Add(ifPresent(p, set))
		}
		g.Return(jen.Id("q"), jen.Nil())
	})
}

// genHeader declares (p *XParams) header() (http.Header, error): the
// header parameters validated, then set.
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
			g.Add(ifPresent(p, jen.Id("h").Dot("Set").Call(jen.Lit(p.Name), stringOf(p.Type, paramValue(p)))))
		}
		g.Return(jen.Id("h"), jen.Nil())
	})
}

func paramValue(p *model.Param) *jen.Statement {
	if p.Pointer {
		return jen.Op("*").Id("p").Dot(p.GoName)
	}
	return jen.Id("p").Dot(p.GoName)
}

// ifPresent guards a statement on an optional parameter.
func ifPresent(p *model.Param, s *jen.Statement) *jen.Statement {
	if !p.Pointer {
		return s
	}
	return jen.If(jen.Id("p").Dot(p.GoName).Op("!=").Nil()).Block(s)
}

func genParamChecks(g *jen.Group, p *model.Param) {
	if !needsChecks(p.Type) {
		return
	}
	val := func() *jen.Statement { return paramValue(p) }
	if p.Type.Kind == model.KindEnum {
		val = func() *jen.Statement { return jen.Id("p").Dot(p.GoName) } // Valid works through the pointer
	}
	checks := func(g *jen.Group) { valueChecks(g, val, p.Type, p.Name) }
	if p.Pointer {
		g.If(jen.Id("p").Dot(p.GoName).Op("!=").Nil()).BlockFunc(checks)
		return
	}
	checks(g)
}

func genAddQuery(f *jen.File) {
	f.Add(note("addQuery appends name=value, both escaped, to an encoded query."))
	f.Func().Id("addQuery").Params(jen.List(jen.Id("q"), jen.Id("name"), jen.Id("value")).String()).String().Block(
		jen.If(jen.Id("q").Op("!=").Lit("")).Block(jen.Id("q").Op("+=").Lit("&")),
		jen.Return(jen.Id("q").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("name")).Op("+").Lit("=").Op("+").Qual("net/url", "QueryEscape").Call(jen.Id("value"))),
	)
}

// paramDoc is a parameter's description, or its wire name.
func paramDoc(f *model.Field) string {
	if f.Doc != "" {
		return f.Doc
	}
	return "is the parameter \"" + f.JSONName + "\"."
}
