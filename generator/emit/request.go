package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

var httpMethods = map[model.Method]string{
	model.MethodGet: "MethodGet", model.MethodPost: "MethodPost", model.MethodPut: "MethodPut",
	model.MethodPatch: "MethodPatch", model.MethodDelete: "MethodDelete",
}

// genRequestBuilder declares the method describing the request: the path
// built and validated, a required body present, the parameters encoded.
func genRequestBuilder(f *jen.File, n *model.Node, op *model.Operation) {
	f.Add(note(op.NewFunc + " describes the request of " + op.Method.GoName() + "."))
	f.Func().Params(receiver(n)).Id(op.NewFunc).Params(builderParams(op)...).Params(jen.Op("*").Qual(runtime, "Request"), jen.Error()).BlockFunc(func(g *jen.Group) {
		genPathValue(g, n, op)
		if op.Body != nil && op.BodyRequired {
			genBodyRequired(g)
		}
		if op.Params != nil {
			g.If(jen.Id("params").Op("==").Nil()).Block(jen.Id("params").Op("=").New(jen.Id(op.Params.Name)))
		}
		if len(op.QueryParams) > 0 {
			g.List(jen.Id("query"), jen.Err()).Op(":=").Id("params").Dot("query").Call()
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		}
		if len(op.HeaderParams) > 0 {
			g.List(jen.Id("header"), jen.Err()).Op(":=").Id("params").Dot("header").Call()
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		}
		g.Id("req").Op(":=").Op("&").Qual(runtime, "Request").Values(requestFields(op))
		if op.Body != nil && !op.BodyRequired {
			g.If(jen.Id("body").Op("!=").Nil()).Block(jen.Id("req").Dot("Body").Op("=").Id("body"))
		}
		g.Return(jen.Id("req"), jen.Nil())
	})
}

// genPathValue sets path: the constant, or the built and validated path.
func genPathValue(g *jen.Group, n *model.Node, op *model.Operation) {
	if len(n.Carried) == 0 {
		g.Id("path").Op(":=").Id(op.PathConst)
		return
	}
	var args []jen.Code
	for _, c := range n.Carried {
		args = append(args, jen.Id("n").Dot(c.ArgName))
	}
	g.List(jen.Id("path"), jen.Err()).Op(":=").Id(op.PathFunc).Call(args...)
	g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
}

// genBodyRequired refuses a nil body as a "required" violation.
func genBodyRequired(g *jen.Group) {
	g.If(jen.Id("body").Op("==").Nil()).Block(
		jen.Id("v").Op(":=").Qual(runtime, "Validator").Values(jen.Dict{jen.Id("In"): jen.Lit("body")}),
		jen.Id("v").Dot("Add").Call(jen.Lit(""), jen.Lit(model.RuleRequired.String()), jen.Lit("the request body is required")),
		jen.Return(jen.Nil(), jen.Id("v").Dot("Err").Call()),
	)
}

func requestFields(op *model.Operation) jen.Dict {
	d := jen.Dict{
		jen.Id("Method"):   jen.Qual("net/http", httpMethods[op.Method]),
		jen.Id("Template"): jen.Id(op.PathConst),
		jen.Id("Path"):     jen.Id("path"),
	}
	if len(op.QueryParams) > 0 {
		d[jen.Id("Query")] = jen.Id("query")
	}
	if len(op.HeaderParams) > 0 {
		d[jen.Id("Header")] = jen.Id("header")
	}
	if op.Body != nil && op.BodyRequired {
		d[jen.Id("Body")] = jen.Id("body")
	}
	if op.Idempotent {
		d[jen.Id("Idempotent")] = jen.True()
	}
	if op.UnsignedResponse {
		d[jen.Id("UnsignedResponse")] = jen.True()
	}
	return d
}
