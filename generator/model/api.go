// Package model turns a loaded spec into the Go API wxpaygen generates: every
// decision (names, Go types, enums, validation rules, the chain tree, name
// clashes) is made here, once, and every node remembers where in the spec it
// came from. The emitters (Go code and Markdown docs) only read the model.
//
// The decisions, in one place:
//
//   - Names: GoName splits words and maps each through the initialisms table
//     (initialisms.go, merged with Options.InitialismsFile, whose unused
//     entries are warnings); x-go-name wins verbatim. Inline objects, enums
//     and unions are named parent type + field (array items too:
//     Card.objectives[] is CardObjectives; deep nesting chains them:
//     OrderDetailGoodsListPromotion); inline request/response bodies
//     operation + "Request" / "Response"; a schema reached through a $ref
//     outside components/schemas (another file) after the ref's last token,
//     declared once. Two properties (or parameters) with one Go name: the
//     later keeps its underscores (Mch_ID), then a number, with a warning;
//     so do enum values, and values without Go letters are named by
//     position (GradeValue1). Any other two declarations with one Go name
//     are a located error naming both.
//   - Types: component objects with properties (or allOf), string and
//     integer enums and discriminated unions become named types; other
//     component schemas (scalars, arrays, maps, a lone allOf) are written
//     where used. integer is int64 unless format int32; number float64;
//     date-time apiv3.Time; byte and binary []byte (base64 in JSON); uri,
//     date and other formats string; additionalProperties a map
//     (map[string]json.RawMessage when true; beside properties it is dropped
//     with a warning); an object without properties, or a schema without
//     type, json.RawMessage (the bytes as sent). x-go-type (on a schema or
//     beside a $ref) names an existing type.
//   - allOf (compose.go, merge.go): the parts' properties merged into one
//     struct, required lists joined; one property defined by two parts is
//     merged as JSON Schema means it (objects: union; scalars: the stricter
//     limits), raw JSON with a warning when the types are incompatible. A
//     lone allOf (a $ref with notes such as nullable or description) is the
//     referenced type.
//   - oneOf/anyOf (unions.go, require.go): with a discriminator and $refs to
//     component objects, a union struct (one pointer per variant + Unknown
//     json.RawMessage; decoding never fails on an unknown discriminator value;
//     encoding fills an empty discriminator). Of required-only schemas, a
//     Validate rule ("one of a, b is required"). Anything else, and not,
//     json.RawMessage with a located warning (once per schema): one odd
//     schema never costs the whole client; -strict makes it an error.
//   - Presence: required fields are values; optional scalars, enums, times,
//     structs, unions and x-go-type fields are pointers with omitempty;
//     optional slices, maps, bytes and raw JSON are plain with omitempty.
//     Nullable and readOnly fields count as optional (null decodes to nil;
//     WeChat Pay refuses null, so nil is never sent). A required struct that
//     would contain itself is a pointer. default, readOnly, writeOnly and
//     nullable are documented on the field; a default is not applied (the
//     server applies it to an absent field, and a client-side default would
//     send a value the caller never chose).
//   - Validation: only structs reachable from a request body get Validate.
//     "required" is checked where Go can tell absence (nil slices, maps,
//     raw JSON, cycle-breaking pointers) and where the zero value can only
//     mean a forgotten member: a string left "" (unless the schema allows
//     ""), a zero time, an all-zero struct (isZero); numbers and booleans are
//     sent as they are. Lengths count code points;
//     every request string refuses 4-byte UTF-8; patterns are RE2 (an invalid
//     one is a located error), and one ASCII class repeated between anchors
//     (^[0-9A-Za-z_\-]{1,32}$) is matched by a loop, not regexp. readOnly fields are never checked; format uri
//     is not checked (a check would allocate). Responses are never validated.
//   - Enums: string enums are string types, integer enums (and number
//     enums of whole values) int64 types; constants are the type name + the
//     value's Go name (or its x-enum-varnames entry, which must name every
//     value). Enums of other types are json.RawMessage with a warning.
//   - Chain (chain.go): one node per path segment, several parameter
//     children per node allowed; a parameter given different schemas under
//     one method is carried as a string that each leaf parses and checks; a
//     static field named like one of its node's methods gets "_", two that
//     camel-case alike the underscored name for the later in the document;
//     a parameter method named like a field or method is prefixed "By"; a
//     trailing slash adds no hop.
//   - WeChat Pay's rules where a spec is silent: a multipart body signs its
//     meta part; a download (a non-JSON success) is unsigned and checked
//     against a digest; a Wechatpay-Serial header is the runtime's; an
//     object's x-is-sensitive list marks sensitive properties.
//   - Degrade (degrade.go): an error costs the operations it concerns,
//     which are left out with a warning; Build runs again without them.
//   - Notifications: callbacks with x-wechatpay-event-type and
//     x-wechatpay-resource; a known event whose handler is nil goes to
//     OnUnknown, and without OnUnknown Dispatch returns an error (so WeChat Pay
//     retries it).
package model

import "github.com/wxpaygen/wxpaygen/generator/diag"

// Options tunes Build. The zero value is the default; fields added later
// keep their zero value meaningful.
type Options struct {
	// InitialismsFile, when set, names a text file of "word Spelling" lines
	// (or "word: Spelling"; "#" starts a comment) merged over the built-in
	// initialisms table. An entry no name of the spec uses is a warning.
	InitialismsFile string
	// Strict refuses the spec on any error instead of leaving out the
	// operations an error costs.
	Strict bool
}

// API is the whole generated package.
type API struct {
	// Sources are the spec files, relative to the spec folder, sorted.
	Sources []string
	// Title and Description come from the spec's info object.
	Title       string
	Description string
	// Types are the named Go types (structs and enums), sorted by Go name.
	Types []*Type
	// Operations are sorted by path, then method.
	Operations []*Operation
	// Root is the chain's root: the generated Client.
	Root *Node
	// Notifications are the typed callbacks, sorted by Go name.
	Notifications []*Notification
	// Patterns are the regular expressions validation uses, sorted by Go name.
	Patterns []*Pattern
	// LeftOut are the operations ("METHOD /path") that errors cost, which
	// are not generated (each with a warning saying why).
	LeftOut []string
}

// Kind says what sort of Go type a Type is.
type Kind int

// The kinds of Go types the generator writes.
const (
	KindString   Kind = iota + 1 // string
	KindInt32                    // int32 (format: int32)
	KindInt64                    // int64 (format: int64 and plain integers: money)
	KindFloat64                  // float64
	KindBool                     // bool
	KindTime                     // apiv3.Time (format: date-time)
	KindStruct                   // a named struct
	KindEnum                     // a named string type with constants
	KindArray                    // []Elem
	KindMap                      // map[string]Elem (additionalProperties)
	KindRaw                      // json.RawMessage (free-form or untyped)
	KindExternal                 // x-go-type: an existing Go type
	KindBytes                    // []byte (format: byte or binary; base64 in JSON)
	KindUnion                    // a named struct with one pointer per variant (oneOf/anyOf + discriminator)
)

var kindNames = [...]string{"", "string", "int32", "int64", "float64", "bool", "time", "struct", "enum", "array", "map", "raw", "external", "bytes", "union"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "invalid"
	}
	return kindNames[k]
}

// Named reports whether the kind is a type declared in the generated package.
func (k Kind) Named() bool { return k == KindStruct || k == KindEnum || k == KindUnion }

// Type is a Go type. Named types (structs, enums) are shared: every use
// points at the one Type in API.Types. Unnamed types (scalars, arrays, maps)
// are made per use and carry that use's limits and checks.
type Type struct {
	Kind Kind
	// Name is the Go name of a named type.
	Name string
	// SchemaName is the component schema's name; empty for inline types.
	SchemaName string
	// Elem is the element type of an array or a map.
	Elem *Type
	// Fields are a struct's fields, in spec order.
	Fields []*Field
	// Values are an enum's values, in spec order.
	Values []*EnumValue
	// EnumBase is an enum's underlying kind: KindInt64 for integer enums,
	// else (also when zero) KindString.
	EnumBase Kind
	// Variants are a union's variants, in spec order; Discriminator is the
	// JSON name of the property that tells them apart.
	Variants      []*Variant
	Discriminator string
	// RequireOneOf are a struct's "one of these is required" rules (anyOf or
	// oneOf of required lists), each checked by Validate.
	RequireOneOf []*RequireGroup
	// External is the Go type named by x-go-type.
	External *GoRef
	// Format is the schema's format (e.g. "date-time", "int64"), for docs.
	Format string
	// Doc is the schema's description (or title).
	Doc        string
	Deprecated bool
	Example    any
	// Limits are the schema's constraints, for docs; Checks are what
	// Validate enforces for a value of this type.
	Limits Limits
	Checks []Check
	// Sensitive: the struct has x-wechatpay-sensitive fields, directly or
	// in nested structs and arrays; it gets encryptSensitive and
	// decryptSensitive methods (sensitive.go).
	Sensitive bool
	// Validate is set on structs reachable from a request body: they get
	// Validate/validate methods.
	Validate bool
	// ZeroCheck: the struct gets an isZero method, which Validate uses to
	// tell a required struct left out (set by markZeroChecks).
	ZeroCheck bool
	Pos       diag.Position
}

// GoRef is a Go identifier in some package, ready for jen.Qual.
type GoRef struct {
	ImportPath string // "" for a builtin or same-package type
	Name       string
}

// Field is one property of a struct.
type Field struct {
	JSONName string
	GoName   string
	Type     *Type
	Required bool
	// Pointer: the field is *T (optional scalars, structs, enums and times,
	// and required structs that would otherwise contain themselves).
	Pointer bool
	// OmitEmpty: the JSON tag has ",omitempty" (every optional field).
	OmitEmpty bool
	// Sensitive: x-wechatpay-sensitive on a string property: encrypted
	// with the platform key on send, decrypted with the merchant key on
	// receive.
	Sensitive bool
	// RequiredCheck: Validate reports "required" when the field is nil
	// (required slices, maps, raw values and pointers).
	RequiredCheck bool
	// RefuseZero: Validate reports "required" when the required value is
	// its zero value, which is how a forgotten member looks in Go: an empty
	// string (unless the schema allows ""), a zero time, a struct whose
	// every field is zero (its ZeroCheck method isZero says so). Numbers and
	// booleans cannot tell a forgotten member from 0 or false, both common
	// values; they are sent as they are.
	RefuseZero bool
	Doc        string
	Deprecated bool
	Example    any
	Pos        diag.Position
	// Nullable: the spec allows null (decoded as nil; never sent).
	Nullable bool
	// ReadOnly: set by the server only; never required nor validated in
	// requests. WriteOnly: sent, never returned.
	ReadOnly, WriteOnly bool
	// Default is the spec's default, documented, not applied: the server
	// applies it to an absent field.
	Default any
	// goNamed: the Go name was given with x-go-name, verbatim.
	goNamed bool
}

// Variant is one variant of a union: a field holding a pointer to Type,
// set when the discriminator has one of Values.
type Variant struct {
	GoName string
	Type   *Type
	// Values are the discriminator values that select this variant.
	Values []string
	// Tag is the variant's discriminator field, which MarshalJSON fills with
	// Values[0] when it is empty; nil when the variant has no such string field.
	Tag *Field
}

// RequireGroup is "one of these alternatives is required": each alternative
// is a set of fields that must all be present.
type RequireGroup struct {
	Alternatives [][]*Field
	Message      string
	Pos          diag.Position
}

// Limits are a schema's constraints as written in the spec. Nil pointers
// mean "not set".
type Limits struct {
	MinLength, MaxLength *int64
	Pattern              string
	Minimum, Maximum     *Bound
	MinItems, MaxItems   *int64
}

// Bound is a numeric limit.
type Bound struct {
	Value     float64
	Exclusive bool
}

// EnumValue is one value of an enum with its constant.
type EnumValue struct {
	Value string
	// GoName is the constant's full name, prefixed with the type's name.
	GoName string
	// Meaning is taken from a "- `VALUE`: meaning" line of the description.
	Meaning string
	Pos     diag.Position
}

// Pattern is a package-level pattern variable: a compiled regular
// expression, or an apiv3.ClassPattern when Class is set.
type Pattern struct {
	GoName string // unexported var name
	Expr   string
	// Class is the expression as one ASCII class repeated between anchors,
	// matched without regexp; nil for every other expression.
	Class *ClassRepeat
	Pos   diag.Position
	// owner is what the pattern's first use was building: a clash of its
	// name costs that.
	owner culprit
}
