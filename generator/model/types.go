package model

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// componentsPath is where component schemas live in a $ref.
const componentsPath = "/components/schemas/"

// schemaState is what the schema part of the builder remembers.
type schemaState struct {
	// byRef maps a schema reached through a $ref that is not a component
	// (e.g. "types.yaml#/Money") to its named type, so that each such schema
	// is declared once and recursion through it ends. The key is the ref's
	// name and the schema's JSON: the loader may resolve one schema, reached
	// through different refs, to different values.
	byRef map[string]*Type
	// inline maps an inline schema to its named type: a base's inline
	// schema, merged by allOf into several structs, is declared once.
	inline map[*openapi3.Schema]*Type
	// expanding holds the referenced unnamed schemas (arrays, maps) being
	// typed, by refKey, to end one that contains itself.
	expanding map[string]bool
	// warned holds the schemas already reported as untypable.
	warned map[*openapi3.Schema]bool
	// unions are the unions to finish once every struct is filled.
	unions []*pendingUnion
	// morePatterns are the patterns a merged schema must match besides its
	// own (merge.go: RE2 cannot intersect two patterns).
	morePatterns map[*openapi3.Schema][]string
}

// declareComponents makes a named type for every component schema that is
// an object with properties (or allOf), an enum or a union, before any is
// filled, so that references (also recursive ones) resolve to them. Other
// component schemas (scalars, arrays, maps, aliases) are written inline
// where they are used.
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
		if b.excluded.schemas[name] {
			continue
		}
		ptr := pointer("/components/schemas", name)
		restore := b.diags.blame(culprit{schema: name})
		goName := b.goNameOf(s.Extensions, name, b.pos(s.Origin, ptr))
		restore()
		if goName == "" {
			continue
		}
		t := b.newNamed(kindOfNamed(s), s, goName, b.pos(s.Origin, ptr))
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

// isNamedShape reports whether a schema becomes a named Go type: a string
// or integer enum, a union, or an object with properties or allOf (but a
// lone allOf, which is an alias of its one schema).
func isNamedShape(s *openapi3.Schema) bool {
	switch {
	case len(s.Enum) > 0:
		return typedEnum(s)
	case isUnion(s):
		return true
	case len(s.AllOf) > 0:
		return !isAlias(s) && hasProperties(s, 0)
	}
	return len(s.Properties) > 0
}

func kindOfNamed(s *openapi3.Schema) Kind {
	switch {
	case len(s.Enum) > 0:
		return KindEnum
	case isUnion(s):
		return KindUnion
	}
	return KindStruct
}

// isAlias reports whether a schema is "allOf: [one schema]" plus at most
// notes (description, nullable, readOnly, ...): the common way to annotate
// a $ref. It is typed as that one schema.
func isAlias(s *openapi3.Schema) bool {
	return len(s.AllOf) == 1 && len(s.Properties) == 0 && s.Type == nil &&
		len(s.OneOf)+len(s.AnyOf) == 0 && len(s.Enum) == 0 && s.Items == nil
}

// newNamed makes a named type and lists it in the API.
func (b *builder) newNamed(k Kind, s *openapi3.Schema, name string, pos diag.Position) *Type {
	t := &Type{Kind: k, Name: name, Doc: docOf(s), Deprecated: s.Deprecated, Example: s.Example, Format: s.Format, Pos: pos}
	b.api.Types = append(b.api.Types, t)
	return t
}

// fill completes a named type from its schema; its errors cost the type.
func (b *builder) fill(t *Type, s *openapi3.Schema, ptr string) {
	defer b.diags.blame(culprit{typ: t})()
	switch t.Kind {
	case KindEnum:
		b.fillEnum(t, s, ptr)
	case KindUnion:
		b.fillUnion(t, s, ptr)
	default:
		b.fillStruct(t, s, ptr)
	}
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
	if t := b.componentOf(r); t != nil {
		return t
	}
	s := r.Value
	if s == nil {
		return b.raw(r, u, "a schema without a value")
	}
	if ext := b.goType(r, u); ext != nil {
		return ext
	}
	if r.Ref != "" && b.byRef[refKey(r)] != nil {
		return b.byRef[refKey(r)]
	}
	if r.Ref != "" && !isNamedShape(s) {
		return b.expand(r, s, u)
	}
	return b.typeOfValue(r, s, u)
}

// expand types a referenced schema that is written where used (an array,
// a map, a scalar); one that contains itself through arrays and maps only
// has no Go type wxpaygen writes, and is raw JSON with a warning.
func (b *builder) expand(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	key := refKey(r)
	if b.expanding[key] {
		return b.raw(r, u, "a schema that contains itself with no object in between (through arrays, maps or lone allOfs)")
	}
	if b.expanding == nil {
		b.expanding = map[string]bool{}
	}
	b.expanding[key] = true
	defer delete(b.expanding, key)
	return b.typeOfValue(r, s, u)
}

// typeOfValue types a schema by its keywords.
func (b *builder) typeOfValue(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	if isAlias(s) { // typed as its one schema
		return b.typeOf(s.AllOf[0], use{owner: u.owner, field: u.field, ptr: partPointer(s.AllOf[0], u.ptr, 0)})
	}
	if why := untypable(s); why != "" {
		return b.raw(r, u, why)
	}
	return b.typeOfShape(r, s, u)
}

// untypable says why a composed schema cannot be typed; "" when it can. An
// object with properties is typed whatever else it has (fillStruct warns
// about what it drops).
func untypable(s *openapi3.Schema) string {
	switch {
	case isNamedShape(s) && kindOfNamed(s) == KindStruct:
		return ""
	case s.Not != nil:
		return "a schema with not"
	case s.Discriminator != nil && !isUnion(s):
		return "a discriminated oneOf/anyOf whose variants are not all $refs to component objects"
	case len(s.OneOf)+len(s.AnyOf) > 0 && !isUnion(s) && !onlyRequireGroups(s):
		return "oneOf/anyOf without a discriminator (a union wxpaygen cannot decode)"
	case len(s.AllOf) > 0 && !hasProperties(s, 0):
		return "allOf of schemas that are not objects"
	}
	return ""
}

// typeOfShape types a schema by its type keyword.
func (b *builder) typeOfShape(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	switch {
	case isNamedShape(s):
		return b.inlineNamed(r, s, u)
	case len(s.Enum) > 0 && !typedEnum(s):
		return b.raw(r, u, "an enum of type "+typeList(s))
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
	return b.raw(r, u, "a schema of type "+typeList(s))
}

func typeList(s *openapi3.Schema) string {
	if s.Type == nil {
		return "(none)"
	}
	return strings.Join(s.Type.Slice(), ", ")
}

// inlineNamed declares and fills an inline object, enum or union, named
// owner+field; a schema reached through a $ref to a non-component place is
// named after the ref's last token and declared once.
func (b *builder) inlineNamed(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	if t := b.inline[s]; t != nil && r.Ref == "" {
		return t
	}
	pos := b.pos(schemaOrigin(r), u.ptr)
	name := u.inlineName()
	if r.Ref != "" {
		name = b.names.goName(refName(r.Ref))
	}
	t := b.newNamed(kindOfNamed(s), s, b.goNameOf(s.Extensions, name, pos), pos)
	if r.Ref != "" {
		if b.byRef == nil {
			b.byRef = map[string]*Type{}
		}
		b.byRef[refKey(r)] = t
	} else {
		if b.inline == nil {
			b.inline = map[*openapi3.Schema]*Type{}
		}
		b.inline[s] = t
	}
	b.fill(t, s, u.ptr)
	return t
}

// refKey identifies a referenced schema: its ref's name and its JSON.
func refKey(r *openapi3.SchemaRef) string {
	j, _ := json.Marshal(r.Value)
	return refName(r.Ref) + "\x00" + string(j)
}

// refName is the last token of a $ref ("types.yaml#/Money" -> "Money"), or
// the file's base name without extension when it has no fragment.
func refName(ref string) string {
	file, frag, _ := strings.Cut(ref, "#")
	if frag = strings.Trim(frag, "/"); frag != "" {
		return frag[strings.LastIndex(frag, "/")+1:]
	}
	file = file[strings.LastIndex(file, "/")+1:]
	return strings.TrimSuffix(strings.TrimSuffix(file, ".yaml"), ".yml")
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
// has a schema (map[string]json.RawMessage when it is true), else free-form
// JSON (json.RawMessage keeps the bytes as sent, and the caller decodes them
// as they see fit).
func (b *builder) objectOf(r *openapi3.SchemaRef, s *openapi3.Schema, u use) *Type {
	ap := s.AdditionalProperties
	switch {
	case ap.Schema != nil:
		t := b.unnamed(KindMap, s, u)
		t.Elem = b.typeOf(ap.Schema, use{owner: u.owner, field: u.field + "Value", ptr: u.ptr + "/additionalProperties"})
		return t
	case ap.Has != nil && *ap.Has:
		t := b.unnamed(KindMap, s, u)
		t.Elem = &Type{Kind: KindRaw}
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
	case typeIs(s, "string") && (s.Format == "byte" || s.Format == "binary"):
		k = KindBytes
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

// raw types what cannot be typed as json.RawMessage, with a warning (once
// per schema).
func (b *builder) raw(r *openapi3.SchemaRef, u use, what string) *Type {
	if r.Value == nil || !b.warned[r.Value] {
		b.diags.Warnf(b.pos(schemaOrigin(r), u.ptr), "describe it with type and properties, or give it x-go-type",
			"cannot type %s; using json.RawMessage", what)
	}
	t := &Type{Kind: KindRaw}
	if r.Value != nil {
		if b.warned == nil {
			b.warned = map[*openapi3.Schema]bool{}
		}
		b.warned[r.Value] = true
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
	name, _ := componentName(ref)
	return b.components[name]
}

// componentOf returns the named type a $ref to a component schema points
// at, or nil. The schema must be the component's: a ref into the components
// of a file that is not merged (say, under a subfolder) names a component of
// the merged spec only when it is the same schema.
func (b *builder) componentOf(r *openapi3.SchemaRef) *Type {
	t := b.component(r.Ref)
	if t == nil || b.doc.Components == nil {
		return nil
	}
	name, _ := componentName(r.Ref)
	if c := b.doc.Components.Schemas[name]; c == nil || (c.Value != r.Value && !sameSchema(c.Value, r.Value)) {
		return nil
	}
	return t
}

// componentName is the name in a "...#/components/schemas/Name" ref.
func componentName(ref string) (string, bool) {
	i := strings.LastIndex(ref, componentsPath)
	if i < 0 {
		return "", false
	}
	return ref[i+len(componentsPath):], true
}

// typedEnum reports whether an enum becomes a Go enum type: strings,
// integers, and numbers whose every value is a whole number (WeChat Pay
// writes category codes as type: number).
func typedEnum(s *openapi3.Schema) bool {
	switch {
	case typeIs(s, "string"), typeIs(s, "integer"):
		return true
	case typeIs(s, "number"):
		for _, v := range s.Enum {
			if f, ok := v.(float64); !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return false
			}
		}
		return true
	}
	return false
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
