package roundtrip

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/specvalue"
)

const mutateSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Body:
      type: object
      required: [code, records, amount]
      properties:
        code: {type: string, minLength: 2, maxLength: 8, pattern: '^[A-Z0-9]+$'}
        state: {type: string, enum: [ON, OFF]}
        amount: {type: integer, minimum: 1, maximum: 100}
        server_id: {type: string, readOnly: true, maxLength: 4}
        records:
          type: array
          minItems: 1
          maxItems: 2
          items:
            allOf:
              - type: object
                required: [serial_no]
                properties:
                  serial_no: {type: string, maxLength: 4}
`

// Each constraint is broken once at each place, and every broken body is
// one the schema refuses.
func TestMutations(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(mutateSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["Body"]
	body, err := specvalue.Value(s, nil, specvalue.Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mutations(s, body) {
		got = append(got, m.kind+" "+m.ptr+" "+m.member)
		var v any
		if err := json.Unmarshal(m.body, &v); err != nil {
			t.Fatal(err)
		}
		if specvalue.Check(s, v, specvalue.Request) == nil {
			t.Errorf("%s %s (%s) is still valid: %s", m.kind, m.ptr, m.what, m.body)
		}
	}
	want := []string{
		"required /amount integer", "range /amount ", "range /amount ",
		"required /code string", "length /code ", "length /code ", "pattern /code ",
		"required /records array", "items /records ", "items /records ",
		"required /records/0/serial_no string", "length /records/0/serial_no ",
		"enum /state ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("mutations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
