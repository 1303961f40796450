package generator

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOwned(t *testing.T) {
	for rel, want := range map[string]bool{
		"types.gen.go":        true,
		"docs/README.md":      true,
		"docs/getCard.md":     true,
		"doc.go":              false, // hand-written, left alone
		"client_test.go":      false,
		"docs/sub/x.md":       false,
		"sub/types.gen.go":    false,
		"docs/notes.txt":      false,
		"generate.go":         false,
		"e2e.gen.go.orig":     false,
		"docs/README.md.orig": false,
	} {
		if got := Owned(rel); got != want {
			t.Errorf("Owned(%q) = %v, want %v", rel, got, want)
		}
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheckAndWrite(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.gen.go":       "old a",
		"b.gen.go":       "same b",
		"gone.gen.go":    "no longer generated",
		"docs/gone.md":   "no longer generated",
		"handwritten.go": "mine",
		"docs/notes.txt": "mine too",
	})
	files := Files{
		"a.gen.go":       []byte("new a"),
		"b.gen.go":       []byte("same b"),
		"c.gen.go":       []byte("new c"),
		"docs/README.md": []byte("index"),
	}
	d, err := Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := Drift{
		Stale:   []string{"a.gen.go"},
		Missing: []string{"c.gen.go", "docs/README.md"},
		Extra:   []string{"docs/gone.md", "gone.gen.go"},
	}
	if !slices.Equal(d.Stale, want.Stale) || !slices.Equal(d.Missing, want.Missing) || !slices.Equal(d.Extra, want.Extra) {
		t.Fatalf("Check = %+v, want %+v", d, want)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	d, err = Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty() {
		t.Fatalf("after Write, Check = %+v, want no drift", d)
	}
	for rel, want := range map[string]string{"handwritten.go": "mine", "docs/notes.txt": "mine too", "a.gen.go": "new a"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", rel, got, err, want)
		}
	}
	for _, rel := range []string{"gone.gen.go", "docs/gone.md"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); !os.IsNotExist(err) {
			t.Errorf("%s still present (err %v)", rel, err)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".wxpaygen-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestWriteRefusesFilesItDoesNotOwn(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"handwritten.go": "mine"})
	err := Write(dir, Files{"ok.gen.go": []byte("x"), "handwritten.go": []byte("clobber")})
	if err == nil {
		t.Fatal("Write accepted a file the generator does not own")
	}
	if _, statErr := os.Stat(filepath.Join(dir, "ok.gen.go")); !os.IsNotExist(statErr) {
		t.Errorf("Write wrote ok.gen.go although the set was refused")
	}
	got, _ := os.ReadFile(filepath.Join(dir, "handwritten.go"))
	if string(got) != "mine" {
		t.Errorf("handwritten.go = %q", got)
	}
}
