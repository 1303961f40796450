package load

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden loads every testdata/<case>/ folder. A case that fails to load
// must match error.txt; one that loads must match ok.txt (files, operations,
// components and the warnings of Lint).
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "fuzz" {
			continue
		}
		dir := filepath.Join("testdata", e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			s, err := Load(dir)
			var got, golden, stale string
			if err != nil {
				var l diag.List
				if !errors.As(err, &l) {
					t.Fatalf("error is %T, want diag.List: %v", err, err)
				}
				got, golden, stale = err.Error()+"\n", "error.txt", "ok.txt"
			} else {
				got, golden, stale = summary(s), "ok.txt", "error.txt"
			}
			checkGolden(t, filepath.Join(dir, golden), filepath.Join(dir, stale), got)
		})
	}
}

func checkGolden(t *testing.T, path, stale, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(stale)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (got:\n%s)", err, got)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// summary describes a loaded spec for ok.txt.
func summary(s *Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "files: %s\n", strings.Join(s.Files, " "))
	fmt.Fprintf(&b, "title: %s\n", s.Doc.Info.Title)
	for _, p := range slices.Sorted(maps.Keys(s.Doc.Paths.Map())) {
		ops := s.Doc.Paths.Value(p).Operations()
		for _, m := range slices.Sorted(maps.Keys(ops)) {
			op := ops[m]
			fmt.Fprintf(&b, "operation %s %s %s at %s\n", m, p, op.OperationID, s.Position(op.Origin, ""))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(s.Doc.Components.Schemas)) {
		r := s.Doc.Components.Schemas[n]
		fmt.Fprintf(&b, "schema %s at %s\n", n, s.Position(r.Value.Origin, ""))
	}
	for _, d := range s.Lint() {
		fmt.Fprintf(&b, "%s\n", d)
	}
	return b.String()
}

func TestLoadSingleFile(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "ok_two_files_merge", "b.yml"))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Join("testdata", "ok_two_files_merge"))
	if s.Dir != abs || !slices.Equal(s.Files, []string{"b.yml"}) {
		t.Errorf("Dir, Files = %s, %v; want %s, [b.yml]", s.Dir, s.Files, abs)
	}
	if s.Doc.Paths.Value("/v3/cards").Post != nil {
		t.Error("a single-file load merged another file")
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "no_such_folder"))
	if err == nil || !strings.Contains(err.Error(), "no_such_folder") {
		t.Errorf("err = %v, want one naming the folder", err)
	}
}

// TestOrigins pins the Origin facts later stages rely on (see the package
// documentation of origins in doc.go).
func TestOrigins(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "ok_single"))
	if err != nil {
		t.Fatal(err)
	}
	card := s.Doc.Components.Schemas["Card"]
	if got := s.Position(card.Value.Origin, "").String(); got != "api.yaml:26:5" {
		t.Errorf("Card at %s, want api.yaml:26:5 (its key under schemas)", got)
	}
	state := card.Value.Properties["state"]
	if got := s.Position(state.Value.Origin, "").String(); got != "api.yaml:33:9" {
		t.Errorf("Card.state at %s, want api.yaml:33:9", got)
	}
	if loc, ok := card.Value.Origin.Fields.Lookup("required"); !ok || loc.Line != 28 {
		t.Errorf("Card.required field at %+v, want line 28", loc)
	}
	if seq := state.Value.Origin.Sequences["enum"]; len(seq) != 2 || seq[1].Name != "FINISHED" || seq[1].Line != 35 {
		t.Errorf("enum item locations = %+v", seq)
	}
	op := s.Doc.Paths.Value("/v3/discount-card/cards/{out_card_code}").Get
	ref := op.Responses.Value("200").Value.Content["application/json"].Schema
	if ref.Ref != "#/components/schemas/Card" || ref.Value != card.Value {
		t.Errorf("a $ref'd schema does not share the component's *Schema")
	}
	// The $ref site: Fields["$ref"] is exact; the wrapper's Key is the
	// `schema:` key it is written under (kin-openapi gave the enclosing
	// media type's key).
	if loc, ok := ref.Origin.Fields.Lookup("$ref"); !ok || s.location(loc, "").String() != "api.yaml:23:17" {
		t.Errorf("$ref field at %+v, want api.yaml:23:17", loc)
	}
	if got := s.Position(ref.Origin, "").String(); got != "api.yaml:22:15" {
		t.Errorf("the $ref wrapper Key at %s, want api.yaml:22:15", got)
	}
	// A parameter (a sequence item) has its first key as Key; the inline
	// schema inside it has its own `schema:` key (kin-openapi gave it the
	// parameter's).
	if got := s.Position(op.Parameters[0].Value.Origin, "").String(); got != "api.yaml:12:11" {
		t.Errorf("parameter Key at %s, want api.yaml:12:11", got)
	}
	ps := op.Parameters[0].Value.Schema.Value
	if got := s.Position(ps.Origin, "").String(); got != "api.yaml:15:11" {
		t.Errorf("parameter schema Key at %s, want api.yaml:15:11", got)
	}
	if loc := ps.Origin.Fields.Get("type"); loc.Line != 16 {
		t.Errorf("parameter schema type field at line %d, want 16", loc.Line)
	}
}

// TestReaderRefuses checks the loader's reader directly: it is the guard
// behind the prepass, and must refuse anything but files under the folder.
func TestReaderRefuses(t *testing.T) {
	s, d := find(filepath.Join("testdata", "ok_single"))
	if s == nil {
		t.Fatal(d)
	}
	for _, raw := range []string{
		"http://127.0.0.1:1/x.yaml",
		"https://example.com/a.yaml",
		"file:///etc/passwd",
		"file://host/x.yaml",
		"../outside.yaml",
		"/etc/passwd",
		"",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.readFromURI(nil, u); !errors.Is(err, errRefOutside) {
			t.Errorf("readFromURI(%q) = %v, want errRefOutside", raw, err)
		}
	}
	abs := filepath.Join(s.Dir, "api.yaml")
	for _, raw := range []string{"api.yaml", abs, "file://" + filepath.ToSlash(abs)} {
		u, _ := url.Parse(raw)
		if _, err := s.readFromURI(nil, u); err != nil {
			t.Errorf("readFromURI(%q) = %v, want the file", raw, err)
		}
	}
}

// TestSymlinkOutside: a $ref to a symlink under the folder that points
// outside it is refused like any other outside ref.
func TestSymlinkOutside(t *testing.T) {
	root := t.TempDir()
	spec := filepath.Join(root, "spec")
	if err := os.Mkdir(spec, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "secret.yaml"), []byte("Thing:\n  type: string\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "secret.yaml"), filepath.Join(spec, "link.yml.txt")); err != nil {
		t.Skip("no symlinks:", err)
	}
	api := `openapi: 3.0.3
info: {title: a, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: 'link.yml.txt#/Thing'
`
	if err := os.WriteFile(filepath.Join(spec, "api.yaml"), []byte(api), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(spec)
	want := `api.yaml:12:23: error: $ref "link.yml.txt#/Thing" refused: it resolves (through a symlink) outside the spec folder`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want %s...", err, want)
	}
}

// TestDuplicateKeysJSON: a JSON spec file given on its own is checked for
// duplicate keys as YAML is (kin-openapi's JSON decoder keeps the last).
func TestDuplicateKeysJSON(t *testing.T) {
	dir := t.TempDir()
	spec := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
 "paths": {"/v3/x": {
  "get": {"operationId": "first", "responses": {"200": {"description": "ok"}}},
  "get": {"operationId": "second", "responses": {"200": {"description": "ok"}}}}}}
`
	file := filepath.Join(dir, "api.json")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(file)
	want := `api.json:4:3: error: key "get" is written twice in one mapping, first at line 3`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want %s...", err, want)
	}
}
