package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRefuseZero: a required string is refused empty unless its schema
// says "" is a value; a required time is refused zero; numbers, booleans,
// optional and read-only members never are.
func TestRefuseZero(t *testing.T) {
	spec := `openapi: 3.0.3
info: {title: presence, version: '1'}
paths:
  /v3/things:
    post:
      operationId: postThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [plain, min_zero, pattern_empty, default_empty, time, count, flag, server_id, kind]
              properties:
                plain: {type: string}
                min_zero: {type: string, minLength: 0}
                pattern_empty: {type: string, pattern: '^[0-9]*$'}
                default_empty: {type: string, default: ''}
                time: {type: string, format: date-time}
                count: {type: integer}
                flag: {type: boolean}
                server_id: {type: string, readOnly: true}
                kind: {type: string, enum: [A, B]}
                optional: {type: string}
      responses:
        '204': {description: ok}
`
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	api, diags := Build(loadSpec(t, file), Options{})
	if api == nil {
		t.Fatal(diags)
	}
	got := map[string]bool{}
	for _, f := range api.Operations[0].Body.Fields {
		got[f.JSONName] = f.RefuseZero
	}
	want := map[string]bool{"plain": true, "min_zero": false, "pattern_empty": false, "default_empty": false, "time": true,
		"count": false, "flag": false, "server_id": false, "kind": false, "optional": false}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RefuseZero (-want +got):\n%s", d)
	}
}
