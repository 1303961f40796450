// Package load is the first stage of wxpaygen: it reads the OpenAPI 3.0 files
// of a spec folder, refuses any $ref that leaves the folder (it never touches
// the network), validates every document with kin-openapi and merges them into
// one *openapi3.T. Every problem comes back as a located diagnostic naming the
// file, line, column and JSON Pointer, all of them at once.
//
// The stages are:
//
//  1. find the spec files (every top-level *.yaml/*.yml of the folder, sorted);
//  2. a YAML pre-pass over each file and every file it refers to: syntax
//     errors, null path items and every $ref (where it points, whether the
//     target exists), each reported with its own position;
//  3. kin-openapi's Loader (external refs through a reader that only reads
//     files under the folder) and Validate (multi-error mode), whose errors
//     are located through the elements' Origin. The origins are stamped
//     from the prepass's trees (origins.go), not recorded by the loader;
//  4. the merge: paths are united, identical components shared, conflicting
//     ones reported with both places.
//
// Load never mutates the loaded documents: the merged document shares their
// path items, operations and components, so every element keeps its Origin.
// Info, servers, security and top-level extensions come from the first file
// (by name) that has them; servers written differently in a later file are
// ignored.
//
// Origins (stamped by origins.go, pinned by TestOrigins):
//   - Origin.Key of a component or a property schema is the position of its
//     own key (`Card:`, `state:`); Key.File is the absolute file path, which
//     Spec.Position makes relative to the spec folder.
//   - Origin.Fields.Lookup(name) is the exact position of each key written in
//     the element (`required`, `x-go-name`, `$ref`, ...); Origin.Sequences
//     holds the scalar items of list fields (enum values, required names).
//   - A $ref is resolved to the component's own *Schema (same pointer), whose
//     Origin is the component's. The place of the $ref itself is the
//     wrapper's: SchemaRef.Origin.Key is the key the $ref is written under
//     (`schema:`, a property name) and Fields.Lookup("$ref") the $ref.
//   - An item of a list (a parameter in `parameters:`, an allOf part) has
//     its own first key as Key.
//
// Validation uses kin-openapi's defaults (examples and defaults are checked
// against their schemas, unknown formats are accepted) in multi-error mode.
package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Spec is a loaded, validated and merged spec folder.
type Spec struct {
	Dir   string      // absolute spec folder (for a single-file spec: its folder)
	Files []string    // spec files, relative to Dir, slash-separated, sorted
	Doc   *openapi3.T // all files merged; every element has its Origin; validated

	realDir string // Dir with symlinks evaluated
	trees   trees  // for placing diagnostics (locate.go)
	// extOrigin is the Origin of the file the top-level extensions of Doc
	// come from (Doc itself, merged, has none).
	extOrigin *openapi3.Origin
}

// Load reads path, a spec file or a spec folder. The error, when not nil, is a
// diag.List holding every error found (warnings come from Lint).
func Load(path string) (*Spec, error) {
	s, diags := find(path)
	if s == nil {
		return nil, diags
	}
	docs := make([]*openapi3.T, len(s.Files))
	pre := newPrepass(s)
	abs := make([]string, len(s.Files))
	for i, f := range s.Files {
		abs[i] = filepath.Join(s.Dir, filepath.FromSlash(f))
	}
	pre.parseAll(abs) // the YAML of every file, on every core
	for _, a := range abs {
		pre.walk(a)
	}
	s.trees.use(pre.files)
	defer s.trees.forget()
	diags = append(diags, pre.diags...)
	// Files load and validate independently: one goroutine per core, the
	// diagnostics gathered in file order so that output stays deterministic.
	perFile := make([]diag.List, len(s.Files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range s.Files {
		abs := filepath.Join(s.Dir, filepath.FromSlash(f))
		if !pre.closureOK(abs) {
			continue // its problems are reported already, kin-openapi would only repeat the first
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			doc, ds := s.loadOne(abs, pre.files[abs])
			if doc != nil {
				ds = append(ds, s.stamp(doc, pre.files, abs)...)
				ds = append(ds, s.validate(doc, f)...)
			}
			docs[i], perFile[i] = doc, ds
		})
	}
	wg.Wait()
	for _, ds := range perFile {
		diags = append(diags, ds...)
	}
	var merged diag.List
	s.Doc, merged = s.merge(docs)
	diags = append(diags, merged...)
	s.place(diags, pre.files)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return s, nil
}

// find resolves path into a Spec with Dir and Files set.
func find(path string) (*Spec, diag.List) {
	var diags diag.List
	// The spec itself has no position (positions are relative to the spec
	// folder, which is what is missing): the message names path, as given.
	abs, err := filepath.Abs(path)
	if err != nil {
		diags.Errorf(diag.Position{}, "", "spec %s: %v", path, err)
		return nil, diags
	}
	fi, err := os.Stat(abs)
	if err != nil {
		diags.Errorf(diag.Position{}, "pass a spec file or a folder holding *.yaml files", "spec %s: %v", path, pathErr(err))
		return nil, diags
	}
	s := &Spec{Dir: abs}
	if !fi.IsDir() {
		s.Dir = filepath.Dir(abs)
		s.Files = []string{filepath.Base(abs)}
	} else {
		entries, err := os.ReadDir(abs)
		if err != nil {
			diags.Errorf(diag.Position{}, "", "spec folder %s: %v", path, pathErr(err))
			return nil, diags
		}
		for _, e := range entries {
			name := e.Name()
			ext := strings.ToLower(filepath.Ext(name))
			if ext != ".yaml" && ext != ".yml" || strings.HasPrefix(name, ".") {
				continue
			}
			if fi, err := os.Stat(filepath.Join(abs, name)); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			s.Files = append(s.Files, name)
		}
		slices.Sort(s.Files)
		if len(s.Files) == 0 {
			diags.Errorf(diag.Position{}, "put the OpenAPI 3.0 documents there as *.yaml or *.yml files",
				"no spec files (*.yaml, *.yml) in folder %s", path)
			return nil, diags
		}
	}
	s.realDir = s.Dir
	if r, err := filepath.EvalSymlinks(s.Dir); err == nil {
		s.realDir = r
	}
	return s, diags
}

// pathErr is err without the absolute path an *fs.PathError adds, since the
// message already names the path the user gave.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// location turns a kin-openapi Location into a position.
func (s *Spec) location(l openapi3.Location, pointer string) diag.Position {
	return diag.Position{File: s.rel(l.File), Line: l.Line, Column: l.Column, Pointer: pointer}
}

// rel makes a file name from an Origin (an absolute path or a file URI)
// relative to the spec folder.
func (s *Spec) rel(file string) string {
	if file == "" {
		return ""
	}
	file = strings.TrimPrefix(file, "file://")
	f := filepath.FromSlash(file)
	if !filepath.IsAbs(f) {
		return filepath.ToSlash(filepath.Clean(f))
	}
	for _, dir := range []string{s.Dir, s.realDir} {
		if dir == "" {
			continue
		}
		if r, err := filepath.Rel(dir, f); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(f)
}

// loadOne loads one spec file: from the prepass's tree when it can (decode),
// otherwise with kin-openapi's Loader, recovering from its panics.
func (s *Spec) loadOne(abs string, f *yamlFile) (doc *openapi3.T, diags diag.List) {
	if doc, ok := s.decode(abs, f); ok {
		return doc, nil
	}
	file := s.rel(abs)
	defer func() {
		if r := recover(); r != nil {
			doc = nil
			diags.Errorf(diag.Position{File: file}, "this is a bug in kin-openapi; simplify the construct around the reported place or report it",
				"kin-openapi panicked while loading: %v", r)
		}
	}()
	l := newLoader(s)
	doc, err := l.LoadFromFile(abs)
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		// The YAML does not fit the OpenAPI types (a list where an object
		// belongs, ...): one diagnostic per place.
		for _, e := range les.Errors {
			msg, ptr := e.Message, ""
			if i := strings.LastIndex(msg, " in /"); i >= 0 {
				msg, ptr = msg[:i], msg[i+len(" in "):]
			}
			diags.Errorf(diag.Position{File: file, Line: e.Mark.Line, Column: e.Mark.Column, Pointer: ptr}, "fix the document so it is valid OpenAPI 3.0",
				"cannot load: %s", msg)
		}
		return nil, diags
	}
	if err != nil {
		diags = append(diags, diag.Diagnostic{
			Pos:      diag.Position{File: file, Line: lineOf(err.Error())},
			Severity: diag.Error,
			Message:  "cannot load: " + err.Error(),
			Hint:     "fix the document so it is valid OpenAPI 3.0",
		})
		return nil, diags
	}
	return doc, diags
}

// String is for debugging.
func (s *Spec) String() string {
	return fmt.Sprintf("spec %s %v", s.Dir, s.Files)
}
