package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Owned reports whether the generator owns the file at rel (slash-separated,
// relative to the output folder): the *.gen.go files at the top and the
// Markdown pages in docs/. Everything else there is hand-written and is never
// written, removed or reported by Write and Check.
func Owned(rel string) bool {
	dir, name := pathSplit(rel)
	switch dir {
	case "":
		return strings.HasSuffix(name, ".gen.go")
	case "docs":
		return strings.HasSuffix(name, ".md")
	}
	return false
}

func pathSplit(rel string) (dir, name string) {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return "", rel
	}
	return rel[:i], rel[i+1:]
}

// Drift lists how a folder differs from what the generator would write.
type Drift struct {
	Stale   []string // present with other content
	Missing []string // would be written, not present
	Extra   []string // owned by the generator, present, would not be written
}

// Empty reports whether the folder is up to date.
func (d Drift) Empty() bool { return len(d.Stale)+len(d.Missing)+len(d.Extra) == 0 }

func (d Drift) String() string {
	var b strings.Builder
	for _, list := range []struct {
		what  string
		files []string
	}{{"stale", d.Stale}, {"missing", d.Missing}, {"extra", d.Extra}} {
		for _, f := range list.files {
			fmt.Fprintf(&b, "%s: %s\n", list.what, f)
		}
	}
	return b.String()
}

// Check compares files with the owned files in dir without writing anything.
func Check(dir string, files Files) (Drift, error) {
	var d Drift
	present, err := ownedFiles(dir)
	if err != nil {
		return d, err
	}
	names := files.Names()
	state := make([]int, len(names)) // 0 same, 1 missing, 2 stale
	err = each(len(names), func(i int) error {
		old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(names[i])))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			state[i] = 1
		case err != nil:
			return err
		case !bytes.Equal(old, files[names[i]]):
			state[i] = 2
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	for i, rel := range names {
		switch state[i] {
		case 1:
			d.Missing = append(d.Missing, rel)
		case 2:
			d.Stale = append(d.Stale, rel)
		}
	}
	for _, rel := range present {
		if _, ok := files[rel]; !ok {
			d.Extra = append(d.Extra, rel)
		}
	}
	return d, nil
}

// Write brings dir in line with files: it writes each file whose content
// differs (through a temporary file and a rename, so a reader never sees half
// a file) and removes owned files that are no longer generated. Call it only
// with the complete result of a successful Generate.
func Write(dir string, files Files) error {
	for _, rel := range files.Names() {
		if !Owned(rel) {
			return fmt.Errorf("generator: refusing to write %s: not a file the generator owns", rel)
		}
	}
	d, err := Check(dir, files)
	if err != nil {
		return err
	}
	write := slices.Concat(d.Missing, d.Stale)
	err = each(len(write), func(i int) error {
		return writeAtomic(filepath.Join(dir, filepath.FromSlash(write[i])), files[write[i]])
	})
	if err != nil {
		return err
	}
	for _, rel := range d.Extra {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	return nil
}

// each runs fn for 0..n-1 on a few goroutines (the files are many and small,
// so the time is the file system's) and returns the error of the lowest i
// that failed.
func each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, 8) {
		wg.Go(func() {
			for i := range next {
				errs[i] = fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".wxpaygen-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ownedFiles lists the generator's files present in dir, sorted.
func ownedFiles(dir string) ([]string, error) {
	var out []string
	for _, sub := range []string{"", "docs"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			rel := e.Name()
			if sub != "" {
				rel = sub + "/" + rel
			}
			if e.Type().IsRegular() && Owned(rel) {
				out = append(out, rel)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
