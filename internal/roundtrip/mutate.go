package roundtrip

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/specvalue"
)

// The constraint kinds the fidelity test breaks, in table order.
const (
	kindRequired = "required"
	kindEnum     = "enum"
	kindLength   = "length"
	kindPattern  = "pattern"
	kindRange    = "range"
	kindItems    = "items"
)

var kinds = []string{kindRequired, kindEnum, kindLength, kindPattern, kindRange, kindItems}

// mutation is a valid body broken in one place, for one constraint.
type mutation struct {
	kind string
	ptr  string // JSON Pointer of the place
	what string // the constraint and the value put there
	// member is the kind of a required member left out ("string",
	// "integer", "object", ...).
	member string
	body   []byte
}

// mutations breaks body (valid against s) once per constraint and place:
// every required member present is left out; every string with an enum,
// a length limit or a pattern, every number with an enum or a bound and
// every array with an item count gets a value just outside. Arrays are
// followed into their first item and maps into their first entry, so that
// each place of the schema is broken once. readOnly members are not sent,
// so not broken.
func mutations(s *openapi3.SchemaRef, body any) []mutation {
	w := &walker{root: body}
	w.walk(s, body, nil)
	return w.out
}

type walker struct {
	root any
	out  []mutation
}

// token is a step of a path: a member name or an array index.
type token = any

func (w *walker) add(m mutation, path []token, v any, remove bool) {
	m.ptr = pointerOf(path)
	m.body = mustJSON(replaced(w.root, path, v, remove))
	w.out = append(w.out, m)
}

func (w *walker) walk(r *openapi3.SchemaRef, v any, path []token) {
	if r == nil || r.Value == nil {
		return
	}
	s := r.Value
	if len(s.OneOf)+len(s.AnyOf) > 0 {
		w.union(s, v, path)
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if specvalue.IsObject(s) {
			w.object(specvalue.ObjectOf(s), v, path)
		}
	case []any:
		w.array(s, v, path)
	case string:
		w.str(s, v, path)
	case float64:
		w.number(s, v, path)
	}
}

// union walks the value as the branch it satisfies (merged with the rest
// of the schema).
func (w *walker) union(s *openapi3.Schema, v any, path []token) {
	base := *s
	base.OneOf, base.AnyOf, base.Discriminator = nil, nil, nil
	for _, br := range slices.Concat(s.OneOf, s.AnyOf) {
		if br.Value == nil || specvalue.Check(br, v, specvalue.Request) != nil {
			continue
		}
		if m, ok := v.(map[string]any); ok {
			w.object(specvalue.ObjectOf(&base, br.Value), m, path)
		} else {
			w.walk(br, v, path)
		}
		return
	}
}

func (w *walker) object(o *specvalue.Object, v map[string]any, path []token) {
	for _, name := range slices.Sorted(maps.Keys(v)) {
		rs := o.Props[name]
		if len(rs) == 0 {
			if o.Extra != nil {
				w.walk(o.Extra, v[name], with(path, name))
			}
			continue
		}
		if readOnly(rs) {
			continue
		}
		if o.Required[name] {
			w.add(mutation{kind: kindRequired, what: "required member " + strconv.Quote(name) + " left out", member: memberType(rs)},
				with(path, name), nil, true)
		}
		w.walk(rs[0], v[name], with(path, name))
	}
}

func readOnly(rs []*openapi3.SchemaRef) bool {
	return slices.ContainsFunc(rs, func(r *openapi3.SchemaRef) bool { return r.Value != nil && r.Value.ReadOnly })
}

// memberType is a member's kind as the client's Go types see it: object,
// union, array, string (date-time and byte/binary apart: apiv3.Time and
// []byte), integer, number, boolean, untyped.
func memberType(rs []*openapi3.SchemaRef) string {
	for _, r := range rs {
		s := r.Value
		switch {
		case s == nil:
			continue
		case len(s.OneOf)+len(s.AnyOf) > 0:
			return "union"
		case specvalue.IsObject(s):
			return "object"
		case s.Type == nil || len(s.Type.Slice()) != 1:
			continue
		}
		t := s.Type.Slice()[0]
		if t == "string" && (s.Format == "date-time" || s.Format == "byte" || s.Format == "binary") {
			t += " (" + s.Format + ")"
		}
		return t
	}
	return "untyped"
}

// maxCopies bounds the items added to pass maxItems.
const maxCopies = 1000

func (w *walker) array(s *openapi3.Schema, v []any, path []token) {
	if n := int(s.MinItems); n > 0 && len(v) >= n {
		w.add(mutation{kind: kindItems, what: fmt.Sprintf("minItems %d: %d items", n, n-1)}, path, slices.Clone(v[:n-1]), false)
	}
	if s.MaxItems != nil && *s.MaxItems < maxCopies && len(v) > 0 {
		n := int(*s.MaxItems)
		long := slices.Clone(v)
		for len(long) <= n {
			long = append(long, v[0])
		}
		w.add(mutation{kind: kindItems, what: fmt.Sprintf("maxItems %d: %d items", n, n+1)}, path, long, false)
	}
	if len(v) > 0 {
		w.walk(s.Items, v[0], with(path, 0))
	}
}

func (w *walker) str(s *openapi3.Schema, v string, path []token) {
	lo, hi := int(s.MinLength), -1
	if s.MaxLength != nil {
		hi = int(min(*s.MaxLength, math.MaxInt32))
	}
	if len(s.Enum) > 0 {
		if x, ok := notInEnum(s, lo, hi); ok {
			w.add(mutation{kind: kindEnum, what: "not in enum: " + strconv.Quote(x)}, path, x, false)
		}
	}
	if hi >= 0 {
		x := ofLength(s.Pattern, v, hi+1)
		w.add(mutation{kind: kindLength, what: fmt.Sprintf("maxLength %d: %d characters", hi, hi+1)}, path, x, false)
	}
	if lo > 0 {
		x := ofLength(s.Pattern, v, lo-1)
		w.add(mutation{kind: kindLength, what: fmt.Sprintf("minLength %d: %d characters", lo, lo-1)}, path, x, false)
	}
	if s.Pattern != "" {
		if x, ok := notMatching(s.Pattern, v, lo, hi); ok {
			w.add(mutation{kind: kindPattern, what: "not matching " + s.Pattern + ": " + strconv.Quote(x)}, path, x, false)
		}
	}
}

// notInEnum is a string outside the enum, within the length limits when
// possible.
func notInEnum(s *openapi3.Schema, lo, hi int) (string, bool) {
	var cands []string
	for _, e := range s.Enum {
		if x, ok := e.(string); ok && x != "" {
			cands = append(cands, x[:len(x)-1]+"X", "X"+x[1:])
		}
	}
	cands = append(cands, specvalue.Filler(max(lo, 1)), "X")
	var fallback string
	for _, c := range cands {
		if slices.Contains(s.Enum, any(c)) {
			continue
		}
		if l := utf8.RuneCountInString(c); l >= lo && (hi < 0 || l <= hi) {
			return c, true
		}
		if fallback == "" {
			fallback = c
		}
	}
	return fallback, fallback != ""
}

// ofLength is a string of n code points, matching the pattern when one
// can (so that only the length is wrong), else v cut or padded.
func ofLength(pattern, v string, n int) string {
	if pattern != "" {
		if x, ok := specvalue.MatchingString(pattern, n, n, 0); ok {
			return x
		}
	}
	r := []rune(v)
	if len(r) >= n {
		return string(r[:n])
	}
	return v + specvalue.Filler(n-len(r))
}

// notMatching is a string of an allowed length that the pattern does not
// match; false when none of the tries works (a pattern matching anything).
func notMatching(pattern, v string, lo, hi int) (string, bool) {
	re, err := regexp.Compile(specvalue.GoRegexp(pattern))
	if err != nil {
		return "", false
	}
	r := []rune(v)
	n := clampLen(len(r), lo, hi)
	var cands []string
	for _, bad := range []string{"!", " ", "#", "~", "中", "a", "0"} {
		if len(r) > 0 {
			cands = append(cands, bad+string(r[1:]), string(r[:len(r)-1])+bad)
		}
		cands = append(cands, strings.Repeat(bad, max(n, 1)))
	}
	for _, c := range cands {
		if l := utf8.RuneCountInString(c); l >= lo && (hi < 0 || l <= hi) && !re.MatchString(c) {
			return c, true
		}
	}
	return "", false
}

func clampLen(n, lo, hi int) int {
	if hi >= 0 && n > hi {
		n = hi
	}
	return max(n, lo)
}

func (w *walker) number(s *openapi3.Schema, v float64, path []token) {
	step := 1.0
	if !s.Type.Is("integer") {
		step = 0.5
	}
	if len(s.Enum) > 0 {
		x := v
		for _, e := range s.Enum {
			if f, ok := e.(float64); ok {
				x = max(x, f)
			}
		}
		w.add(mutation{kind: kindEnum, what: "not in enum: " + fmtNum(x+1)}, path, x+1, false)
	}
	if lo, ex, ok := lower(s); ok {
		x := lo - step
		if ex {
			x = lo
		}
		w.add(mutation{kind: kindRange, what: "minimum " + fmtNum(lo) + ": " + fmtNum(x)}, path, x, false)
	}
	if hi, ex, ok := upper(s); ok {
		x := hi + step
		if ex {
			x = hi
		}
		w.add(mutation{kind: kindRange, what: "maximum " + fmtNum(hi) + ": " + fmtNum(x)}, path, x, false)
	}
}

// lower and upper are a schema's bounds (3.0 boolean or 3.1 numeric
// exclusive bounds) and whether they are exclusive.
func lower(s *openapi3.Schema) (float64, bool, bool) {
	if s.ExclusiveMin.Value != nil {
		return *s.ExclusiveMin.Value, true, true
	}
	if s.Min != nil {
		return *s.Min, s.ExclusiveMin.IsTrue(), true
	}
	return 0, false, false
}

func upper(s *openapi3.Schema) (float64, bool, bool) {
	if s.ExclusiveMax.Value != nil {
		return *s.ExclusiveMax.Value, true, true
	}
	if s.Max != nil {
		return *s.Max, s.ExclusiveMax.IsTrue(), true
	}
	return 0, false, false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func with(path []token, t token) []token { return append(slices.Clip(path), t) }

// pointerOf writes a path as a JSON Pointer.
func pointerOf(path []token) string {
	var b strings.Builder
	for _, t := range path {
		b.WriteByte('/')
		switch t := t.(type) {
		case int:
			b.WriteString(strconv.Itoa(t))
		case string:
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
		}
	}
	return b.String()
}

// replaced is a copy of root with the value at path set to v (or the
// member removed); only the containers on the path are copied.
func replaced(root any, path []token, v any, remove bool) any {
	if len(path) == 0 {
		return v
	}
	switch c := root.(type) {
	case map[string]any:
		name := path[0].(string)
		cp := maps.Clone(c)
		if len(path) == 1 && remove {
			delete(cp, name)
		} else {
			cp[name] = replaced(c[name], path[1:], v, remove)
		}
		return cp
	case []any:
		i := path[0].(int)
		cp := slices.Clone(c)
		cp[i] = replaced(c[i], path[1:], v, remove)
		return cp
	}
	return root
}
