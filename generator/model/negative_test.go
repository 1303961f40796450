package model

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/generator/load"
)

var update = flag.Bool("update", false, "rewrite testdata/negative/<case>/want.txt")

// TestNegative builds each broken spec of testdata/negative strictly (a
// lenient build would leave the broken operations out, see
// generator/testdata/ok_degrade_left_out) and compares the diagnostics, one
// a line, with want.txt.
func TestNegative(t *testing.T) {
	dirs, err := filepath.Glob("testdata/negative/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			file := filepath.Join(dir, "spec.yaml")
			var spec *load.Spec
			if filepath.Base(dir) == "bad_pattern" {
				// load.Load refuses this pattern first; the model's own
				// check is what the case pins.
				spec = loadSpecWithoutPatternCheck(t, file)
			} else {
				spec = loadSpec(t, file)
			}
			api, diags := Build(spec, Options{Strict: true})
			if api != nil || !diags.HasErrors() {
				t.Fatalf("Build succeeded; want errors (diagnostics: %v)", diags)
			}
			got := diags.Error() + "\n"
			want := filepath.Join(dir, "want.txt")
			if *update {
				os.WriteFile(want, []byte(got), 0o644)
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(strings.ReplaceAll(string(b), "\r\n", "\n"), got); d != "" {
				t.Errorf("diagnostics differ (-want +got):\n%s", d)
			}
		})
	}
}
