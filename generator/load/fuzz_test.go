package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad writes the input as a spec file and loads it: Load must return
// (an error or a spec), never panic.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"testdata/ok_single/api.yaml",
		"testdata/ok_two_files_merge/a.yaml",
		"testdata/unknown_extension/api.yaml",
		"testdata/multiple_problems/a.yaml",
		"testdata/ref_missing_fragment/api.yaml",
		"testdata/invalid_operation/api.yaml",
	} {
		data, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "api.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Load hangs on %q", data)) })
		defer tm.Stop()
		s, err := Load(dir)
		if err == nil {
			_ = s.Lint()
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
