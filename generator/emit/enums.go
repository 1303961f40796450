package emit

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genEnumsFile declares the enums.
func genEnumsFile(f *jen.File, api *model.API) bool {
	found := false
	for _, t := range api.Types {
		if t.Kind == model.KindEnum {
			genEnum(f, t)
			found = true
		}
	}
	return found
}

// genEnum declares a string type, its constants, Valid and Values. Decoding
// accepts any string, so values the spec does not list still arrive.
func genEnum(f *jen.File, t *model.Type) {
	cut(f)
	f.Add(doc(t.Name, typeDoc(t), deprecation(t.Deprecated)))
	f.Type().Id(t.Name).Add(enumBase(t))
	f.Add(note("Values of " + t.Name + "."))
	f.Const().DefsFunc(func(g *jen.Group) {
		for _, v := range t.Values {
			g.Add(doc(v.GoName, valueDoc(v), ""))
			g.Id(v.GoName).Id(t.Name).Op("=").Add(enumLit(t, v))
		}
	})
	genEnumList(f, t)
	genEnumValid(f, t)
	genEnumValues(f, t)
}

// enumList names the package-level slice of an enum's values, which Valid
// and Values read through apiv3.OneOf and apiv3.CloneValues: static data and
// one generic instantiation for all enums, where a switch and a slice
// literal per enum were code the compiler had to build for each (issue 15).
func enumList(t *model.Type) string { return "values" + t.Name }

func genEnumList(f *jen.File, t *model.Type) {
	f.Add(note(enumList(t) + " lists the values of " + t.Name + ", in the spec's order."))
	f.Var().Id(enumList(t)).Op("=").Index().Id(t.Name).Values(enumIDs(t)...)
}

// intEnum reports whether t is an enum whose values are integers. Go code
// handling such a value must treat it as a number (compare with 0, format
// with strconv), never as a string.
func intEnum(t *model.Type) bool {
	return t.Kind == model.KindEnum && t.EnumBase == model.KindInt64
}

// enumBase is the underlying type: int64 for integer enums, else string.
func enumBase(t *model.Type) *jen.Statement {
	if intEnum(t) {
		return jen.Int64()
	}
	return jen.String()
}

// enumLit spells a value; the model checked integer values parse.
func enumLit(t *model.Type, v *model.EnumValue) jen.Code {
	if t.EnumBase == model.KindInt64 {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return jen.Lit(int(n))
	}
	return jen.Lit(v.Value)
}

func valueDoc(v *model.EnumValue) string {
	if v.Meaning != "" {
		return v.Meaning
	}
	return "is " + v.Value + "."
}

func genEnumValid(f *jen.File, t *model.Type) {
	f.Add(note("Valid reports whether x is one of the values the spec lists."))
	f.Func().Params(jen.Id("x").Id(t.Name)).Id("Valid").Params().Bool().Block(
		jen.Return(jen.Qual(runtime, "OneOf").Call(jen.Id("x"), jen.Id(enumList(t)))),
	)
}

func genEnumValues(f *jen.File, t *model.Type) {
	f.Add(note("Values returns the values the spec lists, in its order."))
	f.Func().Params(jen.Id(t.Name)).Id("Values").Params().Index().Id(t.Name).Block(
		jen.Return(jen.Qual(runtime, "CloneValues").Call(jen.Id(enumList(t)))),
	)
}

func enumIDs(t *model.Type) []jen.Code {
	ids := make([]jen.Code, len(t.Values))
	for i, v := range t.Values {
		ids[i] = jen.Id(v.GoName)
	}
	return ids
}
