package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genLeaf declares an operation's three methods: the call, its
// New<Method>Request twin, and the unexported request builder both use.
func genLeaf(f *jen.File, n *model.Node, op *model.Operation) {
	genCall(f, n, op)
	genNewRequest(f, n, op)
	genRequestBuilder(f, n, op)
}

// leafParams are (ctx, [body *T], [params *P], opts ...apiv3.CallOption).
func leafParams(op *model.Operation) []jen.Code {
	ps := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	ps = append(ps, builderParams(op)...)
	return append(ps, jen.Id("opts").Op("...").Qual(runtime, "CallOption"))
}

func builderParams(op *model.Operation) []jen.Code {
	var ps []jen.Code
	if op.Body != nil {
		ps = append(ps, jen.Id("body").Op("*").Add(typeExpr(op.Body)))
	}
	if op.Params != nil {
		ps = append(ps, jen.Id("params").Op("*").Id(op.Params.Name))
	}
	return ps
}

func builderArgs(op *model.Operation) []jen.Code {
	var as []jen.Code
	if op.Body != nil {
		as = append(as, jen.Id("body"))
	}
	if op.Params != nil {
		as = append(as, jen.Id("params"))
	}
	return as
}

// leafDoc documents a leaf: method, path, summary, description, deprecation.
func leafDoc(op *model.Operation) jen.Code {
	text := "calls " + opName(op)
	if op.Summary != "" {
		text += ": " + op.Summary
	}
	text += "."
	if op.Description != "" {
		text += "\n\n" + op.Description
	}
	return doc(op.Method.GoName(), text, opDeprecation(op))
}

func opDeprecation(op *model.Operation) string {
	if !op.Deprecated {
		return ""
	}
	s := "the spec marks this operation deprecated."
	if op.OfflineSince != "" {
		s = strings.TrimSuffix(s, ".") + "; it has been offline since " + op.OfflineSince + "."
	}
	return s
}

func genCall(f *jen.File, n *model.Node, op *model.Operation) {
	f.Add(leafDoc(op))
	f.Func().Params(receiver(n)).Id(op.Method.GoName()).Params(leafParams(op)...).Add(callResults(op)).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("req"), jen.Err()).Op(":=").Id("n").Dot(op.NewFunc).Call(builderArgs(op)...)
		if op.Response == nil {
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Return(jen.Id("n").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("req"), jen.Nil(), jen.Id("opts").Op("...")))
			return
		}
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err()))
		g.Id("out").Op(":=").New(typeExpr(op.Response))
		g.List(jen.Id("resp"), jen.Err()).Op(":=").Id("n").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("req"), jen.Id("out"), jen.Id("opts").Op("..."))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("resp"), jen.Err()))
		g.Return(jen.Id("out"), jen.Id("resp"), jen.Nil())
	})
}

func callResults(op *model.Operation) jen.Code {
	if op.Response == nil {
		return jen.Params(jen.Op("*").Qual(runtime, "Response"), jen.Error())
	}
	return jen.Params(jen.Op("*").Add(typeExpr(op.Response)), jen.Op("*").Qual(runtime, "Response"), jen.Error())
}

func genNewRequest(f *jen.File, n *model.Node, op *model.Operation) {
	name := "New" + op.Method.GoName() + "Request"
	f.Add(note(name + " builds the signed *http.Request of " + op.Method.GoName() + " without sending it."))
	f.Func().Params(receiver(n)).Id(name).Params(leafParams(op)...).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Id("n").Dot(op.NewFunc).Call(builderArgs(op)...),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("n").Dot("rt").Dot("NewRequest").Call(jen.Id("ctx"), jen.Id("req"), jen.Id("opts").Op("..."))),
	)
}
