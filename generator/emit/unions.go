package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// unknownField holds a variant the spec does not list.
const unknownField = "Unknown"

// genUnion declares a union: one pointer per variant plus Unknown, with
// MarshalJSON and UnmarshalJSON switching on the discriminator.
func genUnion(f *jen.File, t *model.Type) {
	cut(f)
	f.Add(doc(t.Name, typeDoc(t)+"\n\n"+unionDoc(t), deprecation(t.Deprecated)))
	f.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
		for _, v := range t.Variants {
			g.Add(note(v.GoName + " is set when " + t.Discriminator + " is " + strings.Join(quoted(v.Values), " or ") + "."))
			g.Id(v.GoName).Op("*").Id(v.Type.Name)
		}
		g.Add(note(unknownField + " holds a variant this client does not know, as received."))
		g.Id(unknownField).Qual("encoding/json", "RawMessage")
	})
	genUnionValue(f, t)
	genUnionMarshal(f, t)
	genUnionUnmarshal(f, t)
}

// genUnionValue returns the set variant, for a type switch.
func genUnionValue(f *jen.File, t *model.Type) {
	f.Add(note("Value returns the set variant (" + variantList(t, "*") + ", or json.RawMessage for\nUnknown), or nil, for a type switch."))
	f.Func().Params(jen.Id("x").Id(t.Name)).Id("Value").Params().Any().Block(
		jen.Switch().BlockFunc(func(g *jen.Group) {
			for _, v := range t.Variants {
				g.Case(jen.Id("x").Dot(v.GoName).Op("!=").Nil()).Block(jen.Return(jen.Id("x").Dot(v.GoName)))
			}
			g.Case(jen.Id("x").Dot(unknownField).Op("!=").Nil()).Block(jen.Return(jen.Id("x").Dot(unknownField)))
		}),
		jen.Return(jen.Nil()),
	)
}

// variantList is "A, B" with each name prefixed.
func variantList(t *model.Type, prefix string) string {
	names := make([]string, len(t.Variants))
	for i, v := range t.Variants {
		names[i] = prefix + v.GoName
	}
	return strings.Join(names, ", ")
}

func unionDoc(t *model.Type) string {
	return "It is one of " + variantList(t, "") + ", told apart by the JSON property \"" + t.Discriminator + "\".\n" +
		"Set exactly one field. Decoding sets the field the discriminator names,\nor " + unknownField +
		" for a value the spec does not list."
}

func quoted(vs []string) []string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = `"` + v + `"`
	}
	return q
}

// genUnionMarshal writes the set variant, filling an empty discriminator.
func genUnionMarshal(f *jen.File, t *model.Type) {
	f.Add(note("MarshalJSON writes the set variant; an empty " + t.Discriminator + " is filled in."))
	f.Func().Params(jen.Id("x").Id(t.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Switch().BlockFunc(func(g *jen.Group) {
			for _, v := range t.Variants {
				g.Case(jen.Id("x").Dot(v.GoName).Op("!=").Nil()).BlockFunc(func(g *jen.Group) { marshalVariant(g, v) })
			}
			g.Case(jen.Id("x").Dot(unknownField).Op("!=").Nil()).Block(jen.Return(jen.Id("x").Dot(unknownField), jen.Nil()))
		}),
		jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("wechatpay: "+t.Name+" has no variant set"))),
	)
}

// marshalVariant encodes one variant, with its tag filled when empty.
func marshalVariant(g *jen.Group, v *model.Variant) {
	if v.Tag == nil {
		g.Return(jen.Qual("encoding/json", "Marshal").Call(jen.Id("x").Dot(v.GoName)))
		return
	}
	tag := jen.Id("w").Dot(v.Tag.GoName)
	value := jen.Lit(v.Values[0])
	empty := jen.Lit("")
	if v.Tag.Pointer && v.Tag.Type.Kind == model.KindString {
		value, empty = jen.Qual(runtime, "Ptr").Call(value), jen.Nil()
	} else if v.Tag.Pointer {
		value, empty = jen.Qual(runtime, "Ptr").Call(jen.Id(v.Tag.Type.Name).Call(value)), jen.Nil()
	}
	g.Id("w").Op(":=").Op("*").Id("x").Dot(v.GoName)
	g.If(tag.Clone().Op("==").Add(empty)).Block(tag.Clone().Op("=").Add(value))
	g.Return(jen.Qual("encoding/json", "Marshal").Call(jen.Id("w")))
}

// genUnionUnmarshal reads the discriminator, then the variant it names.
func genUnionUnmarshal(f *jen.File, t *model.Type) {
	f.Add(note("UnmarshalJSON decodes the variant " + t.Discriminator + " names, or keeps the bytes in " + unknownField + "."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("UnmarshalJSON").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.If(jen.String().Call(jen.Id("b")).Op("==").Lit("null")).Block(jen.Return(jen.Nil())),
		jen.Var().Id("probe").Struct(jen.Id("Tag").String().Tag(map[string]string{"json": t.Discriminator})),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Op("&").Id("probe")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Op("*").Id("x").Op("=").Id(t.Name).Values(),
		jen.Switch(jen.Id("probe").Dot("Tag")).BlockFunc(func(g *jen.Group) {
			for _, v := range t.Variants {
				g.Case(lits(v.Values)...).Block(
					jen.Id("x").Dot(v.GoName).Op("=").New(jen.Id(v.Type.Name)),
					jen.Return(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("b"), jen.Id("x").Dot(v.GoName))),
				)
			}
		}),
		jen.Id("x").Dot(unknownField).Op("=").Append(jen.Qual("encoding/json", "RawMessage").Call(jen.Nil()), jen.Id("b").Op("...")),
		jen.Return(jen.Nil()),
	)
}

func lits(vs []string) []jen.Code {
	c := make([]jen.Code, len(vs))
	for i, v := range vs {
		c[i] = jen.Lit(v)
	}
	return c
}

// genUnionValidate checks the set variant and that exactly one is set.
func genUnionValidate(f *jen.File, t *model.Type) {
	genValidateEntry(f, t)
	f.Add(note("validate adds x's violations to v."))
	f.Func().Params(jen.Id("x").Op("*").Id(t.Name)).Id("validate").Params(jen.Id("v").Op("*").Qual(runtime, "Validator")).BlockFunc(func(g *jen.Group) {
		g.Id("n").Op(":=").Lit(0)
		for _, v := range t.Variants {
			g.If(jen.Id("x").Dot(v.GoName).Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				g.Id("n").Op("++")
				if v.Type.Validate {
					g.Id("x").Dot(v.GoName).Dot("validate").Call(jen.Id("v"))
				}
			})
		}
		g.If(jen.Id("x").Dot(unknownField).Op("!=").Nil()).Block(jen.Id("n").Op("++"))
		g.If(jen.Id("n").Op("!=").Lit(1)).Block(add("", model.RuleOneOf, "must have exactly one variant set"))
	})
}
