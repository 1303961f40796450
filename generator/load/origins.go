package load

import (
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Origins are stamped here, from the prepass's YAML trees, instead of by
// kin-openapi (Loader.IncludeOrigin). kin-openapi v0.153 serialises every
// decode that records origins behind one global lock and finds each field by
// reflection, which made loading the slowest stage by far; the prepass has
// parsed every file already, so reading positions off its nodes costs a walk.
//
// What an element gets is what kin-openapi gives it, so that every consumer
// (located diagnostics, and the field order of generated structs, which kin-
// openapi keeps in maps) reads origins the same way:
//   - Key: the key the element is written under (`Card:`, `state:`, `200:`),
//     with Name set to it and EndLine to the last line of its block; an item
//     of a list (a parameter, an allOf part) has its own first key instead;
//     the document itself has its first line.
//   - Fields: every key written in the element, in order.
//   - Sequences: the scalar items of its list-valued fields (enum, required).
//   - A $ref wrapper (SchemaRef, ParameterRef, ...) gets the place of the
//     $ref; the value it resolves to gets the place the target is written,
//     in whichever file that is. A wrapper written inline shares its value's
//     origin.
//
// One difference is deliberate: kin-openapi gives a $ref wrapper below a
// media type or parameter the Key of the enclosing element; here it is the
// `schema:` key the $ref is written under.

// site is where an element is written: the key heading it (nil for a whole
// document) and its value node, in file (absolute path).
type site struct {
	file     string
	key, val *yaml.Node
}

func (at site) ok() bool { return at.val != nil }

// child is the site of field name of the mapping at (written there, or
// merged in with <<).
func (at site) child(name string) site {
	if at.val == nil {
		return site{}
	}
	k, v := mergedEntry(at.val, name)
	if v == nil {
		return site{}
	}
	return site{file: at.file, key: k, val: deAlias(v)}
}

// pairs calls fn for each entry of the mapping at, in document order, then
// those merged in with << that it does not override.
func (at site) pairs(fn func(name string, s site)) {
	if at.val == nil || at.val.Kind != yaml.MappingNode {
		return
	}
	mergedPairs(at.val, func(k, v *yaml.Node) {
		fn(k.Value, site{file: at.file, key: k, val: deAlias(v)})
	})
}

// items calls fn for each item of the sequence at; an item's key is its own
// first key, as kin-openapi has it.
func (at site) items(fn func(i int, s site)) {
	if at.val == nil || at.val.Kind != yaml.SequenceNode {
		return
	}
	for i, it := range at.val.Content {
		it = deAlias(it)
		var k *yaml.Node
		if it.Kind == yaml.MappingNode && len(it.Content) > 0 {
			k = it.Content[0]
		}
		fn(i, site{file: at.file, key: k, val: it})
	}
}

// stamper stamps the origins of one loaded document (and the values its
// $refs resolved to in other files). It only reads the prepass trees, so
// documents are stamped concurrently, each by its own stamper.
type stamper struct {
	files map[string]*yamlFile // the prepass trees, by absolute path
	seen  map[any]bool         // values stamped already ($refs share them)
	keys  keyIndex             // for $ref targets
}

func newStamper(files map[string]*yamlFile) *stamper {
	return &stamper{files: files, seen: map[any]bool{}, keys: keyIndex{}}
}

// first reports whether v (a pointer) is stamped for the first time.
func (st *stamper) first(v any) bool {
	if st.seen[v] {
		return false
	}
	st.seen[v] = true
	return true
}

// origin reads an Origin off a site; nil when there is no node.
func origin(at site) *openapi3.Origin {
	if at.val == nil {
		return nil
	}
	// The Origin and its Key in one allocation: there is one per element.
	both := &struct {
		o   openapi3.Origin
		key openapi3.Location
	}{}
	o := &both.o
	kn := at.key
	if kn == nil {
		kn = at.val
	}
	both.key = openapi3.Location{File: at.file, Line: kn.Line, Column: kn.Column, EndLine: endLine(at.val)}
	if at.key != nil {
		both.key.Name = at.key.Value
	}
	o.Key = &both.key
	if at.val.Kind != yaml.MappingNode {
		return o
	}
	o.Fields = make(openapi3.FieldLocations, 0, len(at.val.Content)/2)
	for i := 0; i+1 < len(at.val.Content); i += 2 {
		k, v := at.val.Content[i], at.val.Content[i+1]
		o.Fields = append(o.Fields, openapi3.Location{File: at.file, Line: k.Line, Column: k.Column, Name: k.Value})
		if v.Kind != yaml.SequenceNode {
			continue
		}
		var locs []openapi3.Location
		for _, it := range v.Content {
			if it.Kind == yaml.ScalarNode {
				locs = append(locs, openapi3.Location{File: at.file, Line: it.Line, Column: it.Column, Name: it.Value})
			}
		}
		if len(locs) > 0 {
			if o.Sequences == nil {
				o.Sequences = map[string][]openapi3.Location{}
			}
			o.Sequences[k.Value] = locs
		}
	}
	return o
}

// endLine is the last line of the block n heads: the line of its last
// descendant, plus the lines of a multi-line scalar.
func endLine(n *yaml.Node) int {
	for range 1000 {
		if n.Kind == yaml.ScalarNode {
			return n.Line + strings.Count(strings.TrimRight(n.Value, "\n"), "\n")
		}
		if len(n.Content) == 0 {
			return n.Line
		}
		n = n.Content[len(n.Content)-1]
	}
	return n.Line
}

// target finds where a $ref written at at points: its file and the key and
// value nodes of the fragment (a whole file has no key).
func (st *stamper) target(at site, ref string) site {
	u, err := url.Parse(ref)
	if err != nil {
		return site{}
	}
	file := at.file
	if u.Path != "" {
		file = refFile(at.file, u)
	}
	f := st.files[file]
	if f == nil || f.root == nil {
		return site{}
	}
	k, v := st.keys.resolve(f.root, u.Fragment)
	if v == nil {
		return site{}
	}
	return site{file: file, key: k, val: v}
}

// stamp stamps the origins of doc, loaded from the spec file abs, recovering
// from a panic (a bug here must not take the generator down).
func (s *Spec) stamp(doc *openapi3.T, files map[string]*yamlFile, abs string) (diags diag.List) {
	defer func() {
		if r := recover(); r != nil {
			diags.Errorf(diag.Position{File: s.rel(abs)}, "this is a bug in wxpaygen; report it with the spec",
				"locating the elements of the document failed: %v", r)
		}
	}()
	f := files[abs]
	if f == nil || f.root == nil {
		return nil
	}
	newStamper(files).document(doc, site{file: abs, val: f.root})
	return nil
}

// mergedEntry is entry through YAML merge keys (<<: *base), which the
// decoder follows: a key written in m wins over a merged one, and of several
// merged mappings the first that has the key wins.
func mergedEntry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	return mergedEntryDepth(m, key, 0)
}

func mergedEntryDepth(m *yaml.Node, key string, depth int) (*yaml.Node, *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if (k.Value == "<<" || k.Tag == tagMerge) && isMergeKey(k) {
			merges = true
			continue
		}
		if k.Value == key {
			return k, m.Content[i+1]
		}
	}
	if !merges || depth > 32 {
		return nil, nil
	}
	for _, src := range mergeSources(m) {
		if k, v := mergedEntryDepth(src, key, depth+1); v != nil {
			return k, v
		}
	}
	return nil, nil
}

// mergeSources lists the mappings merged into m, first one first.
func mergeSources(m *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		switch v := deAlias(m.Content[i+1]); v.Kind {
		case yaml.MappingNode:
			out = append(out, v)
		case yaml.SequenceNode:
			for _, it := range v.Content {
				if it = deAlias(it); it.Kind == yaml.MappingNode {
					out = append(out, it)
				}
			}
		}
	}
	return out
}

// mergedPairs calls fn for each entry of the mapping m, the ones written in
// it first, in document order, then the merged ones it does not override.
func mergedPairs(m *yaml.Node, fn func(k, v *yaml.Node)) {
	mergedPairsDepth(m, fn, nil, 0)
}

func mergedPairsDepth(m *yaml.Node, fn func(k, v *yaml.Node), seen map[string]bool, depth int) {
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if (k.Value == "<<" || k.Tag == tagMerge) && isMergeKey(k) {
			merges = true
			continue
		}
		if seen != nil {
			if seen[k.Value] {
				continue
			}
			seen[k.Value] = true
		}
		fn(k, m.Content[i+1])
	}
	if !merges || depth > 32 {
		return
	}
	if seen == nil {
		seen = map[string]bool{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			seen[m.Content[i].Value] = true
		}
	}
	for _, src := range mergeSources(m) {
		mergedPairsDepth(src, fn, seen, depth+1)
	}
}
