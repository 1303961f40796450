// Package synth builds synthetic spec folders for the generator's benchmarks:
// N renamed copies of the discount-card document plus every other bundled
// document once, so that the cost of generation can be measured at 10, 100
// and 1000 times the size of the real spec without committing large files.
//
// Copy i (1-based, four digits) of discount-card.yaml is the same document
// with every name a Go identifier or a route comes from made distinct:
//
//   - the product segment of each path: /v3/discount-card/cards ->
//     /v3/discount-card-c0007/cards (so the chain gets V3.DiscountCardC0007);
//   - every operationId, callbacks' included: getCard -> getCardC0007, and
//     every callback key: userAccepted -> userAcceptedC0007;
//   - every component that only this document declares (schemas,
//     responses, parameters, ...): Card -> CardC0007, with every string
//     naming it rewritten: $ref values, discriminator mappings and
//     x-wechatpay-resource;
//   - the event types of its notifications: DISCOUNT_CARD.USER_ACCEPTED ->
//     DISCOUNT_CARD_C0007.USER_ACCEPTED.
//
// Components that another bundled document declares too (ErrorResponse, the
// Error response) keep their names: they are the shapes every WeChat Pay
// product shares, and the loader merges identical declarations, as it does
// for the real spec. A shared component that refers to a renamed one is
// renamed as well.
//
// Layout: Write produces one file per copy (discount-card-c0007.yaml) beside
// the other bundled files, which is how the real spec folder grows (one file
// per product) and exercises the loader's per-file load, validation and
// merge. WriteSingle produces one self-contained document with everything
// merged, for generators that take a single file (the peers of
// bench/peers).
//
// The documents are rewritten as YAML nodes (go.yaml.in/yaml/v4), so
// descriptions, examples, quoting and comments survive.
package synth

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/spec"
)

// Template is the bundled document that is copied.
const Template = "discount-card.yaml"

// Options say what to build.
type Options struct {
	// Copies is the number of copies of Template (at least 1).
	Copies int
	// Source holds the bundled documents; nil means spec.FS.
	Source fs.FS
	// Exclude names bundled documents (other than Template) to leave out.
	Exclude []string
}

// Stats describe what was built.
type Stats struct {
	Files      []string // names of the documents written
	Operations int      // operations under paths (callbacks not counted)
	Callbacks  int      // callback operations
}

// Files returns the synthetic spec as file name -> YAML content.
func Files(opts Options) (map[string][]byte, Stats, error) {
	docs, err := build(opts)
	if err != nil {
		return nil, Stats{}, err
	}
	out := map[string][]byte{}
	var st Stats
	for _, d := range docs {
		b, err := encode(d.root)
		if err != nil {
			return nil, Stats{}, fmt.Errorf("%s: %w", d.name, err)
		}
		out[d.name] = b
		st.Files = append(st.Files, d.name)
		ops, cbs := countOps(d.root)
		st.Operations += ops
		st.Callbacks += cbs
	}
	slices.Sort(st.Files)
	return out, st, nil
}

// Write writes the synthetic spec folder into dir (created if needed): one
// file per copy of Template plus the other bundled documents.
func Write(dir string, opts Options) (Stats, error) {
	files, st, err := Files(opts)
	if err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return Stats{}, err
		}
	}
	return st, nil
}

// WriteSingle writes the synthetic spec as one document into file: paths and
// components of every document merged (identical components once). The
// openapi version, info and servers come from the first document by name.
func WriteSingle(file string, opts Options) (Stats, error) {
	docs, err := build(opts)
	if err != nil {
		return Stats{}, err
	}
	root, err := merge(docs)
	if err != nil {
		return Stats{}, err
	}
	b, err := encode(root)
	if err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return Stats{}, err
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return Stats{}, err
	}
	ops, cbs := countOps(root)
	return Stats{Files: []string{filepath.Base(file)}, Operations: ops, Callbacks: cbs}, nil
}

type doc struct {
	name string
	root *yaml.Node // the mapping at the top of the document
}

// build parses the bundled documents and returns the copies of Template
// followed by the other documents, each sorted by name.
func build(opts Options) ([]doc, error) {
	if opts.Copies < 1 {
		return nil, fmt.Errorf("synth: copies must be at least 1, got %d", opts.Copies)
	}
	if opts.Copies > 9999 {
		return nil, fmt.Errorf("synth: at most 9999 copies, got %d", opts.Copies)
	}
	src := opts.Source
	if src == nil {
		src = spec.FS
	}
	names, err := fs.Glob(src, "*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var tmpl []byte
	var others []doc
	for _, n := range names {
		if slices.Contains(opts.Exclude, n) {
			continue
		}
		b, err := fs.ReadFile(src, n)
		if err != nil {
			return nil, err
		}
		if n == Template {
			tmpl = b
			continue
		}
		root, err := parse(b)
		if err != nil {
			return nil, fmt.Errorf("synth: %s: %w", n, err)
		}
		others = append(others, doc{name: n, root: root})
	}
	if tmpl == nil {
		return nil, fmt.Errorf("synth: the source has no %s", Template)
	}
	probe, err := parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", Template, err)
	}
	renamed := ownComponents(probe, others)
	stem := strings.TrimSuffix(Template, path.Ext(Template))
	out := make([]doc, 0, opts.Copies+len(others))
	for i := 1; i <= opts.Copies; i++ {
		root, err := parse(tmpl)
		if err != nil {
			return nil, err
		}
		r := renamer{suffix: fmt.Sprintf("C%04d", i), renamed: renamed}
		r.doc(root)
		out = append(out, doc{name: fmt.Sprintf("%s-c%04d.yaml", stem, i), root: root})
	}
	return append(out, others...), nil
}

func parse(b []byte) (*yaml.Node, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a YAML mapping document")
	}
	return n.Content[0], nil
}

func encode(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	e.SetIndent(2)
	if err := e.Encode(root); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// ownComponents returns, per components section, the names Template declares
// that no other document declares, plus those that refer to one of them.
func ownComponents(tmpl *yaml.Node, others []doc) map[string]map[string]bool {
	shared := map[string]bool{} // "section/name" declared elsewhere
	for _, d := range others {
		comps := get(d.root, "components")
		if comps == nil {
			continue
		}
		for i := 0; i+1 < len(comps.Content); i += 2 {
			sec := comps.Content[i+1]
			for j := 0; j+1 < len(sec.Content); j += 2 {
				shared[comps.Content[i].Value+"/"+sec.Content[j].Value] = true
			}
		}
	}
	own := map[string]map[string]bool{}
	comps := get(tmpl, "components")
	if comps == nil {
		return own
	}
	type kept struct {
		sec, name string
		node      *yaml.Node
	}
	var keep []kept
	for i := 0; i+1 < len(comps.Content); i += 2 {
		secName, sec := comps.Content[i].Value, comps.Content[i+1]
		own[secName] = map[string]bool{}
		for j := 0; j+1 < len(sec.Content); j += 2 {
			name := sec.Content[j].Value
			if shared[secName+"/"+name] {
				keep = append(keep, kept{secName, name, sec.Content[j+1]})
			} else {
				own[secName][name] = true
			}
		}
	}
	// A shared component that refers to a renamed one differs between
	// copies, so it is renamed too; repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, k := range keep {
			if own[k.sec][k.name] || !refersTo(k.node, own) {
				continue
			}
			own[k.sec][k.name] = true
			changed = true
		}
	}
	return own
}

func refersTo(n *yaml.Node, own map[string]map[string]bool) bool {
	if n.Kind == yaml.ScalarNode {
		sec, name, ok := componentRef(n.Value)
		return ok && own[sec][name]
	}
	for _, c := range n.Content {
		if refersTo(c, own) {
			return true
		}
	}
	return false
}

// componentRef splits "#/components/<section>/<name>".
func componentRef(s string) (sec, name string, ok bool) {
	rest, ok := strings.CutPrefix(s, "#/components/")
	if !ok {
		return "", "", false
	}
	sec, name, ok = strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", false
	}
	return sec, name, true
}

type renamer struct {
	suffix  string                     // "C0007"
	renamed map[string]map[string]bool // section -> names to suffix
}

func (r renamer) doc(root *yaml.Node) {
	if paths := get(root, "paths"); paths != nil {
		for i := 0; i+1 < len(paths.Content); i += 2 {
			paths.Content[i].Value = r.path(paths.Content[i].Value)
		}
	}
	if comps := get(root, "components"); comps != nil {
		for i := 0; i+1 < len(comps.Content); i += 2 {
			own := r.renamed[comps.Content[i].Value]
			sec := comps.Content[i+1]
			for j := 0; j+1 < len(sec.Content); j += 2 {
				if own[sec.Content[j].Value] {
					sec.Content[j].Value += r.suffix
				}
			}
		}
	}
	r.walk(root)
}

// path renames the product segment, the one after /v3/ (or the first).
func (r renamer) path(p string) string {
	segs := strings.Split(p, "/")
	i := 1
	if len(segs) > 2 && segs[1] == "v3" {
		i = 2
	}
	if i < len(segs) && segs[i] != "" && !strings.HasPrefix(segs[i], "{") {
		segs[i] += "-" + strings.ToLower(r.suffix)
	}
	return strings.Join(segs, "/")
}

// walk rewrites the values that name something of the copy.
func (r renamer) walk(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		if sec, name, ok := componentRef(n.Value); ok && r.renamed[sec][name] {
			n.Value += r.suffix
		}
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if k == "callbacks" && v.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(v.Content); j += 2 {
					v.Content[j].Value += r.suffix
				}
			}
			if v.Kind != yaml.ScalarNode {
				continue
			}
			switch k {
			case "operationId":
				v.Value += r.suffix
			case "x-wechatpay-event-type":
				prod, event, ok := strings.Cut(v.Value, ".")
				if ok {
					v.Value = prod + "_" + r.suffix + "." + event
				} else {
					v.Value += "_" + r.suffix
				}
			}
		}
	}
	for _, c := range n.Content {
		r.walk(c)
	}
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// countOps counts the operations under paths and, separately, the callback
// operations.
func countOps(root *yaml.Node) (ops, callbacks int) {
	paths := get(root, "paths")
	if paths == nil {
		return 0, 0
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for _, m := range methods {
			op := get(item, m)
			if op == nil {
				continue
			}
			ops++
			cbs := get(op, "callbacks")
			if cbs == nil {
				continue
			}
			for j := 0; j+1 < len(cbs.Content); j += 2 {
				cb := cbs.Content[j+1]
				for k := 0; k+1 < len(cb.Content); k += 2 {
					for _, cm := range methods {
						if get(cb.Content[k+1], cm) != nil {
							callbacks++
						}
					}
				}
			}
		}
	}
	return ops, callbacks
}

// merge unites the documents into one: paths and components; tags by name.
// Two components of one name must be identical.
func merge(docs []doc) (*yaml.Node, error) {
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b doc) int { return strings.Compare(a.name, b.name) })
	out := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, k string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	first := sorted[0].root
	for _, k := range []string{"openapi", "info", "servers", "security"} {
		if v := get(first, k); v != nil {
			add(out, k, v)
		}
	}
	tags := &yaml.Node{Kind: yaml.SequenceNode}
	paths := &yaml.Node{Kind: yaml.MappingNode}
	comps := &yaml.Node{Kind: yaml.MappingNode}
	seenTag := map[string]bool{}
	seenPath := map[string]string{}
	seenComp := map[string]*yaml.Node{}
	for _, d := range sorted {
		if ts := get(d.root, "tags"); ts != nil {
			for _, t := range ts.Content {
				if name := get(t, "name"); name != nil && !seenTag[name.Value] {
					seenTag[name.Value] = true
					tags.Content = append(tags.Content, t)
				}
			}
		}
		if ps := get(d.root, "paths"); ps != nil {
			for i := 0; i+1 < len(ps.Content); i += 2 {
				p := ps.Content[i].Value
				if prev, ok := seenPath[p]; ok {
					return nil, fmt.Errorf("synth: path %s in both %s and %s", p, prev, d.name)
				}
				seenPath[p] = d.name
				paths.Content = append(paths.Content, ps.Content[i], ps.Content[i+1])
			}
		}
		cs := get(d.root, "components")
		if cs == nil {
			continue
		}
		for i := 0; i+1 < len(cs.Content); i += 2 {
			secName, sec := cs.Content[i].Value, cs.Content[i+1]
			dst := get(comps, secName)
			if dst == nil {
				dst = &yaml.Node{Kind: yaml.MappingNode}
				add(comps, secName, dst)
			}
			for j := 0; j+1 < len(sec.Content); j += 2 {
				key := secName + "/" + sec.Content[j].Value
				if prev, ok := seenComp[key]; ok {
					if !sameNode(prev, sec.Content[j+1]) {
						return nil, fmt.Errorf("synth: component %s declared differently in %s", key, d.name)
					}
					continue
				}
				seenComp[key] = sec.Content[j+1]
				dst.Content = append(dst.Content, sec.Content[j], sec.Content[j+1])
			}
		}
	}
	if len(tags.Content) > 0 {
		add(out, "tags", tags)
	}
	add(out, "paths", paths)
	add(out, "components", comps)
	return out, nil
}

func sameNode(a, b *yaml.Node) bool {
	ea, err1 := encode(a)
	eb, err2 := encode(b)
	return err1 == nil && err2 == nil && bytes.Equal(ea, eb)
}
