package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// typeExpr spells a model type inside the generated package.
func typeExpr(t *model.Type) *jen.Statement { return TypeIn(t, "") }

// TypeIn spells a model type in Go, its named types qualified with the
// generated package's import path pkg ("" inside the package itself): for
// code beside the generated package, such as test drivers.
func TypeIn(t *model.Type, pkg string) *jen.Statement {
	switch t.Kind {
	case model.KindString:
		return jen.String()
	case model.KindInt32:
		return jen.Int32()
	case model.KindInt64:
		return jen.Int64()
	case model.KindFloat64:
		return jen.Float64()
	case model.KindBool:
		return jen.Bool()
	case model.KindTime:
		return jen.Qual(runtime, "Time")
	case model.KindArray:
		return jen.Index().Add(TypeIn(t.Elem, pkg))
	case model.KindMap:
		return jen.Map(jen.String()).Add(TypeIn(t.Elem, pkg))
	case model.KindBytes:
		return jen.Index().Byte()
	case model.KindRaw:
		return jen.Qual("encoding/json", "RawMessage")
	case model.KindExternal:
		return jen.Qual(t.External.ImportPath, t.External.Name)
	}
	if pkg != "" {
		return jen.Qual(pkg, t.Name)
	}
	return jen.Id(t.Name)
}

// fieldType spells a field's type, with the pointer when it has one.
func fieldType(f *model.Field) *jen.Statement {
	if f.Pointer {
		return jen.Op("*").Add(typeExpr(f.Type))
	}
	return typeExpr(f.Type)
}
