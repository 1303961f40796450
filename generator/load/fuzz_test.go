package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// fuzzSeeds are the fuzzers' starting points: the small specs of
// ../testdata/fuzzseeds (one construct each, in place of the dictionary Go's
// fuzzer does not have) and a few cases of testdata. All are small: the
// fuzzer mutates, and runs, whole inputs.
func fuzzSeeds(f *testing.F) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "fuzzseeds", "*.*"))
	paths = append(paths,
		"testdata/ok_single/api.yaml",
		"testdata/unknown_extension/api.yaml",
		"testdata/multiple_problems/a.yaml",
		"testdata/wrong_types/api.yaml",
	)
	var seeds [][]byte
	for _, p := range paths {
		if filepath.Ext(p) == ".md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	if len(seeds) < 10 {
		f.Fatalf("found %d seeds", len(seeds))
	}
	return seeds
}

// FuzzLoad writes the input as a spec file and loads it: Load must return
// an error or a spec, never panic or hang; every diagnostic, of Load and of
// Lint, names a file and a line; and what decode takes from the prepass's
// tree, kin-openapi's Loader reads the same. One folder per fuzzing process,
// the file written over for each input: no subprocess, no compile.
func FuzzLoad(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	dir := f.TempDir()
	file := filepath.Join(dir, "api.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Load hangs on %q", data)) })
		defer tm.Stop()
		s, err := Load(dir)
		var list diag.List
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("error is %T, want diag.List: %v", err, err)
		}
		if err == nil {
			list = s.Lint()
		}
		for _, d := range list {
			if d.Pos.File == "" || d.Pos.Line <= 0 {
				t.Fatalf("diagnostic without file or line: %s", d)
			}
		}
		decodeMatchesLoader(t, dir)
	})
}

// decodeMatchesLoader: whatever decode takes from the prepass's tree, kin-
// openapi's Loader must read the same (TestDecodeMatchesLoader, on any input).
func decodeMatchesLoader(t *testing.T, dir string) {
	s, _ := find(dir)
	if s == nil {
		return
	}
	got, ok, want, err := decodeAndLoad(s, filepath.Join(s.Dir, "api.yaml"))
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("decoded, but kin-openapi's Loader refuses it: %v", err)
	}
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if (err1 == nil) != (err2 == nil) || !bytes.Equal(g, w) {
		t.Fatalf("decode differs from kin-openapi's Loader:\n got %s %v\nwant %s %v", g, err1, w, err2)
	}
}
