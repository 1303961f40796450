package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genSensitiveFile declares, for each struct holding x-wechatpay-sensitive
// fields, encryptSensitive (a copy with the fields encrypted: the caller's
// value is never changed) and decryptSensitive (in place, on a value the
// client decoded itself).
func genSensitiveFile(f *jen.File, api *model.API) bool {
	found := false
	for _, t := range api.Types {
		if t.Kind == model.KindStruct && t.Sensitive {
			genEncryptSensitive(f, t)
			genDecryptSensitive(f, t)
			found = true
		}
	}
	return found
}

// cryptFunc is func(string) (string, error).
func cryptFunc() *jen.Statement {
	return jen.Func().Params(jen.String()).Params(jen.String(), jen.Error())
}

func genEncryptSensitive(f *jen.File, t *model.Type) {
	f.Add(note("encryptSensitive returns a copy of r whose sensitive fields are encrypted with enc\n(empty ones stay empty); r is not changed."))
	f.Func().Params(jen.Id("r").Op("*").Id(t.Name)).Id("encryptSensitive").Params(jen.Id("enc").Add(cryptFunc())).Params(jen.Op("*").Id(t.Name), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Id("c").Op(":=").Op("*").Id("r")
		for _, fd := range t.Fields {
			encryptField(g, fd)
		}
		g.Return(jen.Op("&").Id("c"), jen.Nil())
	})
}

func encryptField(g *jen.Group, fd *model.Field) {
	src, dst := jen.Id("r").Dot(fd.GoName), jen.Id("c").Dot(fd.GoName)
	fail := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
	switch {
	case fd.Sensitive && fd.Pointer:
		g.If(src.Clone().Op("!=").Nil().Op("&&").Op("*").Add(src.Clone()).Op("!=").Lit("")).Block(
			jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("enc").Call(jen.Op("*").Add(src.Clone())), fail,
			dst.Clone().Op("=").Op("&").Id("s"))
	case fd.Sensitive:
		g.If(src.Clone().Op("!=").Lit("")).Block(
			jen.Var().Err().Error(),
			jen.List(dst.Clone(), jen.Err()).Op("=").Id("enc").Call(src.Clone()), fail)
	case fd.Type.Kind == model.KindStruct && fd.Type.Sensitive && fd.Pointer:
		g.If(src.Clone().Op("!=").Nil()).Block(
			jen.Var().Err().Error(),
			jen.List(dst.Clone(), jen.Err()).Op("=").Add(src.Clone()).Dot("encryptSensitive").Call(jen.Id("enc")), fail)
	case fd.Type.Kind == model.KindStruct && fd.Type.Sensitive:
		g.BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("x"), jen.Err()).Op(":=").Add(src.Clone()).Dot("encryptSensitive").Call(jen.Id("enc"))
			g.Add(fail)
			g.Add(dst.Clone()).Op("=").Op("*").Id("x")
		})
	case fd.Type.Kind == model.KindArray && fd.Type.Elem.Kind == model.KindStruct && fd.Type.Elem.Sensitive:
		g.If(src.Clone().Op("!=").Nil()).Block(
			dst.Clone().Op("=").Make(jen.Index().Id(fd.Type.Elem.Name), jen.Len(src.Clone())),
			jen.For(jen.Id("i").Op(":=").Range().Add(src.Clone())).Block(
				jen.List(jen.Id("x"), jen.Err()).Op(":=").Add(src.Clone()).Index(jen.Id("i")).Dot("encryptSensitive").Call(jen.Id("enc")), fail,
				dst.Clone().Index(jen.Id("i")).Op("=").Op("*").Id("x")))
	}
}

func genDecryptSensitive(f *jen.File, t *model.Type) {
	f.Add(note("decryptSensitive decrypts r's sensitive fields in place with dec (empty ones stay\nempty)."))
	f.Func().Params(jen.Id("r").Op("*").Id(t.Name)).Id("decryptSensitive").Params(jen.Id("dec").Add(cryptFunc())).Error().BlockFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			decryptField(g, fd)
		}
		g.Return(jen.Nil())
	})
}

func decryptField(g *jen.Group, fd *model.Field) {
	v := jen.Id("r").Dot(fd.GoName)
	fail := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	switch {
	case fd.Sensitive && fd.Pointer:
		g.If(v.Clone().Op("!=").Nil().Op("&&").Op("*").Add(v.Clone()).Op("!=").Lit("")).Block(
			jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("dec").Call(jen.Op("*").Add(v.Clone())), fail,
			v.Clone().Op("=").Op("&").Id("s"))
	case fd.Sensitive:
		g.If(v.Clone().Op("!=").Lit("")).Block(
			jen.Var().Err().Error(),
			jen.List(v.Clone(), jen.Err()).Op("=").Id("dec").Call(v.Clone()), fail)
	case fd.Type.Kind == model.KindStruct && fd.Type.Sensitive && fd.Pointer:
		g.If(v.Clone().Op("!=").Nil()).Block(
			jen.If(jen.Err().Op(":=").Add(v.Clone()).Dot("decryptSensitive").Call(jen.Id("dec")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	case fd.Type.Kind == model.KindStruct && fd.Type.Sensitive:
		g.If(jen.Err().Op(":=").Add(v.Clone()).Dot("decryptSensitive").Call(jen.Id("dec")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	case fd.Type.Kind == model.KindArray && fd.Type.Elem.Kind == model.KindStruct && fd.Type.Elem.Sensitive:
		g.For(jen.Id("i").Op(":=").Range().Add(v.Clone())).Block(
			jen.If(jen.Err().Op(":=").Add(v.Clone()).Index(jen.Id("i")).Dot("decryptSensitive").Call(jen.Id("dec")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
}
