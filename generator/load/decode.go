package load

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// decode turns the prepass's tree of a spec file into an *openapi3.T and
// resolves its $refs, without parsing the file a second time: kin-openapi's
// Loader can only load from bytes, and the second parse was a fifth of all
// the time spent loading.
//
// It decodes through kin-openapi's own UnmarshalYAML methods, after the same
// preparation of the tree kin-openapi gives it (prepareTree), so the document
// is the one Loader.LoadFromFile returns (TestDecodeMatchesLoader holds the two
// equal on every spec we have). Anything unusual is left to the Loader: decode
// reports ok=false for a document that needs kin-openapi's JSON path or that
// fails to decode, and the caller loads the file the ordinary way, which also
// gives kin-openapi's own error message.
func (s *Spec) decode(abs string, f *yamlFile) (doc *openapi3.T, ok bool) {
	if f == nil || f.root == nil || f.jsonOnly || !f.prepared {
		return nil, false
	}
	defer func() {
		if r := recover(); r != nil {
			doc, ok = nil, false
		}
	}()
	l := newLoader(s)
	loc := &url.URL{Path: filepath.ToSlash(abs)}
	// Loading an empty document first makes the Loader treat loc as the root
	// document (so a $ref from another file back into this one finds these
	// very objects) and gives the document its location; the decode below
	// then fills it in place.
	doc, err := l.LoadFromDataWithPath([]byte("{}"), loc)
	if err != nil {
		return nil, false
	}
	if err := f.root.Decode(doc); err != nil {
		return nil, false
	}
	if err := l.ResolveRefsIn(doc, loc); err != nil {
		return nil, false
	}
	return doc, true
}

// newLoader is kin-openapi's Loader as wxpaygen uses it: external refs only
// through readFromURI, which reads files under the spec folder and nothing
// else; no origins (origins.go stamps them).
func newLoader(s *Spec) *openapi3.Loader {
	l := openapi3.NewLoader()
	l.Context = context.Background()
	l.IsExternalRefsAllowed = true
	l.ReadFromURIFunc = s.readFromURI
	return l
}

// The YAML tags kin-openapi's preparation reads and sets.
const (
	tagStr       = "!!str"
	tagNull      = "!!null"
	tagFloat     = "!!float"
	tagTimestamp = "!!timestamp"
	tagMerge     = "!!merge"
)

// prepareTree gives the tree what kin-openapi's loader gives a parsed
// document before decoding it (openapi3.prepareScalars, v0.153.0): a scalar
// with an application's own tag (!md) or a timestamp reads as a string, a
// mapping key is read as its text, and infinities, NaN, null keys and aliases
// that contain themselves are refused. Keep it in step with kin-openapi when
// upgrading; TestDecodeMatchesLoader is what notices.
func prepareTree(n *yaml.Node) error {
	aliases := false
	if err := prepareNode(n, &aliases); err != nil {
		return err
	}
	if aliases {
		return checkAliasCycles(n)
	}
	return nil
}

func prepareNode(n *yaml.Node, aliases *bool) error {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		*aliases = true
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") || n.Tag == tagTimestamp {
			n.Tag = tagStr
		}
		if n.Tag == tagFloat {
			switch strings.ToLower(strings.TrimLeft(n.Value, "+-")) {
			case ".inf", ".nan":
				return fmt.Errorf("line %d: %s has no JSON representation", n.Line, n.Value)
			}
		}
	case yaml.MappingNode:
		if err := nameKeys(n); err != nil {
			return err
		}
	}
	for _, c := range n.Content {
		if err := prepareNode(c, aliases); err != nil {
			return err
		}
	}
	return nil
}

// nameKeys retags the keys of a mapping as strings: a document's names are
// the text written, however YAML would resolve it (0, .0, 18_24).
func nameKeys(n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if isMergeKey(k) {
			continue
		}
		if k.Kind == yaml.AliasNode && k.Alias != nil && k.Alias.Kind == yaml.ScalarNode {
			named := *k.Alias
			named.Anchor = ""
			named.Line, named.Column = k.Line, k.Column
			n.Content[i], k = &named, &named
		}
		if k.Kind != yaml.ScalarNode || k.Tag == tagStr {
			continue
		}
		if k.Tag == tagNull {
			return fmt.Errorf("line %d: mapping key is null, so it names nothing", k.Line)
		}
		k.Tag = tagStr
	}
	return nil
}

// checkAliasCycles refuses an alias that leads back into the node it sits in.
func checkAliasCycles(root *yaml.Node) error {
	const (
		onPath = iota + 1
		done
	)
	state := map[*yaml.Node]uint8{}
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		switch state[n] {
		case onPath:
			return fmt.Errorf("anchor %q value contains itself", n.Anchor)
		case done:
			return nil
		}
		state[n] = onPath
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			if err := walk(n.Alias); err != nil {
				return err
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		state[n] = done
		return nil
	}
	return walk(root)
}
