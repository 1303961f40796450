package generator

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// seedSpecs are the small specs of the golden cases plus the bundled
// discount-card spec: the fuzzer's starting points, and the inputs whose
// output TestSeedCorpusCompiles builds.
func seedSpecs(t testing.TB) map[string][]byte {
	t.Helper()
	seeds := map[string][]byte{}
	paths, _ := filepath.Glob(filepath.Join("emit", "testdata", "*", "spec.yaml"))
	paths = append(paths, filepath.Join("..", "spec", "discount-card.yaml"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[p] = b
	}
	if len(seeds) < 2 {
		t.Fatalf("found %d seed specs", len(seeds))
	}
	return seeds
}

// generateBytes writes data as the only spec file of a folder and generates.
func generateBytes(t testing.TB, data []byte) (Files, error) {
	files, _, err := generateIn(t, t.TempDir(), data)
	return files, err
}

// generateIn writes data as dir/spec.yaml, over what was there, and
// generates from dir.
func generateIn(t testing.TB, dir string, data []byte) (Files, diag.List, error) {
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return Generate(Options{Spec: dir, Package: "fuzzcase"})
}

// fuzzSeeds are FuzzGenerate's starting points: the small specs of
// testdata/fuzzseeds (one construct each, in place of the dictionary Go's
// fuzzer does not have) and those of the emit golden cases, leaving out the
// whole discount-card spec: the fuzzer mutates, and runs, whole inputs, and
// a 70 KB one costs a hundred small ones.
func fuzzSeeds(t testing.TB) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("testdata", "fuzzseeds", "*.*"))
	more, _ := filepath.Glob(filepath.Join("emit", "testdata", "*", "spec.yaml"))
	var seeds [][]byte
	for _, p := range append(paths, more...) {
		if filepath.Ext(p) == ".md" || filepath.Base(filepath.Dir(p)) == "discount_card" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	if len(seeds) < 10 {
		t.Fatalf("found %d seeds", len(seeds))
	}
	return seeds
}

// FuzzGenerate feeds mutated specs through load, model, emit and docs: it
// must never panic (Generate turns panics into errors, so a panic escaping
// here is a bug, and so is an internal error it reports), every diagnostic
// names a file and a line, and what it accepts it generates the same way
// twice. One folder per fuzzing process, the spec written over for each
// input: no subprocess, no compile (TestSeedCorpusCompiles builds).
func FuzzGenerate(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		first, list, err := generateIn(t, dir, data)
		for _, d := range list {
			if d.Pos.File == "" || d.Pos.Line <= 0 {
				t.Fatalf("diagnostic without file or line: %s", d)
			}
		}
		if err != nil {
			return
		}
		second, _, err := generateIn(t, dir, data)
		if err != nil {
			t.Fatalf("second run failed: %v", err)
		}
		for name, b := range first {
			if !bytes.Equal(b, second[name]) {
				t.Fatalf("%s differs between two runs", name)
			}
		}
	})
}

// TestSeedCorpusCompiles: what the generator accepts compiles and vets,
// and so does the Go call of each docs page, checked on the fuzzer's seed
// corpus.
func TestSeedCorpusCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every seed's output")
	}
	// Inside testdata, so that ./... patterns of concurrent go commands skip it.
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.MkdirTemp("testdata", "fuzzbuild-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	var pkgs []string
	i := 0
	for name, data := range seedSpecs(t) {
		files, err := generateBytes(t, data)
		if err != nil {
			t.Errorf("seed %s: %v", name, err)
			continue
		}
		i++
		pkg := filepath.Join(root, fmt.Sprintf("seed%d", i)) // a letter would run out of the alphabet
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		for fn, b := range files {
			if filepath.Ext(fn) != ".go" {
				continue
			}
			if err := os.WriteFile(filepath.Join(pkg, fn), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(pkg))
		pkgs = append(pkgs, writeDocSnippets(t, "./"+filepath.ToSlash(pkg), "fuzzcase", files))
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append([]string{"vet"}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet %v: %v\n%s", pkgs, err, out)
	}
}
