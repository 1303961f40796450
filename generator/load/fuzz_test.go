package load

import (
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
	})
}
