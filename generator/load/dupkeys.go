package load

import (
	"strconv"

	"go.yaml.in/yaml/v4"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// duplicateKeys reports every mapping key written twice in one mapping, at
// the second key, naming the first one's line. YAML parsers (ours and the
// JSON decoder kin-openapi uses for some files) keep one of the two values
// and drop the other without a word: two operations under one path written
// twice lose the first. A JSON document is YAML, so JSON files are checked
// the same way. A file with duplicate keys is not loaded further (kin-
// openapi would report some of them again, without saying which key came
// first, and accept the others). Merge keys (<<) are not keys of the mapping; an alias is
// checked where its anchor is written.
func duplicateKeys(file string, root *yaml.Node) diag.List {
	var diags diag.List
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		switch n.Kind {
		case yaml.MappingNode:
			var seen map[string]*yaml.Node // only for large mappings
			if len(n.Content) > 32 {
				seen = make(map[string]*yaml.Node, len(n.Content)/2)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind == yaml.ScalarNode && !isMergeKey(k) {
					if first := firstKey(n, i, k.Value, seen); first != nil {
						diags.Errorf(diag.Position{File: file, Line: k.Line, Column: k.Column, Pointer: pointerOf(append(path, escapePointer(k.Value)))},
							"remove one of the two, or merge them (the operations of one path go under one path key)",
							"key %q is written twice in one mapping, first at line %d (YAML keeps one of the values and drops the other)", k.Value, first.Line)
					}
				}
				if v := n.Content[i+1]; v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
					walk(v, append(path, escapePointer(k.Value)))
				}
			}
		case yaml.SequenceNode:
			for i, v := range n.Content {
				if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
					walk(v, append(path, strconv.Itoa(i)))
				}
			}
		}
	}
	if root != nil {
		walk(root, make([]string, 0, 16))
	}
	return diags
}

// firstKey returns an earlier key of the mapping m with the same text as key
// i, or nil. seen, when not nil, indexes the keys before i (and gets key i).
func firstKey(m *yaml.Node, i int, key string, seen map[string]*yaml.Node) *yaml.Node {
	if seen != nil {
		if first, ok := seen[key]; ok {
			return first
		}
		seen[key] = m.Content[i]
		return nil
	}
	for j := 0; j < i; j += 2 {
		if k := m.Content[j]; k.Kind == yaml.ScalarNode && k.Value == key && !isMergeKey(k) {
			return k
		}
	}
	return nil
}

// isMergeKey reports whether k is YAML's merge key (<<), as nameKeys reads it.
func isMergeKey(k *yaml.Node) bool {
	return k.Tag == tagMerge || k.Value == "<<" && k.Style == 0 && (k.Tag == "" || k.Tag == tagStr)
}
