package model

import (
	"strings"
)

// requireGroups turns anyOf/oneOf of required lists into "one of these is
// required" rules: anyOf: [{required: [transaction_id]}, {required:
// [out_trade_no]}] makes Validate report "one of transaction_id,
// out_trade_no is required" when both are absent. oneOf is read the same
// way (at least one; the server refuses both). A listed name that is not a
// property is a located error. A group that a field always present (a
// required value) satisfies is dropped: there is nothing to check.
func (b *builder) requireGroups(t *Type, groups []groupSpec) {
	byJSON := map[string]*Field{}
	for _, f := range t.Fields {
		byJSON[f.JSONName] = f
	}
	for _, g := range groups {
		rg := &RequireGroup{Pos: b.pos(g.origin, g.ptr)}
		always := false
		for _, names := range g.lists {
			alt, ok := b.alternative(t, byJSON, names, rg)
			if !ok {
				return
			}
			always = always || len(alt) == 0
			rg.Alternatives = append(rg.Alternatives, alt)
		}
		if !always {
			rg.Message = "one of " + requireList(g.lists) + " is required"
			t.RequireOneOf = append(t.RequireOneOf, rg)
		}
	}
}

// alternative maps one required list to the fields Validate must see set;
// fields that are always present are left out.
func (b *builder) alternative(t *Type, byJSON map[string]*Field, names []string, rg *RequireGroup) ([]*Field, bool) {
	var alt []*Field
	for _, n := range names {
		f := byJSON[n]
		if f == nil {
			b.diags.Errorf(rg.Pos, "list only properties of the object", "required group of %s names %q, which is not a property", t.describe(), n)
			return nil, false
		}
		if f.Pointer || nilable(f.Type.Kind) {
			alt = append(alt, f)
		}
	}
	return alt, true
}

// requireList is "a, b" or "a, b + c" (b and c together).
func requireList(lists [][]string) string {
	parts := make([]string, len(lists))
	for i, l := range lists {
		parts[i] = strings.Join(l, " + ")
	}
	return strings.Join(parts, ", ")
}
