package model

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// fillEnum makes an enum's values. Constants are the type's name followed by
// the value's Go name, or by the x-enum-varnames entry at the same index.
// Two values mapping to one constant are a located error.
func (b *builder) fillEnum(t *Type, s *openapi3.Schema, ptr string) {
	t.Limits = limitsOf(s)
	names := enumVarnames(s)
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
	value := fmt.Sprint(raw)
	pos := b.seqPos(s.Origin, "enum", i, ptr)
	suffix := joinedName(value)
	if i < len(names) {
		suffix = names[i]
	}
	if suffix == "" {
		b.diags.Errorf(pos, "name it with x-enum-varnames", "enum value %q of %s has no ASCII letter or digit to make a constant name of", value, t.Name)
		return nil
	}
	return &EnumValue{Value: value, GoName: t.Name + suffix, Pos: pos}
}

// enumVarnames reads x-enum-varnames.
func enumVarnames(s *openapi3.Schema) []string {
	list, _ := s.Extensions[extEnumVarnames].([]any)
	names := make([]string, len(list))
	for i, v := range list {
		names[i] = fmt.Sprint(v)
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
