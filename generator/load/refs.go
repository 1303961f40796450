package load

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

const refHint = "$ref may point only to files under the spec folder (a relative path, optionally with a #/json/pointer)"

// errRefOutside is what the loader's reader answers for any location that is
// not a file under the spec folder.
var errRefOutside = errors.New("refs may point only to files under the spec folder")

// readFromURI is the loader's only way to read a referenced document: a plain
// file path (or a file URI without host) that resolves to a file under the
// spec folder. It never touches the network.
func (s *Spec) readFromURI(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	p, err := s.localFile(u)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// localFile maps a URL to a file under the spec folder, or refuses it.
func (s *Spec) localFile(u *url.URL) (string, error) {
	if u == nil || u.Host != "" || u.Opaque != "" || (u.Scheme != "" && u.Scheme != "file") || u.Path == "" {
		return "", fmt.Errorf("%w: %s", errRefOutside, u)
	}
	p := filepath.Clean(filepath.FromSlash(u.Path))
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.Dir, p)
	}
	if !s.under(p) {
		return "", fmt.Errorf("%w: %s", errRefOutside, u)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if !s.under(real) {
		return "", fmt.Errorf("%w: %s (a symlink leaving the folder)", errRefOutside, u)
	}
	return p, nil
}

// under reports whether p (absolute, clean) is inside the spec folder.
func (s *Spec) under(p string) bool {
	for _, dir := range []string{s.Dir, s.realDir} {
		if dir == "" {
			continue
		}
		if r, err := filepath.Rel(dir, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r) {
			return true
		}
	}
	return false
}

var lineRE = regexp.MustCompile(`(?:line |at )(\d+)(?::\d+)?`)

// lineOf finds a line number in an error message from kin-openapi or yaml.
func lineOf(msg string) int {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// prepass reads the spec files and every file they refer to as YAML nodes,
// and reports what kin-openapi would either stop at (the first broken $ref)
// or report without a position (syntax errors, null path items).
type prepass struct {
	s      *Spec
	files  map[string]*yamlFile // by absolute path
	parsed map[string]*yamlFile // parsed ahead by parseAll, not walked yet
	diags  diag.List
	keys   keyIndex // for $ref targets
}

type yamlFile struct {
	root *yaml.Node // the document's content node; nil when unreadable
	ok   bool       // no problem found in this file itself
	// jsonOnly: kin-openapi reads this file with its JSON decoder (a raw
	// U+0085, a line break to YAML), so it must load it itself.
	jsonOnly bool
	// prepared: prepareTree accepted the tree (decode.go). It runs when the
	// file is read, before any goroutine reads the tree, since it may
	// replace nodes that a concurrent stamper would be walking.
	prepared bool
	deps     []string // absolute paths of the files its refs point to

	readDiags diag.List // problems parsing it, until parse reports them
	// readErr: the file could not be read. It is reported once, at the
	// first $ref to it, or at the file for a spec file no $ref reached first.
	readErr      error
	readReported bool
}

func newPrepass(s *Spec) *prepass {
	return &prepass{s: s, files: map[string]*yamlFile{}, keys: keyIndex{}}
}

// parse reads and parses a file once (or takes it from parseAll).
func (p *prepass) parse(abs string) *yamlFile {
	if f, ok := p.files[abs]; ok {
		return f
	}
	f, ok := p.parsed[abs]
	if ok {
		delete(p.parsed, abs)
	} else {
		f = p.read(abs)
	}
	p.files[abs] = f
	p.diags = append(p.diags, f.readDiags...)
	f.readDiags = nil
	return f
}

// parseAll reads and parses the files on every core, ahead of walk; their
// problems are reported when walk reaches them, in the same order as before.
func (p *prepass) parseAll(abs []string) {
	fs := make([]*yamlFile, len(abs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, a := range abs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fs[i] = p.read(a)
		})
	}
	wg.Wait()
	p.parsed = make(map[string]*yamlFile, len(abs))
	for i, a := range abs {
		p.parsed[a] = fs[i]
	}
}

// read reads and parses one file; safe for concurrent use (its problems go
// to the file's readDiags).
func (p *prepass) read(abs string) *yamlFile {
	f := &yamlFile{ok: true}
	file := p.s.rel(abs)
	data, err := os.ReadFile(abs)
	if err != nil {
		f.readErr = pathErr(err)
		f.ok = false
		return f
	}
	f.jsonOnly = bytes.Contains(data, []byte("\u0085"))
	var doc yaml.Node
	if err := yamlUnmarshal(data, &doc); err != nil {
		sub := &prepass{s: p.s}
		sub.syntaxError(file, err)
		f.readDiags = sub.diags
		f.ok = false
		return f
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		f.root = doc.Content[0]
		if f.readDiags = duplicateKeys(file, f.root); len(f.readDiags) > 0 {
			f.ok = false
		}
		f.prepared = prepareTree(f.root) == nil
	}
	return f
}

// yamlUnmarshal parses data, turning a panic of the YAML library into an error.
func yamlUnmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml parser panicked: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}

func (p *prepass) syntaxError(file string, err error) {
	var le *yaml.LoadError
	var les *yaml.LoadErrors
	switch {
	case errors.As(err, &les) && len(les.Errors) > 0:
		for _, e := range les.Errors {
			p.diags.Errorf(diag.Position{File: file, Line: e.Mark.Line, Column: e.Mark.Column}, "fix the YAML syntax", "invalid YAML: %s", e.Message)
		}
	case errors.As(err, &le):
		p.diags.Errorf(diag.Position{File: file, Line: le.Mark.Line, Column: le.Mark.Column}, "fix the YAML syntax", "invalid YAML: %s", le.Message)
	default:
		p.diags.Errorf(diag.Position{File: file, Line: lineOf(err.Error())}, "fix the YAML syntax", "invalid YAML: %v", err)
	}
}

// walk checks a top-level spec file and, through its refs, every file it uses.
func (p *prepass) walk(abs string) {
	if _, seen := p.files[abs]; seen {
		return
	}
	f := p.parse(abs)
	if f.readErr != nil {
		p.diags.Errorf(diag.Position{File: p.s.rel(abs)}, "make the file readable, or move it out of the spec folder", "cannot read: %v", f.readErr)
		f.readReported = true
		return
	}
	if f.root == nil {
		if f.ok {
			p.diags.Errorf(diag.Position{File: p.s.rel(abs)}, "write an OpenAPI 3.0 document (openapi, info, paths)", "empty document")
			f.ok = false
		}
		return
	}
	if p.isSpecFile(abs) {
		p.checkPaths(abs, f)
	}
	p.checkRefs(abs, f, f.root, make([]string, 0, 16))
	for _, dep := range f.deps {
		p.walk(dep)
	}
}

func (p *prepass) isSpecFile(abs string) bool {
	return slices.Contains(p.s.Files, p.s.rel(abs))
}

// checkPaths reports path items written without a value.
func (p *prepass) checkPaths(abs string, f *yamlFile) {
	if f.root.Kind != yaml.MappingNode {
		p.diags.Errorf(diag.Position{File: p.s.rel(abs), Line: f.root.Line, Column: f.root.Column}, "write an OpenAPI 3.0 document (openapi, info, paths)", "the document is not a mapping")
		f.ok = false
		return
	}
	k, paths := entry(f.root, "paths")
	if paths == nil {
		return
	}
	if isNull(paths) {
		p.diags.Errorf(diag.Position{File: p.s.rel(abs), Line: k.Line, Column: k.Column, Pointer: "/paths"}, "give paths a mapping of path templates, or {} for none", "paths has no value")
		f.ok = false
		return
	}
	if paths.Kind != yaml.MappingNode {
		return // kin-openapi reports the type
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		k, v := paths.Content[i], paths.Content[i+1]
		if isNull(v) {
			p.diags.Errorf(diag.Position{File: p.s.rel(abs), Line: k.Line, Column: k.Column, Pointer: "/paths/" + escapePointer(k.Value)},
				"give the path at least one operation (get, post, ...) or remove it", "path item %s has no value", k.Value)
			f.ok = false
		}
	}
}

// checkRefs visits every $ref below n and checks it. path holds the JSON
// Pointer tokens down to n, escaped; the pointer string is built only for a
// $ref, since most of a document has none.
func (p *prepass) checkRefs(abs string, f *yamlFile, n *yaml.Node, path []string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
				p.checkRef(abs, f, v, pointerOf(path)+"/$ref")
				continue
			}
			switch k.Value {
			case "example", "default", "enum", "const":
				continue // values, not OpenAPI objects
			}
			if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
				p.checkRefs(abs, f, v, append(path, escapePointer(k.Value)))
			}
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
				p.checkRefs(abs, f, v, append(path, strconv.Itoa(i)))
			}
		}
	}
}

// pointerOf joins escaped tokens into a JSON Pointer.
func pointerOf(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return "/" + strings.Join(path, "/")
}

// checkRef checks one $ref value: it must stay under the spec folder, name
// an existing file and a fragment that exists in it.
func (p *prepass) checkRef(abs string, f *yamlFile, v *yaml.Node, ptr string) {
	ref := v.Value
	pos := diag.Position{File: p.s.rel(abs), Line: v.Line, Column: v.Column, Pointer: ptr}
	fail := func(hint, format string, args ...any) {
		p.diags.Errorf(pos, hint, format, args...)
		f.ok = false
	}
	u, err := url.Parse(ref)
	if err != nil {
		fail(refHint, "$ref %q is not a valid URI reference: %v", ref, err)
		return
	}
	target := abs
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.Path != "" {
		if u.Host != "" || u.Opaque != "" || (u.Scheme != "" && u.Scheme != "file") {
			fail(refHint, "$ref %q refused: refs may point only to files under the spec folder", ref)
			return
		}
		t := refFile(abs, u)
		if !p.s.under(t) {
			fail(refHint, "$ref %q refused: refs may point only to files under the spec folder", ref)
			return
		}
		if _, err := os.Stat(t); err != nil {
			fail("create the file or fix the $ref", "$ref %q: file %s not found", ref, p.s.rel(t))
			return
		}
		if real, err := filepath.EvalSymlinks(t); err != nil || !p.s.under(real) {
			fail(refHint, "$ref %q refused: it resolves (through a symlink) outside the spec folder", ref)
			return
		}
		target = t
		if !slices.Contains(f.deps, t) {
			f.deps = append(f.deps, t)
		}
	}
	tf := p.parse(target)
	if tf.readErr != nil {
		if !tf.readReported {
			tf.readReported = true
			fail("make the file readable, or point the $ref to a file", "$ref %q: cannot read %s: %v", ref, p.s.rel(target), tf.readErr)
		}
		f.ok = false
		return
	}
	if tf.root == nil || u.Fragment == "" {
		return // a broken target file is reported on its own
	}
	if !strings.HasPrefix(u.Fragment, "/") {
		fail("write the fragment as a JSON Pointer, e.g. #/components/schemas/Card", "$ref %q: fragment is not a JSON Pointer", ref)
		return
	}
	if _, v := p.keys.resolve(tf.root, u.Fragment); v == nil {
		where := ""
		if target != abs {
			where = " in " + p.s.rel(target)
		}
		fail("define the target or fix the $ref", "$ref %q does not resolve: nothing at #%s%s", ref, u.Fragment, where)
	}
}

// refFile is the file a $ref written in the file from points to: its path,
// relative to from's folder unless absolute.
func refFile(from string, u *url.URL) string {
	t := filepath.Clean(filepath.FromSlash(u.Path))
	if !filepath.IsAbs(t) {
		t = filepath.Join(filepath.Dir(from), t)
	}
	return t
}

// closureOK reports whether a file and every file it refers to are free of
// prepass problems.
func (p *prepass) closureOK(abs string) bool {
	seen := map[string]bool{}
	var ok func(string) bool
	ok = func(a string) bool {
		if seen[a] {
			return true
		}
		seen[a] = true
		f := p.files[a]
		if f == nil || !f.ok || f.root == nil {
			return false
		}
		for _, d := range f.deps {
			if !ok(d) {
				return false
			}
		}
		return true
	}
	return ok(abs)
}

// resolve follows a JSON Pointer through a YAML node tree to the value it
// names and the key heading it: the mapping key, or for an item of a list its
// own first key (nil for a scalar item or the whole tree). Both are nil when
// nothing is there.
func (ix keyIndex) resolve(n *yaml.Node, pointer string) (key, val *yaml.Node) {
	n = deAlias(n)
	for _, tok := range strings.Split(pointer, "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			k, v := ix.entry(n, tok)
			if v == nil {
				return nil, nil
			}
			key, n = k, deAlias(v)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, nil
			}
			key, n = nil, deAlias(n.Content[i])
			if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
				key = n.Content[0]
			}
		default:
			return nil, nil
		}
	}
	return key, n
}

// keyIndex finds the entries of large mappings by key without scanning them:
// a $ref into a big spec file (#/components/schemas/X among thousands) would
// otherwise cost a scan each, quadratic in the file. Not safe for concurrent
// use; each walk has its own.
type keyIndex map[*yaml.Node]map[string]int

// entry is the package's entry, indexed for mappings of many keys. The first
// of two equal keys wins, as in entry.
func (ix keyIndex) entry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m.Kind != yaml.MappingNode || len(m.Content) < 64 {
		return entry(m, key)
	}
	idx, ok := ix[m]
	if !ok {
		idx = make(map[string]int, len(m.Content)/2)
		for i := len(m.Content) - 2; i >= 0; i -= 2 {
			idx[m.Content[i].Value] = i
		}
		ix[m] = idx
	}
	i, ok := idx[key]
	if !ok {
		return nil, nil
	}
	return m.Content[i], m.Content[i+1]
}

func deAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// entry returns the key and value nodes of a mapping entry.
func entry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// escapePointer escapes one JSON Pointer token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
