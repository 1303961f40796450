package load

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Every diagnostic about a spec names a file and a line. Most get both from
// an element's Origin; the rest are placed here, after the fact:
//
//   - a position with a JSON Pointer but no Origin (an element the stamper
//     could not reach, a kin-openapi error naming only a section) is placed
//     at the deepest key of the pointer written in the file;
//   - a kin-openapi load error naming a $ref ("bad data in \"#/info\"") is
//     placed at that $ref;
//   - what concerns a whole file (an empty or unreadable one, a panic while
//     reading it) is placed at its first line.
//
// Only a path given on the command line that does not exist, or a folder
// with no spec files, has no position: there is no file to name, and the
// message names the path as given.

// trees hands out the YAML trees of spec files for placing diagnostics.
// During Load they are the prepass's; after it, a file is parsed again on
// the first diagnostic that needs it (rare), so that a loaded Spec does not
// keep every tree alive through the later stages.
type trees struct {
	mu sync.Mutex
	m  map[string]*yaml.Node // by absolute path; nil value: unreadable
}

// root returns the tree of the file abs, parsing it if need be.
func (t *trees) root(abs string) *yaml.Node {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.m[abs]; ok {
		return n
	}
	if t.m == nil {
		t.m = map[string]*yaml.Node{}
	}
	var root *yaml.Node
	if data, err := os.ReadFile(abs); err == nil {
		var doc yaml.Node
		if yamlUnmarshal(data, &doc) == nil && doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			root = doc.Content[0]
		}
	}
	t.m[abs] = root
	return root
}

// use makes the prepass's trees the ones handed out (during Load).
func (t *trees) use(files map[string]*yamlFile) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m = make(map[string]*yaml.Node, len(files))
	for abs, f := range files {
		t.m[abs] = f.root
	}
}

// forget drops the trees (at the end of Load).
func (t *trees) forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m = nil
}

// Position turns an Origin into a position relative to the spec folder. An
// element without an Origin is placed by its pointer, in the spec file that
// has the most of it written (see the top of this file).
func (s *Spec) Position(o *openapi3.Origin, pointer string) diag.Position {
	p := s.originPosition(o, pointer)
	if p.Line > 0 || pointer == "" {
		return p
	}
	best := 0
	for _, f := range s.Files {
		if q, depth := s.pointerPosition(f, pointer); depth > best {
			p, best = q, depth
		}
	}
	return p
}

// originPosition is the position an Origin gives (only the pointer when
// there is none).
func (s *Spec) originPosition(o *openapi3.Origin, pointer string) diag.Position {
	p := diag.Position{Pointer: pointer}
	if o == nil || o.Key == nil {
		return p
	}
	p.File = s.rel(o.Key.File)
	p.Line = o.Key.Line
	p.Column = o.Key.Column
	return p
}

// pointerPosition places pointer in file (relative to the spec folder): at
// the key of its deepest token written there, and how many tokens that is
// (0: none, and no position).
func (s *Spec) pointerPosition(file, pointer string) (diag.Position, int) {
	root := s.trees.root(filepath.Join(s.Dir, filepath.FromSlash(file)))
	if root == nil {
		return diag.Position{Pointer: pointer}, 0
	}
	n, depth := deepest(root, pointer)
	if depth == 0 {
		return diag.Position{Pointer: pointer}, 0
	}
	return diag.Position{File: file, Line: n.Line, Column: n.Column, Pointer: pointer}, depth
}

// deepest follows a JSON Pointer through a tree as far as it is written and
// returns the key of the last token found (for a list item, the item) and
// the number of tokens found.
func deepest(root *yaml.Node, pointer string) (*yaml.Node, int) {
	if pointer == "" || pointer[0] != '/' {
		return nil, 0
	}
	n, at, depth := deAlias(root), (*yaml.Node)(nil), 0
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var k, v *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			k, v = mergedEntry(n, tok)
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				k, v = n.Content[i], n.Content[i]
			}
		}
		if v == nil {
			break
		}
		at, n, depth = k, deAlias(v), depth+1
	}
	return at, depth
}

// quotedRef finds the quoted strings of a message, the $refs kin-openapi
// names in its load errors.
var quotedRef = regexp.MustCompile(`"([^"\s]*#[^"\s]*)"`)

// place gives a position to every diagnostic of Load that names a file but
// no line (see the top of this file), using the prepass's trees.
func (s *Spec) place(diags diag.List, files map[string]*yamlFile) {
	for i := range diags {
		d := &diags[i]
		if d.Pos.File == "" || d.Pos.Line > 0 {
			continue
		}
		if d.Pos.Pointer != "" {
			if p, depth := s.pointerPosition(d.Pos.File, d.Pos.Pointer); depth > 0 {
				d.Pos = p
				continue
			}
		}
		if n := refNamed(files, filepath.Join(s.Dir, filepath.FromSlash(d.Pos.File)), d.Message); n != nil {
			d.Pos.Line, d.Pos.Column = n.Line, n.Column
			continue
		}
		d.Pos.Line, d.Pos.Column = 1, 1
	}
}

// refNamed finds a $ref value that msg quotes, in the file abs or a file it
// refers to.
func refNamed(files map[string]*yamlFile, abs, msg string) *yaml.Node {
	var refs []string
	for _, m := range quotedRef.FindAllStringSubmatch(msg, -1) {
		refs = append(refs, m[1])
	}
	if len(refs) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var find func(abs string) *yaml.Node
	find = func(abs string) *yaml.Node {
		f := files[abs]
		if seen[abs] || f == nil || f.root == nil {
			return nil
		}
		seen[abs] = true
		if n := findRef(f.root, refs); n != nil {
			return n
		}
		for _, dep := range f.deps {
			if n := find(dep); n != nil {
				return n
			}
		}
		return nil
	}
	return find(abs)
}

// findRef returns the first $ref value node below n that is one of refs.
func findRef(n *yaml.Node, refs []string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
				for _, r := range refs {
					if v.Value == r {
						return v
					}
				}
			}
			if found := findRef(v, refs); found != nil {
				return found
			}
		}
	case yaml.SequenceNode:
		for _, v := range n.Content {
			if found := findRef(v, refs); found != nil {
				return found
			}
		}
	}
	return nil
}

// FilePosition is line of a file that is not a spec file (an initialisms
// file given on the command line): an absolute path as given, a relative
// one made relative to the spec folder like every position, so that it
// prints the way the user can open it.
func (s *Spec) FilePosition(path string, line int) diag.Position {
	abs, err := filepath.Abs(path)
	if err != nil || filepath.IsAbs(path) {
		return diag.Position{File: filepath.ToSlash(path), Line: line}
	}
	if r, err := filepath.Rel(s.Dir, abs); err == nil {
		return diag.Position{File: filepath.ToSlash(r), Line: line}
	}
	return diag.Position{File: filepath.ToSlash(abs), Line: line}
}
