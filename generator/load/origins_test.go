package load

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// TestOriginsAcrossFiles: a value reached through a $ref into another file is
// located in that file; the $ref wrapper where it is written.
func TestOriginsAcrossFiles(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "ok_external_ref"))
	if err != nil {
		t.Fatal(err)
	}
	op := s.Doc.Paths.Value("/v3/x").Get
	ref := op.Responses.Value("200").Value.Content["application/json"].Schema
	if got := s.Position(ref.Origin, "").String(); got != "api.yaml:13:15" {
		t.Errorf("the $ref wrapper at %s, want api.yaml:13:15", got)
	}
	if got := s.Position(ref.Value.Origin, "").String(); got != "schemas/common.yaml:1:1" {
		t.Errorf("the referenced schema at %s, want schemas/common.yaml:1:1", got)
	}
	total := ref.Value.Properties["total"]
	if got := s.Position(total.Value.Origin, "").String(); got != "schemas/common.yaml:4:5" {
		t.Errorf("its property at %s, want schemas/common.yaml:4:5", got)
	}
}

// TestOriginsEndLine: an element's Key spans its whole block, which is what
// tells an error inside an operation from one reached through a $ref.
func TestOriginsEndLine(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "ok_single"))
	if err != nil {
		t.Fatal(err)
	}
	op := s.Doc.Paths.Value("/v3/discount-card/cards/{out_card_code}").Get
	if op.Origin.Key.Line != 9 || op.Origin.Key.EndLine != 23 {
		t.Errorf("operation spans lines %d-%d, want 9-23", op.Origin.Key.Line, op.Origin.Key.EndLine)
	}
}

// TestEveryElementLocated walks the bundled spec: every element the model
// and the diagnostics read an Origin from has one, with a file and a line.
func TestEveryElementLocated(t *testing.T) {
	s, err := Load(filepath.Join("..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(what string, o *openapi3.Origin) {
		t.Helper()
		n++
		if o == nil || o.Key == nil || o.Key.File == "" || o.Key.Line == 0 {
			t.Errorf("%s has no origin: %+v", what, o)
		}
	}
	var schema func(string, *openapi3.SchemaRef, map[*openapi3.Schema]bool)
	schema = func(at string, r *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
		if r == nil {
			return
		}
		check(at+" ($ref wrapper)", r.Origin)
		if r.Value == nil || seen[r.Value] {
			return
		}
		seen[r.Value] = true
		check(at, r.Value.Origin)
		for name, p := range r.Value.Properties {
			schema(at+"."+name, p, seen)
		}
		schema(at+"[]", r.Value.Items, seen)
		for i, p := range append(append(append(openapi3.SchemaRefs{}, r.Value.AllOf...), r.Value.AnyOf...), r.Value.OneOf...) {
			schema(fmt.Sprintf("%s/part%d", at, i), p, seen)
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var operations func(string, *openapi3.PathItem)
	operations = func(path string, item *openapi3.PathItem) {
		check(path, item.Origin)
		for method, op := range item.Operations() {
			at := method + " " + path
			check(at, op.Origin)
			for _, p := range op.Parameters {
				check(at+" parameter "+p.Value.Name, p.Value.Origin)
				schema(at+" parameter "+p.Value.Name, p.Value.Schema, seen)
			}
			if op.RequestBody != nil {
				check(at+" body", op.RequestBody.Value.Origin)
				for mime, mt := range op.RequestBody.Value.Content {
					check(at+" body "+mime, mt.Origin)
					schema(at+" body "+mime, mt.Schema, seen)
				}
			}
			check(at+" responses", op.Responses.Origin)
			for code, r := range op.Responses.Map() {
				check(at+" "+code, r.Value.Origin)
				for mime, mt := range r.Value.Content {
					schema(at+" "+code+" "+mime, mt.Schema, seen)
				}
			}
			for name, cb := range op.Callbacks {
				check(at+" callback "+name, cb.Value.Origin)
				for expr, it := range cb.Value.Map() {
					operations(expr, it)
				}
			}
		}
	}
	for path, item := range s.Doc.Paths.Map() {
		operations(path, item)
	}
	for name, r := range s.Doc.Components.Schemas {
		schema("components/schemas/"+name, r, seen)
	}
	if n < 500 {
		t.Errorf("checked only %d elements; is the walk reaching the spec?", n)
	}
}

// TestKeyIndexAgreesWithEntry: the index of a large mapping answers what a
// scan does, the first of two equal keys included.
func TestKeyIndexAgreesWithEntry(t *testing.T) {
	var src strings.Builder
	for i := range 100 {
		fmt.Fprintf(&src, "k%d: %d\n", i, i)
	}
	src.WriteString("k7: dup\n") // a duplicate: yaml.Node keeps both
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src.String()), &doc); err != nil {
		t.Skipf("the YAML parser refuses duplicate keys here: %v", err)
	}
	m := doc.Content[0]
	ix := keyIndex{}
	for _, key := range []string{"k0", "k7", "k99", "k100", ""} {
		wk, wv := entry(m, key)
		gk, gv := ix.entry(m, key)
		if wk != gk || wv != gv {
			t.Errorf("entry %q: index gives %v/%v, scan %v/%v", key, gk, gv, wk, wv)
		}
	}
}
