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
	f.Add(doc(t.Name, t.Doc, deprecation(t.Deprecated)))
	f.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
		for _, fd := range t.Fields {
			g.Add(doc(fd.GoName, fd.Doc, deprecation(fd.Deprecated)))
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
