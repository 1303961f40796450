package emit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genLeaf declares an operation's three methods: the call, its
// New<Method>Request twin, and the unexported request builder both use.
func genLeaf(f *jen.File, n *model.Node, op *model.Operation) {
	cut(f)
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
	if checksDigest(op) {
		ps = append(ps, jen.Id("digest").Qual(runtime, "Digest"))
	}
	return ps
}

// checksDigest: an unsigned download, checked against a digest argument.
func checksDigest(op *model.Operation) bool { return op.UnsignedResponse && op.Download != nil }

func builderArgs(op *model.Operation) []jen.Code {
	var as []jen.Code
	if op.Body != nil {
		as = append(as, jen.Id("body"))
	}
	if op.Params != nil {
		as = append(as, jen.Id("params"))
	}
	if checksDigest(op) {
		as = append(as, jen.Id("digest"))
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
	if note := resultNote(op); note != "" {
		text += "\n\n" + note
	}
	if q := op.SettledBy; q != nil && q.Node != nil {
		text += "\n\n" + wrapWords("It is not safe to repeat: when the request may have reached WeChat Pay but no answer came, "+
			"the error wraps [apiv3.ErrOutcomeUnknown] and nothing is sent again. Call ["+q.Node.TypeName+"."+q.Method.GoName()+
			"], "+opName(q)+", to learn whether it took effect before repeating it.", 80)
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
		g.List(jen.Id("req"), jen.Err()).Op(":=").Id(op.NewFunc).Call(append([]jen.Code{jen.Id("n")}, builderArgs(op)...)...)
		if op.Download != nil {
			genDownloadCall(g)
			return
		}
		if op.Response == nil {
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
			g.Return(jen.Id("n").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("req"), jen.Nil(), jen.Id("opts").Op("...")))
			return
		}
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err()))
		g.Id("out").Op(":=").New(typeExpr(op.Response))
		g.List(jen.Id("resp"), jen.Err()).Op(":=").Id("n").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("req"), jen.Id("out"), jen.Id("opts").Op("..."))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("resp"), jen.Err()))
		if len(op.Statuses) > 1 {
			g.If(jen.Id("resp").Dot("StatusCode").Op("!=").Lit(op.Status)).Block(jen.Return(jen.Nil(), jen.Id("resp"), jen.Nil()))
		}
		if op.Response.Sensitive {
			g.If(jen.Err().Op(":=").Id("out").Dot("decryptSensitive").Call(jen.Id("n").Dot("rt").Dot("DecryptSensitive")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Id("resp"), jen.Err()))
		}
		g.Return(jen.Id("out"), jen.Id("resp"), jen.Nil())
	})
}

// genDownloadCall returns the downloaded bytes (checked by the runtime
// against the digest when the operation is unsigned).
func genDownloadCall(g *jen.Group) {
	g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err()))
	g.List(jen.Id("resp"), jen.Err()).Op(":=").Id("n").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("req"), jen.Nil(), jen.Id("opts").Op("..."))
	g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("resp"), jen.Err()))
	g.Return(jen.Id("resp").Dot("Body"), jen.Id("resp"), jen.Nil())
}

// resultNote documents what a leaf returns when it is not plain JSON.
func resultNote(op *model.Operation) string {
	switch {
	case checksDigest(op):
		return "The answer is a file that WeChat Pay does not sign: it is returned as received (a gzip archive stays\n" +
			"compressed) only when it matches digest, the hash a signed call announced (e.g. hash_type and\n" +
			"hash_value of the call that gave the download address); a gzip archive matches when its content does.\n" +
			"Otherwise the error wraps apiv3.ErrDigestMismatch."
	case op.Download != nil:
		return "The answer is a file; its bytes are returned as received."
	case op.Multipart != nil:
		return "The body is sent as multipart/form-data; the signature covers only the JSON of its \"" + op.Multipart.Sign + "\" part."
	case len(op.Statuses) > 1 && op.Response != nil:
		return fmt.Sprintf("The body is returned for a %d answer only; other 2xx answers (%s) return a nil body\nand their status in resp.StatusCode.", op.Status, otherStatuses(op))
	}
	return ""
}

func otherStatuses(op *model.Operation) string {
	var s []string
	for _, c := range op.Statuses {
		if c != op.Status {
			s = append(s, strconv.Itoa(c))
		}
	}
	return strings.Join(s, ", ")
}

func callResults(op *model.Operation) jen.Code {
	if op.Download != nil {
		return jen.Params(jen.Index().Byte(), jen.Op("*").Qual(runtime, "Response"), jen.Error())
	}
	if op.Response == nil {
		return jen.Params(jen.Op("*").Qual(runtime, "Response"), jen.Error())
	}
	return jen.Params(jen.Op("*").Add(typeExpr(op.Response)), jen.Op("*").Qual(runtime, "Response"), jen.Error())
}

func genNewRequest(f *jen.File, n *model.Node, op *model.Operation) {
	name := "New" + op.Method.GoName() + "Request"
	f.Add(note(name + " builds the signed *http.Request of " + op.Method.GoName() + " without sending it."))
	f.Func().Params(receiver(n)).Id(name).Params(leafParams(op)...).Params(jen.Op("*").Qual("net/http", "Request"), jen.Error()).Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Id(op.NewFunc).Call(append([]jen.Code{jen.Id("n")}, builderArgs(op)...)...),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("n").Dot("rt").Dot("NewRequest").Call(jen.Id("ctx"), jen.Id("req"), jen.Id("opts").Op("..."))),
	)
}

// wrapWords breaks a paragraph of ours into lines of at most width bytes
// (a longer word stays whole), as hand-written comments are.
func wrapWords(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && line+1+len(w) > width {
			b.WriteByte('\n')
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
