package emit

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genTypesFile declares the structs and unions.
func genTypesFile(f *jen.File, api *model.API) bool {
	found := false
	for _, t := range api.Types {
		switch t.Kind {
		case model.KindStruct:
			genStruct(f, t)
		case model.KindUnion:
			genUnion(f, t)
		default:
			continue
		}
		found = true
	}
	return found
}

// genStruct declares one struct with JSON tags.
func genStruct(f *jen.File, t *model.Type) {
	cut(f)
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

// fieldDoc is a field's description, or its JSON name and type, followed
// by the notes of fieldNotes.
func fieldDoc(f *model.Field) string {
	s := f.Doc
	if s == "" {
		s = "is the JSON field \"" + f.JSONName + "\""
		if f.Type.Kind.Named() {
			s += "; see " + f.Type.Name
		}
		s += "."
	}
	if notes := fieldNotes(f); notes != "" {
		s += "\n\n" + notes
	}
	return s
}

// fieldNotes says what the spec says about a field beyond its description:
// read-only, write-only, nullable, default.
func fieldNotes(f *model.Field) string {
	var notes []string
	if f.ReadOnly {
		notes = append(notes, "Read-only: set by the server; leave it nil in requests (Validate ignores it).")
	}
	if f.WriteOnly {
		notes = append(notes, "Write-only: sent, never returned.")
	}
	if f.Nullable {
		notes = append(notes, "Nullable: a JSON null decodes to nil; nil is never sent.")
	}
	if f.Default != nil {
		notes = append(notes, "Default (applied by the server when the field is absent): "+literal(f.Default)+".")
	}
	return strings.Join(notes, "\n")
}

// literal spells a spec value as JSON.
func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
