package model

import (
	"cmp"
	"regexp"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// fillStruct makes a struct's fields, in the order the properties appear
// in the spec (by line; by name when lines are unknown), with allOf parts
// merged in (compose.go), and its required groups (require.go).
func (b *builder) fillStruct(t *Type, s *openapi3.Schema, ptr string) {
	if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
		b.diags.Warnf(b.pos(s.Origin, ptr), "decode the raw body (apiv3.Response.Body) for them, or drop additionalProperties",
			"additionalProperties beside properties are not kept: %s gets its declared properties only", t.describe())
	}
	o := b.mergeObject(t, s, ptr)
	seen := map[string]*Field{}
	for _, p := range o.props {
		f := b.field(t, p)
		if f == nil {
			continue
		}
		if prev, ok := seen[f.GoName]; ok {
			moved := b.renameField("properties", t.describe(), f, prev, func(n string) bool { return seen[n] != nil })
			if moved == nil {
				continue
			}
			seen[prev.GoName] = prev
		}
		seen[f.GoName] = f
		t.Fields = append(t.Fields, f)
	}
	b.requireGroups(t, o.groups)
}

// renameField applies the collision rule to two properties (or
// parameters) with one Go name, prev first: the one whose name has
// underscores to keep takes its underscored name (mch_id -> Mch_ID, beside
// mchid, whichever comes first); when both or neither have some, the later
// one does, then a number. A warning names both places. A name written with
// x-go-name is kept verbatim, so a clash with it is an error (nil). It
// returns the field that moved; the caller files it under its new name.
// what is "properties" or "parameters", of the owner named.
func (b *builder) renameField(what, owner string, f, prev *Field, taken func(string) bool) *Field {
	if f.goNamed || prev.goNamed && b.names.underscored(f.JSONName) == f.GoName {
		b.diags.Errorf(f.Pos, "rename one of them with x-go-name",
			"%s %q and %q of %s both map to Go field %s (first at %s)",
			what, prev.JSONName, f.JSONName, owner, f.GoName, describe(prev.Pos))
		return nil
	}
	moved := f
	if !prev.goNamed && b.names.underscored(f.JSONName) == f.GoName && b.names.underscored(prev.JSONName) != prev.GoName {
		moved = prev
	}
	plain := moved.GoName
	moved.GoName = uniqueName(b.names.underscored(moved.JSONName), taken)
	b.diags.Warnf(f.Pos, "name one of them with x-go-name", "%s %q and %q of %s both map to Go field %s: the field of %q is %s (first at %s)",
		what, prev.JSONName, f.JSONName, owner, plain, moved.JSONName, moved.GoName, describe(prev.Pos))
	return moved
}

// reservedFields are the methods of generated structs: a property named so
// gets a trailing underscore (Validate_), as protoc-gen-go does.
var reservedFields = map[string]bool{"Validate": true}

// field makes one struct field.
func (b *builder) field(t *Type, p *prop) *Field {
	r := p.ref
	pos := b.pos(schemaOrigin(r), p.ptr)
	goName := b.goNameOf(extensionsOf(r), p.name, pos)
	if goName == "" {
		return nil
	}
	if reservedFields[goName] {
		goName += "_"
	}
	_, named := extensionsOf(r)[extGoName]
	f := &Field{JSONName: p.name, GoName: goName, Required: p.required, Pos: pos, goNamed: named}
	f.Type = b.typeOf(r, use{owner: p.owner, field: goName, ptr: p.ptr})
	if v := r.Value; v != nil {
		f.Deprecated, f.Example, f.Default = v.Deprecated, v.Example, v.Default
		f.Nullable, f.ReadOnly, f.WriteOnly = v.Nullable, v.ReadOnly, v.WriteOnly
		if r.Ref == "" {
			f.Doc = docOf(v) // a $ref's description is its type's
		}
	}
	setPresence(f)
	f.RefuseZero = refusesZero(f, r.Value)
	b.setSensitive(t, f, p)
	return f
}

// setPresence applies the one rule for optional fields: required fields are
// values; optional scalars, enums, times, structs, unions and external
// types are pointers with omitempty; optional slices, maps, bytes and raw
// JSON are plain with omitempty. Nullable and read-only fields count as
// optional (JSON null decodes to nil; WeChat Pay refuses null, so nil is
// never sent; the server fills read-only fields). Validate reports
// "required" only for fields that can be nil and are not read-only.
func setPresence(f *Field) {
	optional := !f.Required || f.Nullable || f.ReadOnly
	f.OmitEmpty = optional
	f.Pointer = optional && !nilable(f.Type.Kind)
	f.RequiredCheck = f.Required && !f.ReadOnly && (nilable(f.Type.Kind) || f.Nullable)
}

// refusesZero reports whether a forgotten required member can be told from
// a value: a required, writable string that the schema does not allow to be
// empty, or a required time.
func refusesZero(f *Field, s *openapi3.Schema) bool {
	if !f.Required || f.ReadOnly || f.Pointer || s == nil {
		return false
	}
	switch f.Type.Kind {
	case KindTime, KindStruct: // a struct only if it can be told zero (markZeroChecks)
		return true
	case KindString:
		return !allowsEmpty(s)
	}
	return false
}

// allowsEmpty reports whether a string schema says "" is a value: it writes
// minLength: 0, or gives "" as its default or example, or has a pattern that
// matches "". (Without such a word, "" is taken for a forgotten member:
// WeChat Pay answers it with a late PARAM_ERROR at best.)
func allowsEmpty(s *openapi3.Schema) bool {
	if s.Origin != nil {
		if _, ok := s.Origin.Fields.Lookup("minLength"); ok && s.MinLength == 0 {
			return true
		}
	}
	if s.Default == "" || s.Example == "" {
		return true
	}
	if s.Pattern != "" {
		if re, err := regexp.Compile(s.Pattern); err == nil && re.MatchString("") {
			return true
		}
	}
	return false
}

// nilable reports whether a Go value of the kind can be nil without a
// pointer.
func nilable(k Kind) bool {
	return k == KindArray || k == KindMap || k == KindRaw || k == KindBytes
}

// extensionsOf returns the extensions written at a use: those of the
// reference itself when it is a $ref, else the schema's.
func extensionsOf(r *openapi3.SchemaRef) map[string]any {
	if r.Ref != "" {
		return r.Extensions
	}
	if r.Value != nil {
		return r.Value.Extensions
	}
	return nil
}

// propertyOrder lists property names in spec order.
func propertyOrder(s *openapi3.Schema) []string {
	names := sortedKeys(s.Properties)
	line := func(n string) int {
		if o := schemaOrigin(s.Properties[n]); o != nil && o.Key != nil {
			return o.Key.Line
		}
		return 0
	}
	slices.SortStableFunc(names, func(a, c string) int { return cmp.Compare(line(a), line(c)) })
	return names
}

// breakValueCycles makes a required struct field a pointer when its struct
// would otherwise contain itself by value (Go rejects such types).
func (b *builder) breakValueCycles() {
	for _, t := range b.api.Types {
		for _, f := range t.Fields {
			if f.Type.Kind == KindStruct && !f.Pointer && reachesByValue(f.Type, t, map[*Type]bool{}) {
				f.Pointer, f.RequiredCheck, f.RefuseZero = true, f.Required, false
			}
		}
	}
}

// reachesByValue reports whether from contains to through value fields.
func reachesByValue(from, to *Type, seen map[*Type]bool) bool {
	if from == to {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	for _, f := range from.Fields {
		if f.Type.Kind == KindStruct && !f.Pointer && reachesByValue(f.Type, to, seen) {
			return true
		}
	}
	return false
}
