package model

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Rule is a validation rule; its String is the rule name the runtime's
// apiv3.Violation carries.
type Rule int

// The rules Validate and the path builders enforce.
const (
	RuleRequired Rule = iota + 1
	RuleMinLength
	RuleMaxLength
	RulePattern
	RuleEnum
	RuleMinimum
	RuleMaximum
	RuleMinItems
	RuleMaxItems
	RuleUTF8MB4
	RuleOneOf
)

// MessageUTF8MB4 is the message of a "utf8mb4" violation; the generated
// code has apiv3's Validator.CheckUTF8MB4 record it (apiv3.MessageUTF8MB4,
// held equal by a test).
const MessageUTF8MB4 = "must not contain 4-byte UTF-8 characters (such as emoji)"

var ruleNames = [...]string{"", "required", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum", "minItems", "maxItems", "utf8mb4", "oneOf"}

func (r Rule) String() string { return ruleNames[r] }

// Check is one rule with its message, made at generation time. The rules
// and their meaning:
//   - required: a required field that can be nil is nil, or one whose zero
//     value means it was forgotten is zero (Field.RefuseZero);
//   - minLength/maxLength: length in code points (Limit);
//   - pattern: RE2, Pattern (a loop when it is a ClassRepeat);
//   - enum: the value is one the spec lists (Valid());
//   - minimum/maximum: Number, Exclusive;
//   - minItems/maxItems: Limit;
//   - utf8mb4: no 4-byte UTF-8 in any request string;
//   - oneOf: a union has exactly one variant set (also Unknown).
//
// Read-only fields are never checked; a struct's RequireOneOf groups report
// "required" at the group's first field.
type Check struct {
	Rule      Rule
	Message   string
	Limit     int64
	Number    float64
	Exclusive bool
	Pattern   *Pattern
}

// limitsOf reads a schema's constraints.
func limitsOf(s *openapi3.Schema) Limits {
	l := Limits{Pattern: s.Pattern, MaxLength: toInt64(s.MaxLength), MaxItems: toInt64(s.MaxItems)}
	if s.MinLength > 0 {
		l.MinLength = toInt64(&s.MinLength)
	}
	if s.MinItems > 0 {
		l.MinItems = toInt64(&s.MinItems)
	}
	l.Minimum = bound(s.Min, s.ExclusiveMin)
	l.Maximum = bound(s.Max, s.ExclusiveMax)
	return l
}

func toInt64(p *uint64) *int64 {
	if p == nil {
		return nil
	}
	v := int64(min(*p, math.MaxInt64))
	return &v
}

// bound reads a 3.0 (boolean) or 3.1 (number) exclusive bound.
func bound(v *float64, ex openapi3.ExclusiveBound) *Bound {
	switch {
	case ex.Value != nil:
		return &Bound{Value: *ex.Value, Exclusive: true}
	case v != nil:
		return &Bound{Value: *v, Exclusive: ex.IsTrue()}
	}
	return nil
}

// checksOf makes the checks of a per-use type from its limits.
func (b *builder) checksOf(t *Type, s *openapi3.Schema, u use) []Check {
	switch t.Kind {
	case KindString:
		return b.stringChecks(t.Limits, s, u)
	case KindInt32, KindInt64, KindFloat64:
		return numberChecks(t.Limits)
	case KindArray:
		return countChecks(t.Limits.MinItems, t.Limits.MaxItems, RuleMinItems, RuleMaxItems, "have", "item")
	}
	return nil
}

func (b *builder) stringChecks(l Limits, s *openapi3.Schema, u use) []Check {
	cs := countChecks(l.MinLength, l.MaxLength, RuleMinLength, RuleMaxLength, "be", "character")
	for _, expr := range append([]string{l.Pattern}, b.morePatterns[s]...) {
		if expr == "" {
			continue
		}
		if p := b.pattern(expr, s, u); p != nil {
			cs = append(cs, Check{Rule: RulePattern, Message: "must match " + expr, Pattern: p})
		}
	}
	return append(cs, Check{Rule: RuleUTF8MB4, Message: MessageUTF8MB4})
}

// countChecks makes the min/max checks of lengths or item counts, sharing
// one message: "must be 1 to 32 characters", "must have at most 1 item".
func countChecks(lo, hi *int64, minRule, maxRule Rule, verb, noun string) []Check {
	var msg string
	switch {
	case lo != nil && hi != nil:
		msg = fmt.Sprintf("must %s %d to %d %ss", verb, *lo, *hi, noun)
	case lo != nil:
		msg = fmt.Sprintf("must %s at least %d %s", verb, *lo, plural(*lo, noun))
	case hi != nil:
		msg = fmt.Sprintf("must %s at most %d %s", verb, *hi, plural(*hi, noun))
	}
	var cs []Check
	if lo != nil {
		cs = append(cs, Check{Rule: minRule, Message: msg, Limit: *lo})
	}
	if hi != nil {
		cs = append(cs, Check{Rule: maxRule, Message: msg, Limit: *hi})
	}
	return cs
}

func plural(n int64, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

func numberChecks(l Limits) []Check {
	var cs []Check
	if m := l.Minimum; m != nil {
		cs = append(cs, Check{Rule: RuleMinimum, Number: m.Value, Exclusive: m.Exclusive, Message: boundMessage(m, "greater than", "at least")})
	}
	if m := l.Maximum; m != nil {
		cs = append(cs, Check{Rule: RuleMaximum, Number: m.Value, Exclusive: m.Exclusive, Message: boundMessage(m, "less than", "at most")})
	}
	return cs
}

func boundMessage(m *Bound, exclusive, inclusive string) string {
	word := inclusive
	if m.Exclusive {
		word = exclusive
	}
	return "must be " + word + " " + strconv.FormatFloat(m.Value, 'f', -1, 64)
}

// pattern registers a pattern as a package-level variable, one per
// expression, named after its first use, and decides how it is matched
// (Class). An expression RE2 cannot compile is a located error.
func (b *builder) pattern(expr string, s *openapi3.Schema, u use) *Pattern {
	if p, ok := b.patterns[expr]; ok {
		return p
	}
	pos := b.pos(s.Origin, u.ptr+"/pattern")
	if _, err := regexp.Compile(expr); err != nil {
		b.diags.Errorf(pos, "write the pattern in RE2 syntax (no lookaround or backreferences)",
			"pattern %q is not valid RE2: %v", expr, err)
		return nil
	}
	p := &Pattern{GoName: "pattern" + u.inlineName(), Expr: expr, Class: classRepeatOf(expr), Pos: pos, owner: b.diags.current}
	b.patterns[expr] = p
	return p
}

// markValidated gives Validate methods to every struct a request body can
// reach.
func (b *builder) markValidated() {
	for _, op := range b.api.Operations {
		if op.Body != nil {
			markReach(op.Body)
		}
	}
}

func markReach(t *Type) {
	switch {
	case t.Kind == KindArray || t.Kind == KindMap:
		markReach(t.Elem)
	case t.Kind == KindStruct && !t.Validate:
		t.Validate = true
		for _, f := range t.Fields {
			if !f.ReadOnly {
				markReach(f.Type)
			}
		}
	case t.Kind == KindUnion && !t.Validate:
		t.Validate = true
		for _, v := range t.Variants {
			markReach(v.Type)
		}
	}
}

// markZeroChecks decides which required struct fields Validate reports
// when left out: a struct whose fields can all be told zero (strings,
// numbers, times, pointers, slices, maps and such structs; not unions nor
// x-go-type values, nor a struct without fields, which is always zero) gets
// an isZero method; a required field of a struct that cannot stays
// unchecked.
func (b *builder) markZeroChecks() {
	memo := map[*Type]bool{}
	for _, t := range b.api.Types {
		if !t.Validate {
			continue
		}
		for _, f := range t.Fields {
			if f.RefuseZero && f.Type.Kind == KindStruct {
				f.RefuseZero = !f.Pointer && zeroable(f.Type, memo, map[*Type]bool{})
				if f.RefuseZero {
					markZero(f.Type)
				}
			}
		}
	}
}

// zeroable reports whether isZero can be written for struct t.
func zeroable(t *Type, memo, visiting map[*Type]bool) bool {
	if ok, done := memo[t]; done {
		return ok
	}
	if visiting[t] || len(t.Fields) == 0 {
		return false
	}
	visiting[t] = true
	ok := true
	for _, f := range t.Fields {
		switch {
		case f.Pointer, nilable(f.Type.Kind):
		case f.Type.Kind == KindStruct:
			ok = ok && zeroable(f.Type, memo, visiting)
		case f.Type.Kind == KindUnion, f.Type.Kind == KindExternal:
			ok = false
		}
	}
	memo[t] = ok
	return ok
}

// markZero gives t, and the value structs it holds, isZero methods.
func markZero(t *Type) {
	if t.ZeroCheck {
		return
	}
	t.ZeroCheck = true
	for _, f := range t.Fields {
		if !f.Pointer && f.Type.Kind == KindStruct {
			markZero(f.Type)
		}
	}
}

// usedPatterns are the patterns a generated check uses: those of validated
// structs and of parameters (a response-only pattern is not compiled).
func (b *builder) usedPatterns() []*Pattern {
	used := map[*Pattern]bool{}
	for _, t := range b.api.Types {
		if t.Validate {
			for _, f := range t.Fields {
				if !f.ReadOnly {
					markPatterns(f.Type, used)
				}
			}
		}
	}
	for _, op := range b.api.Operations {
		for _, p := range slices.Concat(op.PathParams, op.QueryParams, op.HeaderParams) {
			markPatterns(p.Type, used)
		}
	}
	var ps []*Pattern
	for p := range used {
		ps = append(ps, p)
	}
	return ps
}

// markPatterns marks the patterns of an unnamed type and its elements.
func markPatterns(t *Type, used map[*Pattern]bool) {
	if t.Kind.Named() {
		return
	}
	for _, c := range t.Checks {
		if c.Pattern != nil {
			used[c.Pattern] = true
		}
	}
	if t.Elem != nil {
		markPatterns(t.Elem, used)
	}
}
