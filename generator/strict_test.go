package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// untypable is a spec with one schema the generator types as raw JSON,
// with a warning.
const untypable = `openapi: 3.0.3
info: {title: strict, version: "1"}
paths:
  /v3/things:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  sku_code: {type: string}
                  choice:
                    oneOf: [{type: string}, {type: integer}]
`

// TestStrict: a warning leaves the client generated; -strict makes it an
// error and nothing is returned.
func TestStrict(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(untypable), 0o644); err != nil {
		t.Fatal(err)
	}
	files, list, err := Generate(Options{Spec: dir})
	if err != nil || len(files) == 0 || len(list) != 1 || list[0].Severity != diag.Warning {
		t.Fatalf("lenient: files %d, list %v, err %v", len(files), list, err)
	}
	if !strings.Contains(string(files["types.gen.go"]), "Choice json.RawMessage") {
		t.Error("the untypable property is not raw JSON")
	}
	files, list, err = Generate(Options{Spec: dir, Strict: true})
	if err == nil || files != nil || !list.HasErrors() {
		t.Fatalf("strict: files %d, list %v, err %v", len(files), list, err)
	}
}

// TestInitialismsOption: the file reaches the model.
func TestInitialismsOption(t *testing.T) {
	dir := t.TempDir()
	inits := filepath.Join(dir, "initialisms.txt")
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(untypable), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inits, []byte("sku SKU\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _, err := Generate(Options{Spec: filepath.Join(dir, "spec.yaml"), Initialisms: inits})
	if err != nil || !strings.Contains(string(files["types.gen.go"]), "SKUCode") {
		t.Fatalf("initialisms not applied: %v", err)
	}
}
