package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEveryDiagnosticLocated runs the generator on one broken spec per kind
// of diagnostic (testdata/located/<kind>/spec, with initialisms.txt beside
// it as -initialisms when present): load errors of the prepass, of kin-
// openapi's loader and validation, merge conflicts across files, the model's
// errors and warnings, and the initialisms file's. Every diagnostic must name
// a file and a line; want.txt pins them (go test -update rewrites it).
func TestEveryDiagnosticLocated(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "located", "*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := Options{Spec: filepath.Join(dir, "spec"), Package: "located"}
			if f := filepath.Join(dir, "initialisms.txt"); fileExists(f) {
				opts.Initialisms = f
			}
			_, list, _ := Generate(opts)
			if len(list) == 0 {
				t.Fatal("no diagnostic: the case no longer shows its kind")
			}
			var b strings.Builder
			for _, d := range list {
				if d.Pos.File == "" || d.Pos.Line <= 0 {
					t.Errorf("not located (file %q, line %d): %s", d.Pos.File, d.Pos.Line, d)
				}
				b.WriteString(d.String() + "\n")
			}
			got := strings.ReplaceAll(b.String(), filepath.ToSlash(dir)+"/", "")
			want := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(w), got); d != "" {
				t.Errorf("diagnostics differ (-want +got):\n%s", d)
			}
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
