// Package specvalue builds JSON values that an OpenAPI 3 schema accepts, for
// tests that must send or answer something valid for any spec: the spec's
// example where it satisfies the schema, completed or replaced from the
// schema where it is missing or does not (required members, enums,
// patterns, lengths, ranges, item counts, formats).
//
// Values are what encoding/json decodes into an any (map[string]any, []any,
// string, float64, bool), and Value checks the result with kin-openapi's
// own Schema.VisitJSON, so a value it returns is one openapi3filter accepts
// (for a body: before the media type's decoding). The rules, by kind:
//
//   - objects: the example's declared members (undeclared ones are dropped:
//     a typed client has nowhere to keep them), the required ones, and, with
//     [Options.All], every other declared member; readOnly members are left
//     out of requests, writeOnly ones out of responses. allOf parts are
//     merged into one object. When the full object does not validate (oneOf
//     groups of required members, maxProperties), the example's and the
//     required members alone are tried.
//   - oneOf/anyOf: the first branch whose value the whole schema accepts,
//     with the discriminator's value set to the branch's mapping key; for
//     oneOf, members only the other branches require are removed.
//   - arrays: the example's items (at most maxItems), else one item (with
//     All, or when minItems asks), then copies up to minItems.
//   - strings: the example when valid (for byte and binary strings: in
//     standard base64, as encoding/json spells a []byte); else the first enum value; else a
//     value of the format (date-time, date, byte, binary, email, uri,
//     ipv4, ipv6, uuid); else a string the pattern matches (MatchingString)
//     within the length limits; else filler text of an allowed length.
//     Request strings never hold 4-byte UTF-8 (WeChat Pay refuses them).
//   - numbers: the example when valid, else the first enum value, else 1,
//     moved into [minimum, maximum] and onto multipleOf.
//
// A schema that contains itself is not entered again through optional
// members, and through required ones only up to a fixed depth.
package specvalue

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Direction says which way a value travels.
type Direction int

const (
	// Request values leave readOnly members out and hold no 4-byte UTF-8.
	Request Direction = iota + 1
	// Response values leave writeOnly members out.
	Response
)

// Options tune Value. The zero value builds a request value with the
// example's and the required members only.
type Options struct {
	// Direction defaults to Request.
	Direction Direction
	// All adds every declared optional member (once per recursive schema)
	// and one item to empty arrays, so that every part of the schema is
	// exercised.
	All bool
}

// maxDepth bounds required recursion.
const maxDepth = 12

// Value returns a value s accepts, built from example (nil: none; a
// schema's own example is used where its parent's has nothing). The error
// says why no valid value was found; the value returned with it is the
// closest attempt.
func Value(s *openapi3.SchemaRef, example any, opts Options) (any, error) {
	if opts.Direction == 0 {
		opts.Direction = Request
	}
	g := &gen{opts: opts, stack: map[*openapi3.Schema]int{}}
	v := g.value(s, Normalize(example), 0)
	return v, Check(s, v, opts.Direction)
}

// Check validates v against s the way openapi3filter does for direction d
// (VisitJSON as a request or a response), and refuses request strings
// holding 4-byte UTF-8.
func Check(s *openapi3.SchemaRef, v any, d Direction) error {
	if s == nil || s.Value == nil {
		return nil
	}
	if err := s.Value.VisitJSON(v, visitOpts(d)...); err != nil {
		return err
	}
	if d != Response {
		if ptr, ok := gateway.FourByteValue(v); ok {
			return fmt.Errorf("string at %q holds a 4-byte UTF-8 character", ptr)
		}
	}
	return nil
}

func visitOpts(d Direction) []openapi3.SchemaValidationOption {
	if d == Response {
		return []openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}
	}
	return []openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}
}

// Normalize returns v as encoding/json would decode it (map[string]any,
// []any, float64, ...): examples come from YAML with other Go types.
func Normalize(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

type gen struct {
	opts  Options
	stack map[*openapi3.Schema]int
}

func (g *gen) valid(s *openapi3.Schema, v any) bool {
	return Check(&openapi3.SchemaRef{Value: s}, v, g.opts.Direction) == nil
}

func (g *gen) value(r *openapi3.SchemaRef, ex any, depth int) any {
	if r == nil || r.Value == nil {
		if ex != nil {
			return ex
		}
		return map[string]any{}
	}
	s := r.Value
	if ex == nil {
		ex = Normalize(s.Example)
	}
	g.stack[s]++
	defer func() { g.stack[s]-- }()
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return g.union(s, ex, depth)
	case IsObject(s):
		return g.object(s, ObjectOf(s), ex, depth)
	case len(s.AllOf) > 0:
		return g.allOfScalar(s, ex, depth)
	}
	switch {
	case is(s, "array"):
		return g.array(s, ex, depth)
	case is(s, "string"):
		return g.str(s, ex)
	case is(s, "integer"), is(s, "number"):
		return g.number(s, ex)
	case is(s, "boolean"):
		if len(s.Enum) > 0 {
			return s.Enum[0]
		}
		if b, ok := ex.(bool); ok {
			return b
		}
		return true
	}
	if ex != nil && g.valid(s, ex) {
		return ex
	}
	return map[string]any{} // any JSON value: an empty object
}

func is(s *openapi3.Schema, typ string) bool { return s.Type != nil && s.Type.Is(typ) }

// IsObject reports an object schema, or one whose allOf parts make an object.
func IsObject(s *openapi3.Schema) bool {
	if is(s, "object") || len(s.Properties) > 0 || (s.Type == nil && s.AdditionalProperties.Schema != nil) {
		return true
	}
	for _, p := range s.AllOf {
		if p.Value != nil && IsObject(p.Value) {
			return true
		}
	}
	return false
}

// Object is an object schema's members with its allOf parts merged.
type Object struct {
	// Names are the declared members, sorted by name within each part.
	Names []string
	// Props are each member's schemas (several when allOf parts declare it).
	Props map[string][]*openapi3.SchemaRef
	// Required are the members some part requires.
	Required map[string]bool
	// Extra is the additionalProperties schema (nil: none).
	Extra *openapi3.SchemaRef
}

// ObjectOf merges the members of schemas and of their allOf parts.
func ObjectOf(schemas ...*openapi3.Schema) *Object {
	v := &Object{Props: map[string][]*openapi3.SchemaRef{}, Required: map[string]bool{}}
	for _, s := range schemas {
		v.add(s, 0)
	}
	return v
}

func (v *Object) add(s *openapi3.Schema, depth int) {
	if s == nil || depth > maxDepth {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if _, ok := v.Props[name]; !ok {
			v.Names = append(v.Names, name)
		}
		v.Props[name] = append(v.Props[name], s.Properties[name])
	}
	for _, name := range s.Required {
		v.Required[name] = true
	}
	if s.AdditionalProperties.Schema != nil && v.Extra == nil {
		v.Extra = s.AdditionalProperties.Schema
	}
	for _, p := range s.AllOf {
		v.add(p.Value, depth+1)
	}
}

// skip reports whether a member does not travel in this direction.
func (g *gen) skip(rs []*openapi3.SchemaRef) bool {
	for _, r := range rs {
		if r.Value == nil {
			continue
		}
		if g.opts.Direction == Request && r.Value.ReadOnly || g.opts.Direction == Response && r.Value.WriteOnly {
			return true
		}
	}
	return false
}

func (g *gen) object(s *openapi3.Schema, v *Object, ex any, depth int) any {
	exm, _ := ex.(map[string]any)
	tries := []memberSet{{}, {requiredOnly: true}}
	if g.opts.All {
		tries = append([]memberSet{{all: true}}, tries...)
	}
	var first map[string]any
	built := map[string]any{} // each member is built once for every try
	for i, m := range tries {
		out := g.members(v, exm, depth, m, built)
		if g.valid(s, out) {
			return out
		}
		if i == 0 {
			first = out
		}
	}
	return first
}

// memberSet says which members an object gets beside the required ones:
// all declared ones, the example's (the default), or none.
type memberSet struct{ all, requiredOnly bool }

// members builds an object from a view: the required members and those m
// asks for.
func (g *gen) members(v *Object, exm map[string]any, depth int, m memberSet, built map[string]any) map[string]any {
	out := map[string]any{}
	for _, name := range v.Names {
		rs := v.Props[name]
		if g.skip(rs) {
			continue
		}
		exv, has := exm[name]
		if exv == nil { // absent, or null (WeChat Pay refuses null)
			has = false
		}
		if !has && !v.Required[name] && (!m.all || depth >= maxDepth || g.recursive(rs)) {
			continue
		}
		if !has && depth >= maxDepth {
			continue
		}
		if !v.Required[name] && m.requiredOnly {
			continue
		}
		if _, ok := built[name]; !ok {
			built[name] = g.member(rs, exv, depth+1)
		}
		out[name] = built[name]
	}
	if len(v.Names) == 0 && v.Extra != nil {
		for _, k := range slices.Sorted(maps.Keys(exm)) {
			out[k] = g.value(v.Extra, exm[k], depth+1)
		}
		if len(out) == 0 && m.all {
			out["key"] = g.value(v.Extra, nil, depth+1)
		}
	}
	return out
}

// member builds a member defined by one or more (allOf) schemas: the first
// value all of them accept.
func (g *gen) member(rs []*openapi3.SchemaRef, ex any, depth int) any {
	validAll := func(val any) bool {
		return slices.IndexFunc(rs, func(o *openapi3.SchemaRef) bool { return o.Value != nil && !g.valid(o.Value, val) }) < 0
	}
	if objs := objectsOf(rs); len(objs) > 1 {
		// Objects defined by several parts: one value with the members of
		// all of them (the generator merges them into one struct too).
		if val := g.object(objs[0], ObjectOf(objs...), ex, depth); validAll(val) {
			return val
		}
	}
	var first any
	for i, r := range rs {
		val := g.value(r, ex, depth)
		if i == 0 {
			first = val
		}
		if slices.IndexFunc(rs, func(o *openapi3.SchemaRef) bool { return o.Value != nil && !g.valid(o.Value, val) }) < 0 {
			return val
		}
	}
	return first
}

// objectsOf returns the schemas when every one of them is an object, else
// nil.
func objectsOf(rs []*openapi3.SchemaRef) []*openapi3.Schema {
	var objs []*openapi3.Schema
	for _, r := range rs {
		if r.Value == nil || !IsObject(r.Value) {
			return nil
		}
		objs = append(objs, r.Value)
	}
	return objs
}

// recursive reports whether a member's schema is already being built.
func (g *gen) recursive(rs []*openapi3.SchemaRef) bool {
	for _, r := range rs {
		if r.Value != nil && g.stack[r.Value] > 0 {
			return true
		}
		if r.Value != nil && r.Value.Items != nil && r.Value.Items.Value != nil && g.stack[r.Value.Items.Value] > 0 {
			return true
		}
	}
	return false
}

// union builds a oneOf/anyOf: each branch merged with the rest of the
// schema, in order, until the whole schema accepts one.
func (g *gen) union(s *openapi3.Schema, ex any, depth int) any {
	base := *s
	base.OneOf, base.AnyOf, base.Discriminator = nil, nil, nil
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	var first any
	for i, br := range branches {
		if br.Value == nil {
			continue
		}
		var val any
		if IsObject(&base) || IsObject(br.Value) || len(br.Value.Required) > 0 {
			val = g.object(s, ObjectOf(&base, br.Value), ex, depth)
			if m, ok := val.(map[string]any); ok {
				g.fitBranch(s, m, br, branches)
			}
		} else {
			val = g.value(br, ex, depth)
		}
		if g.valid(s, val) {
			return val
		}
		if i == 0 {
			first = val
		}
	}
	return first
}

// fitBranch sets the discriminator of an object built for branch br, and
// for oneOf removes the members only other branches require.
func (g *gen) fitBranch(s *openapi3.Schema, m map[string]any, br *openapi3.SchemaRef, branches openapi3.SchemaRefs) {
	if d := s.Discriminator; d != nil && br.Ref != "" {
		m[d.PropertyName] = discriminatorValue(d, br.Ref)
	}
	if len(s.OneOf) == 0 {
		return
	}
	own := map[string]bool{}
	for _, n := range br.Value.Required {
		own[n] = true
	}
	for _, n := range s.Required {
		own[n] = true
	}
	for _, other := range branches {
		if other == br || other.Value == nil {
			continue
		}
		for _, n := range other.Value.Required {
			if !own[n] {
				delete(m, n)
			}
		}
	}
}

// discriminatorValue is the mapping key naming ref, else the ref's last
// token (the component's name).
func discriminatorValue(d *openapi3.Discriminator, ref string) string {
	for _, k := range slices.Sorted(maps.Keys(d.Mapping)) {
		if d.Mapping[k].Ref == ref {
			return k
		}
	}
	return ref[strings.LastIndex(ref, "/")+1:]
}

// allOfScalar builds an allOf of non-object parts: the first part's value
// that the whole schema accepts.
func (g *gen) allOfScalar(s *openapi3.Schema, ex any, depth int) any {
	var first any
	for i, p := range s.AllOf {
		val := g.value(p, ex, depth)
		if g.valid(s, val) {
			return val
		}
		if i == 0 {
			first = val
		}
	}
	return first
}

func (g *gen) array(s *openapi3.Schema, ex any, depth int) any {
	exa, _ := ex.([]any)
	out := []any{}
	for _, e := range exa {
		if s.MaxItems != nil && uint64(len(out)) >= *s.MaxItems {
			break
		}
		out = append(out, g.value(s.Items, e, depth+1))
	}
	if len(out) == 0 && (s.MinItems > 0 || g.opts.All && depth < maxDepth && !g.recursive([]*openapi3.SchemaRef{s.Items})) {
		if s.MaxItems == nil || *s.MaxItems > 0 {
			out = append(out, g.value(s.Items, nil, depth+1))
		}
	}
	for i := 0; uint64(len(out)) < s.MinItems && len(out) > 0; i++ {
		out = append(out, variant(out[0], i+1, s))
	}
	return out
}

// variant is a copy of v for another item of an array; with uniqueItems, a
// string or number is changed so that the items differ.
func variant(v any, n int, s *openapi3.Schema) any {
	if !s.UniqueItems || s.Items == nil || s.Items.Value == nil {
		return v
	}
	items := s.Items.Value
	if len(items.Enum) > n {
		return items.Enum[n]
	}
	switch x := v.(type) {
	case string:
		if alt, ok := MatchingString(items.Pattern, lengthOf(x), lengthOf(x), n); ok && items.Pattern != "" {
			return alt
		}
		return x[:len(x)-len(fmt.Sprint(n))] + fmt.Sprint(n)
	case float64:
		return x + float64(n)
	}
	return v
}

func lengthOf(s string) int { return utf8.RuneCountInString(s) }

// Formats kin-openapi checks (date, date-time, byte) and the ones a server
// may; each value is valid for its format.
var formatValues = map[string]string{
	"date-time": "2015-05-20T13:29:35+08:00",
	"date":      "2015-05-20",
	"byte":      "d3hwYXlnZW4=",
	"binary":    "d3hwYXlnZW4=",
	"email":     "user@example.com",
	"uri":       "https://example.com/wxpaygen",
	"url":       "https://example.com/wxpaygen",
	"ipv4":      "127.0.0.1",
	"ipv6":      "::1",
	"uuid":      "123e4567-e89b-12d3-a456-426614174000",
}

func (g *gen) str(s *openapi3.Schema, ex any) any {
	if x, ok := ex.(string); ok && g.valid(s, x) && (!isBytes(s) || isBase64(x)) {
		return x
	}
	for _, e := range s.Enum {
		if g.valid(s, e) {
			return e
		}
	}
	lo, hi := int(s.MinLength), -1
	if s.MaxLength != nil {
		hi = int(min(*s.MaxLength, math.MaxInt32))
	}
	var candidates []string
	if f, ok := formatValues[s.Format]; ok {
		candidates = append(candidates, f)
		if s.Format == "date-time" {
			candidates = append(candidates, "2015-05-20T13:29:35Z")
		}
	}
	if s.Pattern != "" {
		if m, ok := MatchingString(s.Pattern, lo, hi, 0); ok {
			candidates = append(candidates, m)
		}
	}
	candidates = append(candidates, Filler(clamp(8, lo, hi)))
	for _, c := range candidates {
		if g.valid(s, c) {
			return c
		}
	}
	return candidates[0]
}

// isBytes: a byte or binary string, which a typed client holds as []byte
// and encoding/json spells in standard base64 (a file part of a multipart
// body too, whose bytes are then sent as they are).
func isBytes(s *openapi3.Schema) bool { return s.Format == "byte" || s.Format == "binary" }

func isBase64(x string) bool {
	_, err := base64.StdEncoding.DecodeString(x)
	return err == nil
}

// Filler is n code points of readable ASCII text.
func Filler(n int) string {
	const text = "wxpaygen"
	return strings.Repeat(text, n/len(text)+1)[:n]
}

// clamp moves n into [lo, hi] (hi < 0: no upper limit).
func clamp(n, lo, hi int) int {
	if hi >= 0 && n > hi {
		n = hi
	}
	return max(n, lo)
}

func (g *gen) number(s *openapi3.Schema, ex any) any {
	if x, ok := ex.(float64); ok && g.valid(s, x) {
		return x
	}
	for _, e := range s.Enum {
		if g.valid(s, e) {
			return e
		}
	}
	for _, c := range numberCandidates(s) {
		if g.valid(s, c) {
			return c
		}
	}
	return 1.0
}

// numberCandidates are 1, the bounds (nudged inside when exclusive) and
// their middle, each put on multipleOf.
func numberCandidates(s *openapi3.Schema) []float64 {
	step := 1.0
	if !is(s, "integer") {
		step = 0.01
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.IsTrue() {
			lo += step
		}
	}
	if s.ExclusiveMin.Value != nil {
		lo = *s.ExclusiveMin.Value + step
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.IsTrue() {
			hi -= step
		}
	}
	if s.ExclusiveMax.Value != nil {
		hi = *s.ExclusiveMax.Value - step
	}
	cs := []float64{1, lo, hi, math.Floor((lo + hi) / 2)}
	out := cs[:0]
	for _, c := range cs {
		if math.IsInf(c, 0) || math.IsNaN(c) {
			continue
		}
		if is(s, "integer") {
			c = math.Ceil(c)
		}
		if m := s.MultipleOf; m != nil && *m > 0 {
			c = math.Ceil(c / *m) * *m
		}
		out = append(out, c)
	}
	return out
}
