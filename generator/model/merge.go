package model

import (
	"math"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// One property defined by two allOf parts is merged, as JSON Schema means
// allOf (a value must satisfy both): objects become the union of their
// properties and required lists (a synthesized allOf of the two, typed as an
// inline struct of the merging type); arrays merge their items; scalars of
// one type take the stricter of each constraint. A merge that adds nothing
// to one side is that side itself, so a $ref to a component keeps its named
// type. Only incompatible types (a string and an object, two enums with no
// value in common) cannot be merged: the property is then raw JSON with a
// warning. The document itself is never changed: merged schemas are new
// values.

// mergeSchemas merges two definitions of one property; ok is false when
// they are incompatible.
func (b *builder) mergeSchemas(a, c *openapi3.SchemaRef) (*openapi3.SchemaRef, bool) {
	av, cv := a.Value, c.Value
	switch {
	case av == nil:
		return c, true
	case cv == nil || av == cv || sameSchema(av, cv):
		return a, true
	case mergeableObject(av) && mergeableObject(cv):
		return &openapi3.SchemaRef{Value: &openapi3.Schema{
			AllOf:       openapi3.SchemaRefs{a, c},
			Description: firstOf(av.Description, cv.Description),
			Title:       firstOf(av.Title, cv.Title),
			Nullable:    av.Nullable && cv.Nullable,
			ReadOnly:    av.ReadOnly || cv.ReadOnly,
			WriteOnly:   av.WriteOnly || cv.WriteOnly,
			Deprecated:  av.Deprecated || cv.Deprecated,
			Example:     firstAny(av.Example, cv.Example),
			Extensions:  av.Extensions,
		}}, true
	}
	merged, ok := b.stricter(av, cv)
	if !ok {
		return nil, false
	}
	switch {
	case sameConstraints(merged, av):
		return a, true
	case sameConstraints(merged, cv):
		return c, true
	}
	return &openapi3.SchemaRef{Value: merged}, true
}

// mergeableObject: an object schema (properties, allOf or type object),
// not an enum, array or union.
func mergeableObject(s *openapi3.Schema) bool {
	return objectLike(s) && hasProperties(s, 0) && !isUnion(s) && s.AdditionalProperties.Schema == nil
}

// stricter is a copy of a with the stricter of each of a's and c's
// constraints; ok is false when no value could satisfy both types.
func (b *builder) stricter(a, c *openapi3.Schema) (*openapi3.Schema, bool) {
	typ, ok := commonType(a, c)
	if !ok {
		return nil, false
	}
	m := *a
	m.Extensions, m.Type = a.Extensions, typ
	m.Description, m.Title = firstOf(a.Description, c.Description), firstOf(a.Title, c.Title)
	m.Format = firstOf(a.Format, c.Format)
	m.Example = firstAny(a.Example, c.Example)
	m.Nullable = a.Nullable && c.Nullable
	m.ReadOnly, m.WriteOnly = a.ReadOnly || c.ReadOnly, a.WriteOnly || c.WriteOnly
	m.MinLength, m.MaxLength = max(a.MinLength, c.MinLength), minPtr(a.MaxLength, c.MaxLength)
	m.MinItems, m.MaxItems = max(a.MinItems, c.MinItems), minPtr(a.MaxItems, c.MaxItems)
	m.Min, m.ExclusiveMin = tighter(a.Min, a.ExclusiveMin, c.Min, c.ExclusiveMin, math.Max)
	m.Max, m.ExclusiveMax = tighter(a.Max, a.ExclusiveMax, c.Max, c.ExclusiveMax, math.Min)
	m.Pattern = firstOf(a.Pattern, c.Pattern)
	if a.Pattern != "" && c.Pattern != "" && a.Pattern != c.Pattern {
		// RE2 has no intersection: both patterns apply, the second as an
		// extra check of the merged schema (stringChecks).
		if b.morePatterns == nil {
			b.morePatterns = map[*openapi3.Schema][]string{}
		}
		b.morePatterns[&m] = append(slices.Clone(b.morePatterns[a]), append(b.morePatterns[c], c.Pattern)...)
	}
	if m.Enum, ok = commonEnum(a.Enum, c.Enum); !ok {
		return nil, false
	}
	if a.Items != nil && c.Items != nil {
		if m.Items, ok = b.mergeSchemas(a.Items, c.Items); !ok {
			return nil, false
		}
	} else if m.Items == nil {
		m.Items = c.Items
	}
	return &m, true
}

// commonType is the type both schemas allow: the same one, the one of the
// schema that names one, or integer where the other is number.
func commonType(a, c *openapi3.Schema) (*openapi3.Types, bool) {
	switch {
	case a.Type == nil:
		return c.Type, true
	case c.Type == nil:
		return a.Type, true
	case slices.Equal(a.Type.Slice(), c.Type.Slice()):
		return a.Type, true
	case typeIs(a, "integer") && typeIs(c, "number"):
		return a.Type, true
	case typeIs(a, "number") && typeIs(c, "integer"):
		return c.Type, true
	}
	return nil, false
}

// commonEnum is the values both enums allow (either one when the other has
// none); ok is false when they share no value.
func commonEnum(a, c []any) ([]any, bool) {
	switch {
	case len(a) == 0:
		return c, true
	case len(c) == 0:
		return a, true
	}
	var both []any
	for _, v := range a {
		if slices.ContainsFunc(c, func(w any) bool { return enumString(v) == enumString(w) }) {
			both = append(both, v)
		}
	}
	return both, len(both) > 0
}

// tighter picks the stricter of two bounds; pick is math.Max for a
// minimum, math.Min for a maximum.
func tighter(a *float64, ax openapi3.ExclusiveBound, c *float64, cx openapi3.ExclusiveBound, pick func(x, y float64) float64) (*float64, openapi3.ExclusiveBound) {
	switch {
	case a == nil:
		return c, cx
	case c == nil:
		return a, ax
	}
	v := pick(*a, *c)
	switch {
	case *a == *c:
		if cx.IsTrue() {
			return c, cx
		}
		return a, ax
	case v == *a:
		return a, ax
	}
	return c, cx
}

func minPtr(a, c *uint64) *uint64 {
	switch {
	case a == nil:
		return c
	case c == nil || *a <= *c:
		return a
	}
	return c
}

func firstOf(a, c string) string {
	if a != "" {
		return a
	}
	return c
}

func firstAny(a, c any) any {
	if a != nil {
		return a
	}
	return c
}

// sameConstraints compares what a merge can change of two schemas.
func sameConstraints(a, c *openapi3.Schema) bool {
	typ := func(s *openapi3.Schema) []string {
		if s.Type == nil {
			return nil
		}
		return s.Type.Slice()
	}
	return slices.Equal(typ(a), typ(c)) && a.Format == c.Format && a.Pattern == c.Pattern &&
		a.MinLength == c.MinLength && eqPtr(a.MaxLength, c.MaxLength) &&
		a.MinItems == c.MinItems && eqPtr(a.MaxItems, c.MaxItems) &&
		eqPtr(a.Min, c.Min) && eqPtr(a.Max, c.Max) &&
		a.ExclusiveMin.IsTrue() == c.ExclusiveMin.IsTrue() && eqPtr(a.ExclusiveMin.Value, c.ExclusiveMin.Value) &&
		a.ExclusiveMax.IsTrue() == c.ExclusiveMax.IsTrue() && eqPtr(a.ExclusiveMax.Value, c.ExclusiveMax.Value) &&
		slices.EqualFunc(a.Enum, c.Enum, func(x, y any) bool { return enumString(x) == enumString(y) }) &&
		a.Nullable == c.Nullable && a.ReadOnly == c.ReadOnly && a.WriteOnly == c.WriteOnly &&
		(a.Items == c.Items || (a.Items != nil && c.Items != nil && a.Items.Value == c.Items.Value))
}

func eqPtr[T comparable](a, c *T) bool {
	return a == c || (a != nil && c != nil && *a == *c)
}
