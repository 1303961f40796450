package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

var httpMethods = map[model.Method]string{
	model.MethodGet: "MethodGet", model.MethodPost: "MethodPost", model.MethodPut: "MethodPut",
	model.MethodPatch: "MethodPatch", model.MethodDelete: "MethodDelete",
}

// genRequestBuilder declares the function describing the request of the
// leaf of node n: the path built and validated, a required body present,
// the parameters encoded.
func genRequestBuilder(f *jen.File, n *model.Node, op *model.Operation) {
	f.Add(note(op.NewFunc + " describes the request of " + op.Method.GoName() + " of n."))
	f.Func().Id(op.NewFunc).Params(append([]jen.Code{receiver(n)}, builderParams(op)...)...).Params(jen.Op("*").Qual(runtime, "Request"), jen.Error()).BlockFunc(func(g *jen.Group) {
		genPathValue(g, n, op)
		if op.Body != nil && op.BodyRequired {
			genBodyRequired(g)
		}
		if op.Params != nil {
			g.If(jen.Id("params").Op("==").Nil()).Block(jen.Id("params").Op("=").New(jen.Id(op.Params.Name)))
		}
		if len(op.QueryParams) > 0 {
			var args []jen.Code
			if defaultsMchID(op) {
				args = append(args, jen.Id("n").Dot("rt").Dot("MchID").Call())
			}
			g.List(jen.Id("query"), jen.Err()).Op(":=").Id("params").Dot("query").Call(args...)
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		}
		if len(op.HeaderParams) > 0 {
			g.List(jen.Id("header"), jen.Err()).Op(":=").Id("params").Dot("header").Call()
			g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
		}
		if op.Download != nil {
			genAccept(g, op)
		}
		g.Id("req").Op(":=").Op("&").Qual(runtime, "Request").Values(requestFields(op))
		if op.Body != nil {
			setBody(g, op)
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
	if op.ID != "" {
		d[jen.Id("OperationID")] = jen.Lit(op.ID)
	}
	if len(op.QueryParams) > 0 {
		d[jen.Id("Query")] = jen.Id("query")
	}
	if len(op.HeaderParams) > 0 || op.Download != nil {
		d[jen.Id("Header")] = jen.Id("header")
	}
	if op.Body != nil && op.BodyRequired && op.Multipart == nil {
		d[jen.Id("Body")] = jen.Id("body")
	}
	if checksDigest(op) {
		d[jen.Id("Digest")] = jen.Op("&").Id("digest")
	}
	if op.Idempotent {
		d[jen.Id("Idempotent")] = jen.True()
	}
	if s := op.SettledBy; s != nil {
		d[jen.Id("SettledBy")] = jen.Lit(opName(s))
	}
	if op.SendSerial {
		d[jen.Id("SendSerial")] = jen.True()
	}
	if op.UnsignedResponse {
		d[jen.Id("UnsignedResponse")] = jen.True()
	}
	if len(op.Statuses) > 1 && op.Response != nil {
		// Other 2xx answers return a nil body: never decode theirs.
		d[jen.Id("DecodeStatus")] = jen.Lit(op.Status)
	}
	return d
}

// defaultsMchID: the operation has a mchid query parameter defaulting to
// the client's merchant ID.
func defaultsMchID(op *model.Operation) bool {
	for _, p := range op.QueryParams {
		if p.DefaultMchID {
			return true
		}
	}
	return false
}

// genAccept asks for any media type: a download's answer is a file.
func genAccept(g *jen.Group, op *model.Operation) {
	if len(op.HeaderParams) == 0 {
		g.Id("header").Op(":=").Qual("net/http", "Header").Values()
	}
	g.Id("header").Dot("Set").Call(jen.Lit("Accept"), jen.Lit("*/*"))
}

// setBody hands the body to the runtime: as JSON (with its sensitive
// fields encrypted into a copy when it has some), or as multipart parts.
func setBody(g *jen.Group, op *model.Operation) {
	var set []jen.Code
	switch {
	case op.Multipart != nil:
		set = multipartBody(op)
	case op.Body.Sensitive:
		set = []jen.Code{
			jen.Id("req").Dot("EncryptSensitive").Op("=").Func().Params(jen.Id("enc").Func().Params(jen.String()).Params(jen.String(), jen.Error())).Params(jen.Any(), jen.Error()).Block(
				jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("body").Dot("encryptSensitive").Call(jen.Id("enc")),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
				jen.Return(jen.Id("c"), jen.Nil()),
			),
		}
	}
	if !op.BodyRequired && op.Multipart == nil {
		set = append([]jen.Code{jen.Id("req").Dot("Body").Op("=").Id("body")}, set...)
	}
	if len(set) == 0 {
		return
	}
	if op.BodyRequired {
		for _, c := range set {
			g.Add(c)
		}
		return
	}
	g.If(jen.Id("body").Op("!=").Nil()).Block(set...)
}

// multipartBody lists the parts, the signed one first; optional parts are
// sent when set.
func multipartBody(op *model.Operation) []jen.Code {
	m := op.Multipart
	var fixed []jen.Code
	var optional []jen.Code
	for _, p := range m.Parts {
		lit := jen.Qual(runtime, "Part").Values(partFields(m, p))
		if p.Field.Required {
			fixed = append(fixed, lit)
			continue
		}
		present := jen.Id("body").Dot(p.Field.GoName).Op("!=").Nil()
		if p.Kind == model.PartFile {
			present = jen.Len(jen.Id("body").Dot(p.Field.GoName)).Op(">").Lit(0)
		}
		optional = append(optional, jen.If(present).Block(jen.Id("parts").Op("=").Append(jen.Id("parts"), lit)))
	}
	code := []jen.Code{jen.Id("parts").Op(":=").Index().Qual(runtime, "Part").Values(fixed...)}
	code = append(code, optional...)
	return append(code, jen.Id("req").Dot("Multipart").Op("=").Op("&").Qual(runtime, "Multipart").Values(jen.Dict{
		jen.Id("Parts"): jen.Id("parts"),
		jen.Id("Sign"):  jen.Lit(m.Sign),
		jen.Id("Value"): jen.Id("body"),
	}))
}

func partFields(m *model.Multipart, p *model.Part) jen.Dict {
	v := jen.Id("body").Dot(p.Field.GoName)
	if p.Field.Pointer {
		v = jen.Op("*").Add(v)
	}
	d := jen.Dict{jen.Id("Name"): jen.Lit(p.Name)}
	switch p.Kind {
	case model.PartFile:
		d[jen.Id("Content")] = jen.Index().Byte().Call(v)
		switch f := p.Filename; {
		case f != nil && f.Pointer:
			d[jen.Id("Filename")] = jen.Qual(runtime, "ValueOr").Call(jen.Id("body").Dot(m.Parts[0].Field.GoName).Dot(f.GoName), jen.Lit(p.Name))
		case f != nil:
			d[jen.Id("Filename")] = jen.Id("body").Dot(m.Parts[0].Field.GoName).Dot(f.GoName)
		default:
			d[jen.Id("Filename")] = jen.Lit(p.Name)
		}
	case model.PartText:
		d[jen.Id("Content")] = jen.Index().Byte().Call(jen.String().Call(v))
	default:
		d[jen.Id("JSON")] = jen.Id("body").Dot(p.Field.GoName)
	}
	if p.ContentType != "" {
		d[jen.Id("ContentType")] = jen.Lit(p.ContentType)
	}
	return d
}
