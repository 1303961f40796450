package model

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// goType types a schema carrying x-go-type: "Name" (same package or
// builtin) or "pkg.Name" with x-go-type-import giving the import path.
func (b *builder) goType(s *openapi3.Schema, u use) *Type {
	name := stringExt(s.Extensions, extGoType)
	if name == "" {
		return nil
	}
	t := b.unnamed(KindExternal, s, u)
	t.Checks = nil
	t.External = &GoRef{Name: name, ImportPath: stringExt(s.Extensions, extGoTypeImport)}
	if i := strings.LastIndex(name, "."); i >= 0 && t.External.ImportPath != "" {
		t.External.Name = name[i+1:]
	}
	return t
}
