package synth_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wxpaygen/wxpaygen/generator"
	"github.com/wxpaygen/wxpaygen/generator/internal/synth"
)

// TestRenames pins what a copy renames and what it shares, on a small
// source of two documents.
func TestRenames(t *testing.T) {
	src := fstest.MapFS{
		"discount-card.yaml": {Data: []byte(`openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v3/discount-card/cards/{code}:
    post:
      operationId: getCard
      parameters:
        - $ref: '#/components/parameters/Code'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Card'}
        4XX: {$ref: '#/components/responses/Error'}
      callbacks:
        userPaid:
          '{$request.body#/notify_url}':
            post:
              operationId: onUserPaid
              x-wechatpay-event-type: DISCOUNT_CARD.USER_PAID
              x-wechatpay-resource: '#/components/schemas/Card'
              responses:
                '204': {description: ok}
components:
  parameters:
    Code: {name: code, in: path, required: true, schema: {type: string}}
  responses:
    Error:
      description: error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ErrorResponse'}
  schemas:
    Card: {type: object, properties: {id: {type: string}}}
    ErrorResponse: {type: object, properties: {code: {type: string}}}
`)},
		"other.yaml": {Data: []byte(`openapi: 3.0.3
info: {title: o, version: '1'}
paths:
  /v3/other:
    get:
      operationId: getOther
      responses:
        '204': {description: ok}
        4XX: {$ref: '#/components/responses/Error'}
components:
  responses:
    Error:
      description: error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ErrorResponse'}
  schemas:
    ErrorResponse: {type: object, properties: {code: {type: string}}}
`)},
	}
	files, st, err := synth.Files(synth.Options{Copies: 2, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(st.Files, " "), "discount-card-c0001.yaml discount-card-c0002.yaml other.yaml"; got != want {
		t.Errorf("files %q, want %q", got, want)
	}
	if st.Operations != 3 || st.Callbacks != 2 {
		t.Errorf("operations %d, callbacks %d; want 3, 2", st.Operations, st.Callbacks)
	}
	c2 := string(files["discount-card-c0002.yaml"])
	for _, want := range []string{
		"/v3/discount-card-c0002/cards/{code}:",
		"operationId: getCardC0002",
		"operationId: onUserPaidC0002",
		"userPaidC0002:",
		"x-wechatpay-event-type: DISCOUNT_CARD_C0002.USER_PAID",
		"x-wechatpay-resource: '#/components/schemas/CardC0002'",
		"$ref: '#/components/schemas/CardC0002'",
		"$ref: '#/components/parameters/CodeC0002'",
		"CodeC0002:",
		"CardC0002:",
		// shared with other.yaml: kept
		"$ref: '#/components/responses/Error'",
		"ErrorResponse:",
	} {
		if !strings.Contains(c2, want) {
			t.Errorf("copy 2 lacks %q:\n%s", want, c2)
		}
	}
	if strings.Contains(c2, "C0001") {
		t.Errorf("copy 2 names copy 1:\n%s", c2)
	}
	if string(files["other.yaml"]) == "" {
		t.Error("other.yaml missing")
	}
	// One merged file: shared components once, and it generates.
	single := filepath.Join(t.TempDir(), "single.yaml")
	st, err = synth.WriteSingle(single, synth.Options{Copies: 2, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if st.Operations != 3 || st.Callbacks != 2 {
		t.Errorf("single: operations %d, callbacks %d; want 3, 2", st.Operations, st.Callbacks)
	}
	b, err := os.ReadFile(single)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "    ErrorResponse:"); n != 1 {
		t.Errorf("single: ErrorResponse declared %d times:\n%s", n, b)
	}
	if _, list, err := generator.Generate(generator.Options{Spec: single, Package: "synth"}); err != nil {
		t.Fatalf("single: %v\n%v", err, list)
	}
}

var build = flag.Bool("synth.build", false, "TestGenerates also compiles the output (a few seconds; make bench-generator sets it)")

// TestGenerates runs the generator on two copies of the bundled spec: the
// copies must not collide. With -synth.build the output is compiled too
// (generator's BenchmarkBuildGenerated compiles the 100-copy output).
func TestGenerates(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Options{Copies: 2}); err != nil {
		t.Fatal(err)
	}
	files, list, err := generator.Generate(generator.Options{Spec: dir, Package: "synth"})
	if err != nil {
		t.Fatalf("%v\n%v", err, list)
	}
	if !*build {
		return
	}
	// Inside testdata, so that ./... patterns of concurrent go commands skip it.
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.MkdirTemp("testdata", "build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(root)
		os.Remove("testdata") // only when empty
	})
	for _, name := range files.Names() {
		if strings.HasSuffix(name, ".go") && !strings.Contains(name, "/") {
			if err := os.WriteFile(filepath.Join(root, name), files[name], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "./"+filepath.ToSlash(root))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
}

func TestShareKeepsEveryNthPathAndWhatItReaches(t *testing.T) {
	doc := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
  /b:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/B"}
components:
  schemas:
    A:
      type: object
      properties:
        c: {$ref: "#/components/schemas/C"}
    B: {type: string}
    C: {type: string}
`)
	out, err := synth.Share(doc, 2)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{"/a:", "A:", "C:"} {
		if !strings.Contains(s, want) {
			t.Errorf("share lost %q:\n%s", want, s)
		}
	}
	for _, gone := range []string{"/b:", "B:"} {
		if strings.Contains(s, gone) {
			t.Errorf("share kept %q:\n%s", gone, s)
		}
	}
}
