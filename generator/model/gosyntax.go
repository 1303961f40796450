package model

import "path"

// GoSyntax spells the type as Go source in the generated package, for docs:
// "string", "apiv3.Time", "[]Objective", "map[string]string".
func (t *Type) GoSyntax() string {
	switch t.Kind {
	case KindTime:
		return "apiv3.Time"
	case KindArray:
		return "[]" + t.Elem.GoSyntax()
	case KindMap:
		return "map[string]" + t.Elem.GoSyntax()
	case KindRaw:
		return "json.RawMessage"
	case KindBytes:
		return "[]byte"
	case KindExternal:
		if t.External.ImportPath == "" {
			return t.External.Name
		}
		return path.Base(t.External.ImportPath) + "." + t.External.Name
	case KindStruct, KindEnum, KindUnion:
		return t.Name
	}
	return t.Kind.String()
}

// GoSyntax spells the field's type, with its pointer.
func (f *Field) GoSyntax() string {
	if f.Pointer {
		return "*" + f.Type.GoSyntax()
	}
	return f.Type.GoSyntax()
}
