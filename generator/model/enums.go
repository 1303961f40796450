package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// fillEnum makes an enum's values. String enums are string types; integer
// enums, and number enums whose values are whole numbers, int64 types.
// Constants are the type's name followed by the value's Go name, or by the
// x-enum-varnames entry at the same index; x-enum-varnames must name every
// value. A value that leaves no Go letters is named by its position
// (GradeValue1), and a value whose constant another value already has keeps
// its underscores, then a number, each with a warning.
func (b *builder) fillEnum(t *Type, s *openapi3.Schema, ptr string) {
	t.Limits = limitsOf(s)
	if typeIs(s, "integer") || typeIs(s, "number") {
		t.EnumBase = KindInt64
	}
	names := b.enumVarnames(t, s, ptr)
	meanings := enumMeanings(s.Description)
	seen := map[string]*EnumValue{}
	var positional []string
	for i, raw := range s.Enum {
		v := b.enumValue(t, raw, names, i, pointer(ptr, "enum", fmt.Sprint(i)), s)
		if v == nil {
			continue
		}
		if v.GoName == "" {
			v.GoName = t.Name + "Value" + strconv.Itoa(i+1)
			positional = append(positional, fmt.Sprintf("%q is %s", v.Value, v.GoName))
		}
		if prev, ok := seen[v.GoName]; ok {
			plain := v.GoName
			v.GoName = uniqueName(t.Name+b.names.underscored(v.Value), func(n string) bool { return seen[n] != nil })
			b.diags.Warnf(v.Pos, "name them with x-enum-varnames", "enum values %q and %q of %s both map to constant %s: the constant of %q is %s",
				prev.Value, v.Value, t.describe(), plain, v.Value, v.GoName)
		}
		seen[v.GoName] = v
		v.Meaning = meanings[v.Value]
		t.Values = append(t.Values, v)
	}
	if len(positional) > 0 {
		b.diags.Warnf(b.pos(s.Origin, ptr), "name them with x-enum-varnames",
			"enum values of %s have no ASCII letter or digit to name a constant after; named by position: %s", t.describe(), strings.Join(positional, ", "))
	}
	t.Checks = []Check{{Rule: RuleEnum, Message: "must be one of " + t.valueList()}}
}

// enumValue makes one value; nil (with an error) when an integer enum lists
// a value that is not one. A value without Go letters gets GoName "".
func (b *builder) enumValue(t *Type, raw any, names []string, i int, ptr string, s *openapi3.Schema) *EnumValue {
	value := enumString(raw)
	pos := b.seqPos(s.Origin, "enum", i, ptr)
	if t.EnumBase == KindInt64 {
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			b.diags.Errorf(pos, "list whole numbers only", "enum value %v of %s is not an int64", raw, t.describe())
			return nil
		}
	}
	suffix := b.names.joined(value)
	if i < len(names) {
		suffix = names[i]
	}
	v := &EnumValue{Value: value, Pos: pos}
	if suffix != "" {
		v.GoName = t.Name + suffix
	}
	return v
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
