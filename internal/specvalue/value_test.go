package specvalue_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/specvalue"
)

// schemas holds one component schema per behaviour.
const schemas = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    KeepsValidExample:
      type: object
      required: [a]
      properties:
        a: {type: string, maxLength: 4}
        b: {type: integer, minimum: 10}
      example: {a: abcd, b: 12, undeclared: x}
    FixesInvalidExample:
      type: object
      required: [code, date, n]
      properties:
        code: {type: string, pattern: '^[A-Z]{2}[0-9]{6}$'}
        date: {type: string, format: date-time}
        n: {type: integer, minimum: 1, maximum: 5}
      example: {code: lower, date: "2015-05-20 13:29:35", n: 9}
    FillsEverything:
      type: object
      properties:
        state: {type: string, enum: [ONGOING, DONE]}
        list: {type: array, items: {type: string, minLength: 3}}
        mapped: {type: object, additionalProperties: {type: integer}}
        nested: {$ref: '#/components/schemas/Nested'}
    Nested:
      type: object
      required: [id]
      properties:
        id: {type: string, minLength: 32, maxLength: 32}
    ReadAndWriteOnly:
      type: object
      required: [server, client]
      properties:
        server: {type: string, readOnly: true}
        client: {type: string, writeOnly: true}
    AllOf:
      allOf:
        - {$ref: '#/components/schemas/Nested'}
        - type: object
          required: [extra]
          properties:
            extra: {type: boolean}
    Discriminated:
      oneOf:
        - {$ref: '#/components/schemas/Cat'}
        - {$ref: '#/components/schemas/Dog'}
      discriminator:
        propertyName: kind
        mapping: {dog: '#/components/schemas/Dog'}
    Cat:
      type: object
      required: [kind, claws]
      properties:
        kind: {type: string}
        claws: {type: integer, minimum: 1}
    Dog:
      type: object
      required: [kind, bark]
      properties:
        kind: {type: string, enum: [dog]}
        bark: {type: string}
    OneOfRequired:
      type: object
      properties:
        transaction_id: {type: string}
        out_trade_no: {type: string}
      oneOf:
        - required: [transaction_id]
        - required: [out_trade_no]
    Items:
      type: array
      minItems: 3
      uniqueItems: true
      items: {type: string, pattern: '^[0-9]{4}$'}
    NoFourByte:
      type: string
      maxLength: 8
      example: "emoji 😀"
    Base64:
      type: object
      properties:
        file: {type: string, format: binary}
      example: {file: (the image bytes)}
    Bounds:
      type: number
      minimum: 0
      exclusiveMinimum: true
      maximum: 0.5
    Recursive:
      type: object
      required: [name]
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Recursive'}}
`

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(schemas))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// build returns the value of a component schema, checked by Value itself.
func build(t *testing.T, doc *openapi3.T, name string, opts specvalue.Options) map[string]any {
	t.Helper()
	s := doc.Components.Schemas[name]
	v, err := specvalue.Value(s, nil, opts)
	if err != nil {
		t.Fatalf("%s: %v (value %s)", name, err, js(v))
	}
	m, _ := v.(map[string]any)
	return m
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestValue(t *testing.T) {
	doc := load(t)
	all := specvalue.Options{All: true}
	tests := []struct {
		name string
		opts specvalue.Options
		want string // the value's JSON
	}{
		// The example's declared members, valid: kept; undeclared: dropped.
		{"KeepsValidExample", specvalue.Options{}, `{"a":"abcd","b":12}`},
		// Each invalid member rebuilt from its schema.
		{"FixesInvalidExample", specvalue.Options{}, `{"code":"AA000000","date":"2015-05-20T13:29:35+08:00","n":1}`},
		// With All: every member, one item, one map entry; the first enum value.
		{"FillsEverything", all, `{"list":["wxpaygen"],"mapped":{"key":1},"nested":{"id":"wxpaygenwxpaygenwxpaygenwxpaygen"},"state":"ONGOING"}`},
		{"FillsEverything", specvalue.Options{}, `{}`},
		// readOnly members are not sent, writeOnly ones not answered.
		{"ReadAndWriteOnly", specvalue.Options{}, `{"client":"wxpaygen"}`},
		{"ReadAndWriteOnly", specvalue.Options{Direction: specvalue.Response}, `{"server":"wxpaygen"}`},
		{"AllOf", specvalue.Options{}, `{"extra":true,"id":"wxpaygenwxpaygenwxpaygenwxpaygen"}`},
		// The discriminator takes the branch's mapping key, else its name
		// ("Cat", which kin-openapi refuses beside a mapping: the next branch).
		{"Discriminated", specvalue.Options{}, `{"bark":"wxpaygen","kind":"dog"}`},
		// oneOf of required groups: the members only the other branch requires are left out.
		{"OneOfRequired", all, `{"transaction_id":"wxpaygen"}`},
		{"Base64", all, `{"file":"d3hwYXlnZW4="}`},
		// A schema is not entered again through an optional member.
		{"Recursive", all, `{"name":"wxpaygen"}`},
	}
	for _, tt := range tests {
		if got := js(build(t, doc, tt.name, tt.opts)); got != tt.want {
			t.Errorf("%s %+v:\n got %s\nwant %s", tt.name, tt.opts, got, tt.want)
		}
	}
}

func TestValueScalars(t *testing.T) {
	doc := load(t)
	s := doc.Components.Schemas
	v, err := specvalue.Value(s["Items"], []any{"1234"}, specvalue.Options{})
	if err != nil || js(v) != `["1234","1000","2000"]` {
		t.Errorf("items: %s %v", js(v), err)
	}
	v, err = specvalue.Value(s["NoFourByte"], nil, specvalue.Options{})
	if err != nil || strings.ContainsRune(v.(string), '😀') {
		t.Errorf("4-byte example kept in a request: %q %v", v, err)
	}
	if v, err := specvalue.Value(s["NoFourByte"], nil, specvalue.Options{Direction: specvalue.Response}); err != nil || v != "emoji 😀" {
		t.Errorf("response: %q %v", v, err)
	}
	if v, err := specvalue.Value(s["Bounds"], nil, specvalue.Options{}); err != nil || v != 0.01 {
		t.Errorf("exclusive minimum: %v %v", v, err)
	}
	// A value Value reports refused is the closest attempt, with the error.
	bad := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MinLength: 5, MaxLength: openapi3.Ptr(uint64(2))}}
	if _, err := specvalue.Value(bad, nil, specvalue.Options{}); err == nil {
		t.Error("an impossible schema gave no error")
	}
}

func TestMatchingString(t *testing.T) {
	tests := []struct {
		expr   string
		lo, hi int
	}{
		{`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, 0, -1},
		{`^[a-zA-Z0-9_\-]{1,32}$`, 32, 32},
		{`^\d{10,32}$`, 0, 12},
		{`^(ALL|SUCCESS|REFUND)$`, 6, 7},
		{`[\u4E00-\u9FA5]+`, 2, 2},
		{`^1[3-9]\d{9}$`, 0, -1},
		{`\.([Jj][Pp][Ee]?[Gg]|[Bb][Mm][Pp]|[Pp][Nn][Gg])$`, 1, 128},
		{`^[a-f0-9]{64}$`, 64, 64},
		{`^(?:[A-Z]{2})?\w+@\w+\.com$`, 0, 20},
	}
	for _, tt := range tests {
		s, ok := specvalue.MatchingString(tt.expr, tt.lo, tt.hi, 0)
		n := utf8.RuneCountInString(s)
		if !ok || !regexp.MustCompile(specvalue.GoRegexp(tt.expr)).MatchString(s) || n < tt.lo || tt.hi >= 0 && n > tt.hi {
			t.Errorf("MatchingString(%q, %d, %d) = %q, %v", tt.expr, tt.lo, tt.hi, s, ok)
		}
	}
	if s, ok := specvalue.MatchingString(`^[0-9]{4}$`, 5, 6, 0); ok {
		t.Errorf("impossible length: %q", s)
	}
	a, _ := specvalue.MatchingString(`^[a-z]{3}$`, 0, -1, 0)
	b, _ := specvalue.MatchingString(`^[a-z]{3}$`, 0, -1, 1)
	if a == b {
		t.Errorf("variants %q and %q", a, b)
	}
}
