package model

import (
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// A discriminated oneOf/anyOf is a union: a struct with one pointer field
// per variant (each a component object), plus Unknown (json.RawMessage) for
// a discriminator value the spec does not list. Decoding reads the
// discriminator property and fills the one matching field, or Unknown (an
// unknown variant never fails a response). Encoding writes the set variant,
// filling its discriminator property when it is empty. anyOf with a
// discriminator is read as oneOf: the discriminator picks one variant.
// The discriminator values of a variant are the mapping's keys that point
// at it, or else its component name (as OpenAPI says).

// unknownVariant is the union's field for unknown variants.
const unknownVariant = "Unknown"

// unionMethods are the methods of a generated union: no variant field may
// be named so.
var unionMethods = map[string]bool{"Value": true, "MarshalJSON": true, "UnmarshalJSON": true, "Validate": true}

// fillUnion makes a union's variants.
func (b *builder) fillUnion(t *Type, s *openapi3.Schema, ptr string) {
	t.Discriminator = s.Discriminator.PropertyName
	kw := "anyOf"
	if len(s.OneOf) > 0 {
		kw = "oneOf"
	}
	mapping := mappingValues(s)
	seen := map[string]bool{unknownVariant: true}
	for i, part := range unionParts(s) {
		if v := b.variant(t, part, b.pos(schemaOrigin(part), pointer(ptr, kw, fmt.Sprint(i))), i, seen); v != nil {
			name, _ := componentName(part.Ref)
			v.Values = mapping[name]
			if len(v.Values) == 0 {
				v.Values = []string{name} // OpenAPI's default: the schema's name
			}
			delete(mapping, name)
			t.Variants = append(t.Variants, v)
		}
	}
	pos := b.pos(s.Discriminator.Origin, pointer(ptr, "discriminator"))
	for _, name := range sortedKeys(mapping) {
		b.diags.Errorf(pos, "map values only to schemas the union lists",
			"discriminator of %s maps %v to %s, which is not one of its variants", t.describe(), mapping[name], name)
	}
	b.checkValues(t, pos)
	b.unions = append(b.unions, &pendingUnion{t: t, ptr: ptr})
}

// checkValues refuses one discriminator value selecting two variants (a
// variant's default value, its schema name, may be another's mapping key).
func (b *builder) checkValues(t *Type, pos diag.Position) {
	owner := map[string]string{}
	for _, v := range t.Variants {
		for _, value := range v.Values {
			if prev, ok := owner[value]; ok {
				b.diags.Errorf(pos, "map the value to one schema only (list the other's values in mapping)",
					"discriminator value %q of %s selects both %s and %s", value, t.describe(), prev, v.GoName)
			}
			owner[value] = v.GoName
		}
	}
}

// variant makes the variant of a $ref: a component object, listed once.
func (b *builder) variant(t *Type, part *openapi3.SchemaRef, pos diag.Position, i int, seen map[string]bool) *Variant {
	vt := b.componentOf(part)
	if vt == nil || vt.Kind != KindStruct {
		b.diags.Errorf(pos, "make each variant a $ref to a component object schema",
			"variant %d of %s (%s) is not a component object schema", i, t.describe(), part.Ref)
		return nil
	}
	if seen[vt.Name] || unionMethods[vt.Name] {
		b.diags.Errorf(pos, "list each variant once, and rename a schema named like a field or method of the union with x-go-name",
			"variant %s of %s is listed twice or is named like the union's %s or a method (Value, MarshalJSON, UnmarshalJSON, Validate)", vt.Name, t.describe(), unknownVariant)
		return nil
	}
	seen[vt.Name] = true
	return &Variant{GoName: vt.Name, Type: vt}
}

// pendingUnion is a union whose variants' tags are found once every struct
// is filled.
type pendingUnion struct {
	t   *Type
	ptr string
}

// mappingValues maps a component name to the discriminator values the
// mapping gives it, sorted.
func mappingValues(s *openapi3.Schema) map[string][]string {
	m := map[string][]string{}
	for _, value := range sortedKeys(s.Discriminator.Mapping) {
		ref := s.Discriminator.Mapping[value].Ref
		name, ok := componentName(ref)
		if !ok {
			name = ref
		}
		m[name] = append(m[name], value)
	}
	return m
}

// finishUnions finds each variant's discriminator field: a string or
// string-enum property named as the discriminator. A variant without one
// is a warning: decoding works, but MarshalJSON cannot write the value.
func (b *builder) finishUnions() {
	for _, u := range b.unions {
		for _, v := range u.t.Variants {
			i := slices.IndexFunc(v.Type.Fields, func(f *Field) bool { return f.JSONName == u.t.Discriminator })
			if i >= 0 && isStringKind(v.Type.Fields[i].Type) {
				v.Tag = v.Type.Fields[i]
				v.Tag.RefuseZero = false // MarshalJSON fills an empty tag
				continue
			}
			b.diags.Warnf(v.Type.Pos, "declare the discriminator as a string property of every variant",
				"variant %s of %s has no string property %q: decoding works, but encoding does not write the discriminator", v.GoName, u.t.describe(), u.t.Discriminator)
		}
	}
}

// isStringKind reports whether a type is a string or a string enum.
func isStringKind(t *Type) bool {
	return t.Kind == KindString || (t.Kind == KindEnum && t.EnumBase != KindInt64)
}
