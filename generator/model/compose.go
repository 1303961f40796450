package model

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// An object schema's properties with allOf merged: the parts' properties
// in order (each part's in spec order), then the schema's own. Required
// lists are joined. One property defined differently by two parts is a
// located error naming both places.

// maxAllOfDepth bounds allOf nesting (a cycle of allOf refs never ends).
const maxAllOfDepth = 32

// prop is one property of a merged object. owner is the Go name of the
// type that declares it (a component part's own name), which names its
// inline types, so that a base's inline enum is one type however many
// structs merge the base.
type prop struct {
	name     string
	ref      *openapi3.SchemaRef
	ptr      string
	owner    string
	required bool
	// sensitive: personal data WeChat Pay wants encrypted, marked on the
	// property (x-wechatpay-sensitive) or listed by its object (x-is-sensitive).
	sensitive bool
}

// objectShape is an object schema with allOf merged.
type objectShape struct {
	props    []*prop
	byName   map[string]*prop
	required map[string]bool
	groups   []groupSpec
	// path holds the schemas being collected, to find allOf cycles;
	// cyclic is set once one is reported.
	path   map[*openapi3.Schema]bool
	cyclic bool
}

// groupSpec is an anyOf or oneOf of required lists ("one of a, b").
type groupSpec struct {
	lists  [][]string
	ptr    string
	origin *openapi3.Origin
}

// mergeObject merges an object schema's allOf parts into one shape.
func (b *builder) mergeObject(t *Type, s *openapi3.Schema, ptr string) *objectShape {
	o := &objectShape{byName: map[string]*prop{}, required: map[string]bool{}, path: map[*openapi3.Schema]bool{}}
	b.collect(o, t, s, ptr, t.Name, 0)
	for _, p := range o.props {
		p.required = o.required[p.name]
	}
	return o
}

// collect adds a schema's parts, then its own properties, required list
// and required groups.
func (b *builder) collect(o *objectShape, t *Type, s *openapi3.Schema, ptr, owner string, depth int) {
	if o.path[s] || depth > maxAllOfDepth {
		if !o.cyclic {
			b.diags.Errorf(b.pos(s.Origin, ptr), "break the cycle of allOf references", "allOf of %s refers back to itself (or nests deeper than %d levels)", t.describe(), maxAllOfDepth)
		}
		o.cyclic = true
		return
	}
	o.path[s] = true
	defer delete(o.path, s)
	b.collectParts(o, t, s, ptr, owner, depth)
	listed := sensitiveList(s)
	for _, name := range propertyOrder(s) {
		r := s.Properties[name]
		b.addProp(o, t, &prop{name: name, ref: r, ptr: pointer(ptr, "properties", name), owner: owner,
			sensitive: markedSensitive(r) || slices.Contains(listed, name)})
	}
	for _, r := range s.Required {
		o.required[r] = true
	}
	switch {
	case onlyRequireGroups(s):
		o.groups = append(o.groups, requireLists(s.AnyOf, pointer(ptr, "anyOf"), s.Origin)...)
		o.groups = append(o.groups, requireLists(s.OneOf, pointer(ptr, "oneOf"), s.Origin)...)
	case len(s.OneOf)+len(s.AnyOf) > 0 || s.Not != nil:
		b.diags.Warnf(b.pos(s.Origin, ptr), "move the variants' properties into the object, or make it a union with a discriminator",
			"oneOf/anyOf/not beside properties is not typed: %s keeps its declared properties only", t.describe())
	}
}

// collectParts collects each allOf part; a part that is not an object is a
// located error.
func (b *builder) collectParts(o *objectShape, t *Type, s *openapi3.Schema, ptr, owner string, depth int) {
	for i, part := range s.AllOf {
		pptr := partPointer(part, ptr, i)
		if part.Value == nil {
			continue
		}
		if !objectLike(part.Value) {
			b.diags.Errorf(b.pos(schemaOrigin(part), pptr), "merge only object schemas with allOf",
				"allOf part %d of %s is a %s schema, not an object", i, t.describe(), typeList(part.Value))
			continue
		}
		b.collect(o, t, part.Value, pptr, b.partOwner(part, owner), depth+1)
	}
}

// addProp adds a property; the same property from two parts is fine when
// both define it alike.
func (b *builder) addProp(o *objectShape, t *Type, p *prop) {
	prev, ok := o.byName[p.name]
	if !ok {
		o.byName[p.name] = p
		o.props = append(o.props, p)
		return
	}
	prev.sensitive = prev.sensitive || p.sensitive
	if prev.ref.Value == p.ref.Value || sameSchema(prev.ref.Value, p.ref.Value) {
		return
	}
	merged, ok := b.mergeSchemas(prev.ref, p.ref)
	if !ok {
		b.diags.Warnf(b.pos(schemaOrigin(p.ref), p.ptr), "define the property alike in every allOf part, or in one part only",
			"property %q of %s is defined incompatibly here and at %s (no value satisfies both); using json.RawMessage",
			p.name, t.describe(), describe(b.pos(schemaOrigin(prev.ref), prev.ptr)))
		merged = &openapi3.SchemaRef{Value: &openapi3.Schema{Description: firstOf(prev.ref.Value.Description, p.ref.Value.Description)}}
	}
	if merged != prev.ref {
		// A merged definition is this struct's own: its inline types are
		// named after the struct, not after the part that declared it first.
		prev.ref, prev.owner = merged, t.Name
	}
}

// partPointer is where an allOf part is written: a component's own place
// when the part is a $ref to one.
func partPointer(part *openapi3.SchemaRef, ptr string, i int) string {
	if name, ok := componentName(part.Ref); ok {
		return pointer("/components/schemas", name)
	}
	return pointer(ptr, "allOf", fmt.Sprint(i))
}

// partOwner is the Go name of a component part, else owner.
func (b *builder) partOwner(part *openapi3.SchemaRef, owner string) string {
	if c := b.componentOf(part); c != nil {
		return c.Name
	}
	return owner
}

// objectLike reports whether a schema can be merged as an object.
func objectLike(s *openapi3.Schema) bool {
	return (s.Type == nil || typeIs(s, "object")) && len(s.Enum) == 0 && s.Items == nil
}

// hasProperties reports whether a schema or one of its allOf parts declares
// properties or type object: such an allOf is a struct.
func hasProperties(s *openapi3.Schema, depth int) bool {
	if len(s.Properties) > 0 || typeIs(s, "object") {
		return true
	}
	for _, p := range s.AllOf {
		if depth < maxAllOfDepth && p.Value != nil && hasProperties(p.Value, depth+1) {
			return true
		}
	}
	return false
}

// onlyRequireGroups reports whether a schema's oneOf and anyOf (at least
// one present) are lists of required-only schemas, such as
// anyOf: [{required: [transaction_id]}, {required: [out_trade_no]}].
func onlyRequireGroups(s *openapi3.Schema) bool {
	all := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...)
	if len(all) == 0 {
		return false
	}
	for _, r := range all {
		v := r.Value
		if r.Ref != "" || v == nil || len(v.Required) == 0 || len(v.Properties) > 0 || v.Type != nil ||
			len(v.AllOf)+len(v.OneOf)+len(v.AnyOf) > 0 || len(v.Enum) > 0 || v.Items != nil {
			return false
		}
	}
	return true
}

// requireLists reads one anyOf or oneOf of required lists.
func requireLists(refs openapi3.SchemaRefs, ptr string, origin *openapi3.Origin) []groupSpec {
	if len(refs) == 0 {
		return nil
	}
	g := groupSpec{ptr: ptr, origin: origin}
	for _, r := range refs {
		g.lists = append(g.lists, r.Value.Required)
	}
	return []groupSpec{g}
}

// isUnion reports whether a schema is a discriminated union: a
// discriminator with oneOf or anyOf (not both) of $refs.
func isUnion(s *openapi3.Schema) bool {
	if s.Discriminator == nil || (len(s.OneOf) > 0) == (len(s.AnyOf) > 0) {
		return false
	}
	for _, r := range unionParts(s) {
		if r.Ref == "" {
			return false
		}
	}
	return true
}

// unionParts are a union's oneOf or anyOf.
func unionParts(s *openapi3.Schema) openapi3.SchemaRefs {
	if len(s.OneOf) > 0 {
		return s.OneOf
	}
	return s.AnyOf
}

// sameSchema compares two schemas by their JSON form (which leaves
// origins out).
func sameSchema(a, c *openapi3.Schema) bool {
	ja, errA := json.Marshal(a)
	jc, errC := json.Marshal(c)
	return errA == nil && errC == nil && string(ja) == string(jc)
}
