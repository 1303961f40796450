package apiv3

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violation is one rule a request value breaks.
type Violation struct {
	In      string // "body", "path", "query" or "header"
	Field   string // dotted path: objective_completion_records[0].completion_type
	Pointer string // JSON Pointer: /objective_completion_records/0/completion_type
	// Rule is the schema keyword broken: "required", "minLength",
	// "maxLength", "pattern", "enum", "minimum", "maximum", "minItems",
	// "maxItems", "utf8mb4" or "path".
	Rule    string
	Message string
}

// ValidationError is returned, before anything is sent, for a request that
// breaks its schema. It lists every violation found.
type ValidationError struct{ Violations []Violation }

// Error lists all violations:
// "apiv3: invalid request: body a[0].b: must be one of X, Y; path c: must not be empty".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("apiv3: invalid request")
	for i, v := range e.Violations {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.In)
		if v.Field != "" {
			b.WriteString(" ")
			b.WriteString(v.Field)
		}
		b.WriteString(": ")
		b.WriteString(v.Message)
	}
	return b.String()
}

// segment is one step from the root to the node being validated.
type segment struct {
	name  string
	index int // used when name == "" (an array element)
}

// Validator collects violations while generated Validate methods walk a
// value. Set In ("body", "path", ...), walk with Enter/EnterIndex/Leave, call
// Add for each broken rule, and return Err. A value without violations is
// validated without allocating: the path is a fixed array inside the
// Validator and the Field and Pointer strings are built only by Add.
type Validator struct {
	In string

	stack      [16]segment
	deeper     []segment // segments below the depth of stack
	depth      int
	violations []Violation
}

// Enter descends into the field name of the current object.
func (v *Validator) Enter(name string) { v.push(segment{name: name}) }

// EnterIndex descends into element i of the current array.
func (v *Validator) EnterIndex(i int) { v.push(segment{index: i}) }

func (v *Validator) push(s segment) {
	if v.depth >= len(v.stack) {
		v.pushDeep(s)
		return
	}
	v.stack[v.depth] = s
	v.depth++
}

// pushDeep is push below the depth of stack. It is kept out of line so that
// the append is not copied into every generated Enter (issue 15: a big
// package inlines Enter at about a thousand sites).
//
//go:noinline
func (v *Validator) pushDeep(s segment) {
	v.deeper = append(v.deeper, s)
	v.depth++
}

// Leave undoes the last Enter or EnterIndex.
func (v *Validator) Leave() {
	if v.depth == 0 {
		return
	}
	v.depth--
	if v.depth >= len(v.stack) {
		v.deeper = v.deeper[:v.depth-len(v.stack)]
	}
}

func (v *Validator) segmentAt(i int) segment {
	if i < len(v.stack) {
		return v.stack[i]
	}
	return v.deeper[i-len(v.stack)]
}

// Add records that the field name of the current node (or the current node
// itself when name is "") breaks rule; message says how, e.g.
// "must be at most 32 characters".
func (v *Validator) Add(name, rule, message string) {
	var field, pointer strings.Builder
	for i := 0; i < v.depth; i++ {
		s := v.segmentAt(i)
		if s.name == "" {
			field.WriteString("[" + strconv.Itoa(s.index) + "]")
			pointer.WriteString("/" + strconv.Itoa(s.index))
			continue
		}
		if field.Len() > 0 {
			field.WriteString(".")
		}
		field.WriteString(s.name)
		pointer.WriteString("/" + escapePointerToken(s.name))
	}
	if name != "" {
		if field.Len() > 0 {
			field.WriteString(".")
		}
		field.WriteString(name)
		pointer.WriteString("/" + escapePointerToken(name))
	}
	v.violations = append(v.violations, Violation{
		In:      v.In,
		Field:   field.String(),
		Pointer: pointer.String(),
		Rule:    rule,
		Message: message,
	})
}

// The messages of the violations that the helpers below record.
const (
	MessageRequired = "is required"
	MessageUTF8MB4  = "must not contain 4-byte UTF-8 characters (such as emoji)"
)

// The helpers below test and record in one call, so that a generated check
// is one call with the field's name instead of a branch, a rule and a message
// at every site. They are kept out of line on purpose: generated packages
// call them at thousands of sites, and inlining would copy their bodies into
// each (the compiler's back end time grows with the code it compiles, issue
// 15); a call costs a few instructions per checked field.

// Required records a "required" violation of the field name, which is
// missing.
//
//go:noinline
func (v *Validator) Required(name string) { v.Add(name, "required", MessageRequired) }

// CheckUTF8MB4 records a "utf8mb4" violation of the field name when s holds
// a character of four bytes in UTF-8 (see HasFourByteRune).
//
//go:noinline
func (v *Validator) CheckUTF8MB4(name, s string) {
	if HasFourByteRune(s) {
		v.Add(name, "utf8mb4", MessageUTF8MB4)
	}
}

// escapePointerToken escapes a JSON Pointer reference token (RFC 6901).
func escapePointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// CheckPathParam records a "path" violation for the path parameter name
// when value is empty, "." or "..", holds a control character (C0, DEL or
// C1) or is not valid UTF-8: values that would change or break the path even
// when escaped.
func (v *Validator) CheckPathParam(name, value string) {
	if msg := pathParamProblem(value); msg != "" {
		v.Add(name, "path", msg)
	}
}

func pathParamProblem(s string) string {
	switch s {
	case "":
		return "must not be empty"
	case ".", "..":
		return `must not be "." or ".."`
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return "must not contain control characters"
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "must be valid UTF-8"
		}
		if r >= 0x80 && r <= 0x9f {
			return "must not contain control characters"
		}
		i += size
	}
	return ""
}

// ParseInt reads a path parameter that the chain carries as a string (the
// operations under one parameter method gave it different schemas) where
// this operation declares an integer; a value that is not one is a "type"
// violation.
func (v *Validator) ParseInt(name, value string) (int64, bool) {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		v.Add(name, "type", "must be an integer")
		return 0, false
	}
	return n, true
}

// ParseNumber is ParseInt for a number.
func (v *Validator) ParseNumber(name, value string) (float64, bool) {
	n, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		v.Add(name, "type", "must be a number")
		return 0, false
	}
	return n, true
}

// ParseBool is ParseInt for a boolean ("true" or "false").
func (v *Validator) ParseBool(name, value string) (bool, bool) {
	switch value {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	v.Add(name, "type", "must be true or false")
	return false, false
}

// Err returns nil when nothing was added, else a *ValidationError holding
// every violation. Out of line, as the helpers above.
//
//go:noinline
func (v *Validator) Err() error {
	if len(v.violations) == 0 {
		return nil
	}
	return &ValidationError{Violations: v.violations}
}

// RuneCount returns the length of s in Unicode code points, the unit of
// minLength and maxLength.
func RuneCount(s string) int { return utf8.RuneCountInString(s) }

// HasFourByteRune reports whether s holds a character encoded in four bytes
// of UTF-8 (most emoji), which WeChat Pay refuses in requests.
func HasFourByteRune(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 4 {
				return true
			}
		}
	}
	return false
}

// OneOf reports whether x is one of values: what a generated enum's Valid
// asks of its list of values. One instantiation serves every enum of a
// package (they share the shape of string, or of int64), and it is kept out
// of line, so that no enum carries a copy of the loop (issue 15).
//
//go:noinline
func OneOf[E comparable](x E, values []E) bool {
	for _, v := range values {
		if x == v {
			return true
		}
	}
	return false
}

// CloneValues returns a copy of values, which the caller may change: what a
// generated enum's Values returns. Out of line, as OneOf.
//
//go:noinline
func CloneValues[E any](values []E) []E {
	return append(make([]E, 0, len(values)), values...)
}
