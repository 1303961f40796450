package model

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// componentsPath is where component schemas live in a $ref.
const componentsPath = "/components/schemas/"

// declareComponents makes a named type for every component schema that is
// an object with properties or an enum, before any is filled, so that
// references (also recursive ones) resolve to them. Other component schemas
// (scalars, arrays, maps) are written inline where they are used.
func (b *builder) declareComponents() {
	if b.doc.Components == nil {
		return
	}
	for _, name := range sortedKeys(b.doc.Components.Schemas) {
		ref := b.doc.Components.Schemas[name]
		s := ref.Value
		if s == nil || !isNamedShape(s) || s.Extensions[extGoType] != nil {
			continue
		}
		ptr := pointer("/components/schemas", name)
		t := b.newNamed(kindOfNamed(s), s, b.goNameOf(s.Extensions, name, b.pos(s.Origin, ptr)), b.pos(s.Origin, ptr))
		t.SchemaName = name
		b.components[name] = t
	}
}

// fillComponents fills the declared component types.
func (b *builder) fillComponents() {
	for _, name := range sortedKeys(b.components) {
		t := b.components[name]
		b.fill(t, b.doc.Components.Schemas[name].Value, pointer("/components/schemas", name))
	}
}

// isNamedShape reports whether a schema becomes a named Go type.
func isNamedShape(s *openapi3.Schema) bool {
	if len(s.Enum) > 0 && typeIs(s, "string") {
		return true
	}
	return len(s.Properties) > 0
}

func kindOfNamed(s *openapi3.Schema) Kind {
	if len(s.Enum) > 0 {
		return KindEnum
	}
	return KindStruct
}

// newNamed makes a named type and lists it in the API.
func (b *builder) newNamed(k Kind, s *openapi3.Schema, name string, pos diag.Position) *Type {
	t := &Type{Kind: k, Name: name, Doc: docOf(s), Deprecated: s.Deprecated, Example: s.Example, Format: s.Format, Pos: pos}
	b.api.Types = append(b.api.Types, t)
	return t
}

// fill completes a named type from its schema.
func (b *builder) fill(t *Type, s *openapi3.Schema, ptr string) {
	if t.Kind == KindEnum {
		b.fillEnum(t, s, ptr)
		return
	}
	b.fillStruct(t, s, ptr)
}

// use is where a schema is used: the Go name of the type holding it and
// the Go name of the field, which together name inline types.
type use struct {
	owner, field string
	ptr          string
}

func (u use) inlineName() string { return u.owner + u.field }

// typeOf returns the Go type of a schema at a use.
func (b *builder) typeOf(r *openapi3.SchemaRef, u use) *Type {
	if t := b.component(r.Ref); t != nil {
		return t
	}
	s := r.Value
	if s == nil {
		return b.raw(r, u, "a schema without a value")
	}
	if ext := b.goType(s, u); ext != nil {
		return ext
	}
	if len(s.AllOf) == 1 && len(s.Properties) == 0 && s.Type == nil {
		return b.typeOf(s.AllOf[0], u)
	}
	if len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0 || s.Not != nil {
		return b.raw(r, u, "oneOf/anyOf/allOf/not")
	}
	return b.typeOfShape(r, s, u)
}

// typeOfShape types a schema by its type keyword.
func (b *builder) typeOfShape(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	switch {
	case isNamedShape(s):
		return b.inlineNamed(r, s, u)
	case typeIs(s, "array"):
		return b.arrayOf(r, s, u)
	case typeIs(s, "object") || (s.Type == nil && s.AdditionalProperties.Schema != nil):
		return b.objectOf(r, s, u)
	case typeIs(s, "string"), typeIs(s, "integer"), typeIs(s, "number"), typeIs(s, "boolean"):
		return b.scalar(s, u)
	}
	if s.Type == nil && len(s.Properties) == 0 {
		return b.unnamed(KindRaw, s, u) // any JSON value: kept as sent
	}
	return b.raw(r, u, "a schema of type "+strings.Join(s.Type.Slice(), ", "))
}

// inlineNamed declares and fills an inline object or enum, named owner+field.
func (b *builder) inlineNamed(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	pos := b.pos(schemaOrigin(r), u.ptr)
	t := b.newNamed(kindOfNamed(s), s, b.goNameOf(s.Extensions, u.inlineName(), pos), pos)
	b.fill(t, s, u.ptr)
	return t
}

func (b *builder) arrayOf(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	t := b.unnamed(KindArray, s, u)
	if s.Items == nil {
		t.Elem = b.raw(r, u, "an array without items")
		return t
	}
	t.Elem = b.typeOf(s.Items, use{owner: u.owner, field: u.field, ptr: u.ptr + "/items"})
	return t
}

// objectOf types objects without properties: a map when additionalProperties
// has a schema, else free-form JSON (json.RawMessage keeps the bytes as sent,
// and the caller decodes them as they see fit).
func (b *builder) objectOf(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	if ap := s.AdditionalProperties.Schema; ap != nil {
		t := b.unnamed(KindMap, s, u)
		t.Elem = b.typeOf(ap, use{owner: u.owner, field: u.field + "Value", ptr: u.ptr + "/additionalProperties"})
		return t
	}
	return b.unnamed(KindRaw, s, u)
}

// scalar types strings, integers, numbers and booleans.
func (b *builder) scalar(s *openapi3.Schema, u use) *Type {
	k := KindString
	switch {
	case typeIs(s, "string") && s.Format == "date-time":
		k = KindTime
	case typeIs(s, "integer") && s.Format == "int32":
		k = KindInt32
	case typeIs(s, "integer"):
		k = KindInt64
	case typeIs(s, "number"):
		k = KindFloat64
	case typeIs(s, "boolean"):
		k = KindBool
	}
	return b.unnamed(k, s, u)
}

// raw types what cannot be typed as json.RawMessage, with a warning.
func (b *builder) raw(r *openapi3.SchemaRef, u use, what string) *Type {
	b.diags.Warnf(b.pos(schemaOrigin(r), u.ptr), "describe it with type and properties, or give it x-go-type",
		"cannot type %s; using json.RawMessage", what)
	t := &Type{Kind: KindRaw}
	if r.Value != nil {
		t.Doc = docOf(r.Value)
	}
	return t
}

// unnamed makes a per-use type with the schema's limits.
func (b *builder) unnamed(k Kind, s *openapi3.Schema, u use) *Type {
	t := &Type{Kind: k, Doc: docOf(s), Deprecated: s.Deprecated, Example: s.Example, Format: s.Format, Limits: limitsOf(s)}
	t.Checks = b.checksOf(t, s, u)
	return t
}

// component returns the named type a $ref points at, or nil.
func (b *builder) component(ref string) *Type {
	i := strings.LastIndex(ref, componentsPath)
	if i < 0 {
		return nil
	}
	return b.components[ref[i+len(componentsPath):]]
}

func typeIs(s *openapi3.Schema, typ string) bool {
	return s.Type != nil && s.Type.Is(typ)
}

// docOf is a schema's description, or its title.
func docOf(s *openapi3.Schema) string {
	if s.Description != "" {
		return s.Description
	}
	return s.Title
}
