package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// typeExpr spells a model type.
func typeExpr(t *model.Type) *jen.Statement {
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
		return jen.Index().Add(typeExpr(t.Elem))
	case model.KindMap:
		return jen.Map(jen.String()).Add(typeExpr(t.Elem))
	case model.KindBytes:
		return jen.Index().Byte()
	case model.KindRaw:
		return jen.Qual("encoding/json", "RawMessage")
	case model.KindExternal:
		return jen.Qual(t.External.ImportPath, t.External.Name)
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
