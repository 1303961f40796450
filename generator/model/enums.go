package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// fillEnum makes an enum's values. String enums are string types, integer
// enums int64 types. Constants are the type's name followed by the value's
// Go name, or by the x-enum-varnames entry at the same index; x-enum-varnames
// must name every value. Two values mapping to one constant are a located
// error.
func (b *builder) fillEnum(t *Type, s *openapi3.Schema, ptr string) {
	t.Limits = limitsOf(s)
	if typeIs(s, "integer") {
		t.EnumBase = KindInt64
	}
	names := b.enumVarnames(t, s, ptr)
	meanings := enumMeanings(s.Description)
	seen := map[string]*EnumValue{}
	for i, raw := range s.Enum {
		v := b.enumValue(t, raw, names, i, pointer(ptr, "enum", fmt.Sprint(i)), s)
		if v == nil {
			continue
		}
		if prev, ok := seen[v.GoName]; ok {
			b.diags.Errorf(v.Pos, "name them with x-enum-varnames",
				"enum values %q and %q of %s both map to constant %s", prev.Value, v.Value, t.describe(), v.GoName)
			continue
		}
		seen[v.GoName] = v
		v.Meaning = meanings[v.Value]
		t.Values = append(t.Values, v)
	}
	t.Checks = []Check{{Rule: RuleEnum, Message: "must be one of " + t.valueList()}}
}

// enumValue makes one value; nil (with an error) when it has no Go name.
func (b *builder) enumValue(t *Type, raw any, names []string, i int, ptr string, s *openapi3.Schema) *EnumValue {
	value := enumString(raw)
	pos := b.seqPos(s.Origin, "enum", i, ptr)
	if t.EnumBase == KindInt64 {
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			b.diags.Errorf(pos, "list integers only", "enum value %v of integer %s is not an int64", raw, t.Name)
			return nil
		}
	}
	suffix := b.names.joined(value)
	if i < len(names) {
		suffix = names[i]
	}
	if suffix == "" {
		b.diags.Errorf(pos, "name it with x-enum-varnames", "enum value %q of %s has no ASCII letter or digit to make a constant name of", value, t.Name)
		return nil
	}
	return &EnumValue{Value: value, GoName: t.Name + suffix, Pos: pos}
}

// enumString spells a value: numbers without exponent or ".0".
func enumString(raw any) string {
	if f, ok := raw.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(raw)
}

// enumVarnames reads x-enum-varnames; a list whose length is not the
// enum's, or an entry that cannot follow the type's name in an identifier,
// is a located error (and the list is ignored).
func (b *builder) enumVarnames(t *Type, s *openapi3.Schema, ptr string) []string {
	v, ok := s.Extensions[extEnumVarnames]
	if !ok {
		return nil
	}
	list, _ := v.([]any)
	pos := b.pos(s.Origin, pointer(ptr, extEnumVarnames))
	if len(list) != len(s.Enum) {
		b.diags.Errorf(pos, "give one name per enum value, in the enum's order",
			"x-enum-varnames of %s has %d names for %d values", t.describe(), len(list), len(s.Enum))
		return nil
	}
	names := make([]string, len(list))
	for i, v := range list {
		names[i] = fmt.Sprint(v)
		if !validGoName("X" + names[i]) {
			b.diags.Errorf(pos, "use letters, digits and _ only", "x-enum-varnames entry %q of %s cannot end a Go name", names[i], t.describe())
			return nil
		}
	}
	return names
}

// meaningLine matches "- `VALUE`: meaning" lines of a description.
var meaningLine = regexp.MustCompile("(?m)^\\s*[-*]\\s*`([^`]+)`\\s*[:：]\\s*(.*?)\\s*$")

// enumMeanings reads each value's meaning from the description.
func enumMeanings(desc string) map[string]string {
	m := map[string]string{}
	for _, g := range meaningLine.FindAllStringSubmatch(desc, -1) {
		m[g[1]] = g[2]
	}
	return m
}

// valueList is "A, B, C".
func (t *Type) valueList() string {
	vs := make([]string, len(t.Values))
	for i, v := range t.Values {
		vs[i] = v.Value
	}
	return strings.Join(vs, ", ")
}
