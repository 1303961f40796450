package generator

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
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
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	files, _, err := Generate(Options{Spec: dir, Package: "fuzzcase"})
	return files, err
}

// FuzzGenerate feeds mutated specs through load, model, emit and docs: it
// must never panic (Generate turns panics into errors, so a panic escaping
// here is a bug), and what it accepts it generates the same way twice.
func FuzzGenerate(f *testing.F) {
	for _, b := range seedSpecs(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := generateBytes(t, data)
		if err != nil {
			return
		}
		second, err := generateBytes(t, data)
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
