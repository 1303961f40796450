package model

import (
	"go/token"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// goType types a schema carrying x-go-type (on the schema, or beside the
// $ref that uses it): "Name" (same package or builtin), or "Name" or
// "pkg.Name" with x-go-type-import giving the package's import path. A
// qualified name without an import, or an imported name that is not an
// identifier, is a located error. Without an import the name is written
// verbatim, so "[]byte" works too.
func (b *builder) goType(r *openapi3.SchemaRef, u use) *Type {
	exts := r.Extensions
	if stringExt(exts, extGoType) == "" && r.Value != nil {
		exts = r.Value.Extensions
	}
	name := stringExt(exts, extGoType)
	if name == "" {
		return nil
	}
	t := b.unnamed(KindExternal, r.Value, u)
	t.Checks = nil
	t.External = &GoRef{Name: name, ImportPath: stringExt(exts, extGoTypeImport)}
	if i := strings.LastIndex(name, "."); i >= 0 && t.External.ImportPath != "" {
		t.External.Name = name[i+1:]
	}
	bad := strings.Contains(t.External.Name, ".") // pkg.Name without an import
	if t.External.ImportPath != "" {
		bad = !token.IsIdentifier(t.External.Name)
	}
	if bad {
		b.diags.Errorf(b.pos(schemaOrigin(r), u.ptr), "write a Go type name, and its package's path in x-go-type-import",
			"x-go-type %q is not a Go type name (a qualified name needs x-go-type-import)", name)
		return &Type{Kind: KindRaw}
	}
	return t
}
