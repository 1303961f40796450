package load

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDecodeMatchesLoader holds decode (the prepass's tree through kin-
// openapi's UnmarshalYAML methods) to what kin-openapi's own Loader makes of
// the same file, on every OpenAPI document in the repository: the bundled
// spec and every test spec. The documents are compared as JSON, which holds
// everything but origins.
func TestDecodeMatchesLoader(t *testing.T) {
	var files []string
	for _, root := range []string{filepath.Join("..", "..", "spec"), ".."} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil && bytes.HasPrefix(data, []byte("openapi:")) {
				files = append(files, p)
			}
			return nil
		})
	}
	decoded := 0
	for _, p := range files {
		s, diags := find(filepath.Dir(p))
		if s == nil {
			t.Fatalf("%s: %v", p, diags)
		}
		got, ok, want, wantErr := decodeAndLoad(s, filepath.Join(s.Dir, filepath.Base(p)))
		switch {
		case !ok:
			continue // decode leaves it to the Loader, which is always right
		case wantErr != nil:
			t.Errorf("%s: decoded, but kin-openapi's Loader refuses it: %v", p, wantErr)
			continue
		}
		decoded++
		g, err1 := json.Marshal(got)
		w, err2 := json.Marshal(want)
		if err1 != nil || err2 != nil {
			t.Errorf("%s: marshal: %v %v", p, err1, err2)
			continue
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s: decode differs from kin-openapi's Loader:\n got %s\nwant %s", p, g, w)
		}
	}
	t.Logf("%d of %d documents decoded from the prepass tree", decoded, len(files))
	if decoded < 30 {
		t.Errorf("only %d of %d documents went through decode; the fast path is not being taken", decoded, len(files))
	}
}

// TestDecodeLeavesOddDocumentsToTheLoader: documents decode cannot take the
// same way kin-openapi does are loaded by the Loader, with its message.
func TestDecodeLeavesOddDocumentsToTheLoader(t *testing.T) {
	for name, doc := range map[string]string{
		"infinity":   "openapi: 3.0.3\ninfo: {title: a, version: '1', x-n: .inf}\npaths: {}\n",
		"null key":   "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {~: {}}\n",
		"alias loop": "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {}\ncomponents: {schemas: {A: &a {properties: {p: *a}}}}\n",
		"NEL (JSON)": "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"a\u0085b\", \"version\": \"1\"}, \"paths\": {}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			s, _ := find(dir)
			abs := filepath.Join(s.Dir, "api.yaml")
			pre := newPrepass(s)
			pre.walk(abs)
			if _, ok := s.decode(abs, pre.files[abs]); ok {
				t.Errorf("decode took a document kin-openapi reads differently")
			}
		})
	}
}

// TestDecodeConcurrentWithStamping: a spec file whose tree preparation
// replaces nodes (a key written as an alias) while another spec file's
// origins are stamped through a $ref into it. Under -race this fails if the
// preparation ran beside the stamping instead of before it.
func TestDecodeConcurrentWithStamping(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.yaml": `openapi: 3.0.3
info: {title: a, version: "1"}
paths:
  /v3/a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: 'b.yaml#/components/schemas/Thing'}
`,
		"b.yaml": `openapi: 3.0.3
info: {title: b, version: "1"}
x-names: [&n name]
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        *n : {type: string}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	thing := s.Doc.Paths.Value("/v3/a").Get.Responses.Value("200").Value.Content["application/json"].Schema.Value
	p := thing.Properties["name"]
	if p == nil {
		t.Fatalf("property written with an alias key is missing: %v", thing.Properties)
	}
	if got := s.Position(p.Value.Origin, "").String(); got != "b.yaml:10:9" {
		t.Errorf("the property at %s, want b.yaml:10:9", got)
	}
}

// decodeAndLoad reads the spec file abs both ways: through the prepass and
// decode (ok reports whether decode took it), and with kin-openapi's Loader.
func decodeAndLoad(s *Spec, abs string) (got *openapi3.T, ok bool, want *openapi3.T, wantErr error) {
	pre := newPrepass(s)
	pre.walk(abs)
	got, ok = s.decode(abs, pre.files[abs])
	want, wantErr = newLoader(s).LoadFromFile(abs)
	return got, ok, want, wantErr
}
