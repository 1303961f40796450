package generator

import (
	"bytes"
	"context"
	"encoding/json"
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
	// Interrupted: a write was interrupted after it was committed; the
	// next Write finishes it before anything else.
	Interrupted bool
}

// Empty reports whether the folder is up to date.
func (d Drift) Empty() bool { return len(d.Stale)+len(d.Missing)+len(d.Extra) == 0 && !d.Interrupted }

func (d Drift) String() string {
	var b strings.Builder
	if d.Interrupted {
		fmt.Fprintf(&b, "interrupted: %s (a write that was interrupted; writing finishes it)\n", journalName)
	}
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
	d, err := check(dir, files)
	if err != nil {
		return d, err
	}
	if _, err := os.Lstat(filepath.Join(dir, journalName)); err == nil {
		d.Interrupted = true
	}
	return d, nil
}

func check(dir string, files Files) (Drift, error) {
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
// differs and removes owned files that are no longer generated, all or
// nothing. Call it only with the complete result of a successful Generate.
// It is WriteContext without a way to stop it.
func Write(dir string, files Files) error {
	return WriteContext(context.Background(), dir, files)
}

// WriteContext is Write that stops, leaving dir as it was, when ctx is done
// before the write is committed (see below); once committed, it finishes.
//
// A write is a journal, so that an interrupted one (a signal, kill -9, a
// crash) leaves no mix of old and new files once the next write ends:
//
//  1. every new or changed file is written to a temporary .wxpaygen-* file
//     beside its place; nothing the user sees has changed yet;
//  2. the commit: a journal listing the renames and removals is put in place
//     as .wxpaygen-journal, by a rename, so it is there whole or not at all;
//  3. the renames and removals are done, then the journal is removed.
//
// Each write starts by finishing the last one: a journal in place is carried
// out again (each step can be repeated), and every .wxpaygen-* file left in
// dir or dir/docs (temporary files of a write that did not commit, or of
// older versions of wxpaygen) is removed. So after an interruption dir holds
// the old files (it stopped before 2) or, once the next write ends, the new
// ones (it stopped after 2). A lock on dir keeps two writes from running
// at once where the system has one (flock). The journal covers the process
// being stopped, not the machine losing power: files are not synced.
func WriteContext(ctx context.Context, dir string, files Files) error {
	for _, rel := range files.Names() {
		if !Owned(rel) {
			return fmt.Errorf("generator: refusing to write %s: not a file the generator owns", rel)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock := lockDir(dir)
	defer unlock()
	if err := finishWrite(dir); err != nil {
		return err
	}
	d, err := check(dir, files)
	if err != nil {
		return err
	}
	write := slices.Concat(d.Missing, d.Stale)
	if len(write)+len(d.Extra) == 0 {
		return nil
	}
	j := journal{Version: journalVersion, Remove: d.Extra, Rename: make([][2]string, len(write))}
	err = each(len(write), func(i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		tmp, err := writeTemp(dir, write[i], files[write[i]])
		j.Rename[i] = [2]string{tmp, write[i]}
		return err
	})
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = j.commit(dir)
	}
	if err != nil {
		for _, r := range j.Rename {
			if r[0] != "" {
				os.Remove(filepath.Join(dir, filepath.FromSlash(r[0])))
			}
		}
		return err
	}
	// Committed: from here on the write finishes, whatever ctx says.
	if err := j.apply(dir, false); err != nil {
		return fmt.Errorf("%w (the next run finishes the write)", err)
	}
	return os.Remove(filepath.Join(dir, journalName))
}

// The journal's names: both start with tempPrefix, which no owned file does,
// so go build (which skips names starting with a dot) and Owned ignore them.
const (
	tempPrefix     = ".wxpaygen-"
	journalName    = ".wxpaygen-journal"
	journalVersion = 1
)

// journal is a committed write: Rename holds (temporary file, owned file)
// pairs, Remove the owned files to remove; all slash-separated, relative to
// the output folder.
type journal struct {
	Version int         `json:"version"`
	Rename  [][2]string `json:"rename"`
	Remove  []string    `json:"remove"`
}

// writeTemp writes data to a new temporary file beside rel and returns its
// name, relative to dir.
func writeTemp(dir, rel string, data []byte) (string, error) {
	sub, _ := pathSplit(rel)
	at := filepath.Join(dir, filepath.FromSlash(sub))
	if err := os.MkdirAll(at, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(at, tempPrefix+"*")
	if err != nil {
		return "", err
	}
	name := filepath.Base(f.Name())
	if sub != "" {
		name = sub + "/" + name
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return name, err
}

// commit puts the journal in place: written to a temporary file, then
// renamed, so that a journal is there whole or not at all.
func (j *journal) commit(dir string) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(dir, journalName, data)
	if err != nil {
		os.Remove(filepath.Join(dir, tmp))
		return err
	}
	if err := os.Rename(filepath.Join(dir, tmp), filepath.Join(dir, journalName)); err != nil {
		os.Remove(filepath.Join(dir, tmp))
		return err
	}
	return nil
}

// apply carries out a committed journal. again: it ran before and may have
// been interrupted, so a temporary file already renamed is no error.
func (j *journal) apply(dir string, again bool) error {
	for _, r := range j.Rename {
		err := os.Rename(filepath.Join(dir, filepath.FromSlash(r[0])), filepath.Join(dir, filepath.FromSlash(r[1])))
		if err != nil && !(again && errors.Is(err, fs.ErrNotExist)) {
			return err
		}
	}
	for _, rel := range j.Remove {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// valid reports whether the journal names only what a write may touch:
// temporary files and owned files, in dir and dir/docs.
func (j *journal) valid() bool {
	if j.Version != journalVersion {
		return false
	}
	for _, r := range j.Rename {
		tdir, tname := pathSplit(r[0])
		odir, _ := pathSplit(r[1])
		if !strings.HasPrefix(tname, tempPrefix) || tname == journalName || tdir != odir || !Owned(r[1]) {
			return false
		}
	}
	return !slices.ContainsFunc(j.Remove, func(rel string) bool { return !Owned(rel) })
}

// finishWrite finishes what an interrupted write left in dir: it carries out
// a committed journal, then removes every temporary file.
func finishWrite(dir string) error {
	path := filepath.Join(dir, journalName)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		var j journal
		if err := json.Unmarshal(data, &j); err != nil || !j.valid() {
			return fmt.Errorf("%s is not a journal this version of wxpaygen wrote; remove it and run again (the files it lists may be old or new)", path)
		}
		if err := j.apply(dir, true); err != nil {
			return fmt.Errorf("finishing the interrupted write of %s: %w", dir, err)
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	for _, sub := range []string{"", "docs"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() {
				if err := os.Remove(filepath.Join(dir, sub, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
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
