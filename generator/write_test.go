package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// TestWriteFinishesInterrupted: what an interrupted write left is finished
// by the next one, before it compares anything: a committed journal is
// carried out, stray temporary files (also those of older versions, which
// wrote no journal) are removed, and Check says a write was interrupted.
func TestWriteFinishesInterrupted(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.gen.go":           "old a",
		"gone.gen.go":        "to remove",
		"mine.go":            "mine",
		".wxpaygen-12345":    "left by an old version",
		"docs/.wxpaygen-777": "half a page",
		".wxpaygen-new-a":    "new a",
	})
	j := journal{Version: journalVersion, Rename: [][2]string{{".wxpaygen-new-a", "a.gen.go"}}, Remove: []string{"gone.gen.go"}}
	if err := j.commit(dir); err != nil {
		t.Fatal(err)
	}
	want := Files{"a.gen.go": []byte("new a")}
	if d, err := Check(dir, want); err != nil || !d.Interrupted || d.Empty() || !strings.HasPrefix(d.String(), "interrupted: ") {
		t.Fatalf("Check = %+v, %v; want it interrupted", d, err)
	}
	if err := Write(dir, want); err != nil {
		t.Fatal(err)
	}
	if d, err := Check(dir, want); err != nil || !d.Empty() {
		t.Fatalf("after Write, Check = %+v, %v", d, err)
	}
	for _, dir := range []string{dir, filepath.Join(dir, "docs")} {
		if m, _ := filepath.Glob(filepath.Join(dir, ".wxpaygen-*")); len(m) > 0 {
			t.Errorf("left behind: %v", m)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mine.go")); string(b) != "mine" {
		t.Errorf("mine.go = %q", b)
	}
}

// A journal that names anything but the generator's own files is refused,
// and nothing it names is touched.
func TestWriteRefusesForeignJournal(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"mine.go": "mine", ".wxpaygen-x": "clobber"})
	for _, j := range []journal{
		{Version: journalVersion, Rename: [][2]string{{".wxpaygen-x", "mine.go"}}},
		{Version: journalVersion, Remove: []string{"mine.go"}},
		{Version: journalVersion, Rename: [][2]string{{"mine.go", "a.gen.go"}}},
		{Version: journalVersion + 1},
	} {
		if err := j.commit(dir); err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, Files{"a.gen.go": []byte("a")}); err == nil || !strings.Contains(err.Error(), "not a journal") {
			t.Errorf("journal %+v: Write = %v; want it refused", j, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "mine.go")); string(b) != "mine" {
			t.Fatalf("journal %+v: mine.go = %q", j, b)
		}
	}
}

// A write stopped before its commit leaves the folder as it was.
func TestWriteContextCanceled(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.gen.go": "old"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteContext(ctx, dir, Files{"a.gen.go": []byte("new"), "b.gen.go": []byte("new")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteContext = %v; want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(filepath.Join(dir, "a.gen.go")); string(b) != "old" || len(entries) != 1 {
		t.Errorf("a.gen.go = %q, %d entries; want the folder as it was", b, len(entries))
	}
}
