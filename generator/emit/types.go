package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genTypesFile declares the structs.
func genTypesFile(f *jen.File, api *model.API) bool {
	found := false
	for _, t := range api.Types {
		if t.Kind == model.KindStruct {
			genStruct(f, t)
			found = true
		}
	}
	return found
}

// genStruct declares one struct with JSON tags.
func genStruct(f *jen.File, t *model.Type) {
	f.Add(doc(t.Name, typeDoc(t), deprecation(t.Deprecated)))
	f.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			g.Add(doc(fd.GoName, fieldDoc(fd), deprecation(fd.Deprecated)))
			g.Id(fd.GoName).Add(fieldType(fd)).Tag(map[string]string{"json": jsonTag(fd)})
		}
	})
}

func jsonTag(f *model.Field) string {
	if f.OmitEmpty {
		return f.JSONName + ",omitempty"
	}
	return f.JSONName
}

// deprecation is the Deprecated paragraph of a deprecated element.
func deprecation(deprecated bool) string {
	if deprecated {
		return "the spec marks this deprecated."
	}
	return ""
}

// typeDoc is a type's description, or where the schema is.
func typeDoc(t *model.Type) string {
	switch {
	case t.Doc != "":
		return t.Doc
	case t.SchemaName != "":
		return "is the schema " + t.SchemaName + "."
	}
	return "is the inline schema at #" + t.Pos.Pointer + "."
}

// fieldDoc is a field's description, or its JSON name and type.
func fieldDoc(f *model.Field) string {
	if f.Doc != "" {
		return f.Doc
	}
	s := "is the JSON field \"" + f.JSONName + "\""
	if f.Type.Kind.Named() {
		s += "; see " + f.Type.Name
	}
	return s + "."
}
