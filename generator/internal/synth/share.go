package synth

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Share keeps every nth path of one OpenAPI document (the first, the
// (n+1)th, ...) and the components those paths still reach through $ref,
// directly or through other components; the rest of the document stays as
// it is. It makes the 10% of a real spec against which per-operation
// generation cost is compared (issue 15), out of a spec that is not ours to
// copy.
func Share(doc []byte, n int) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("share: every %d paths", n)
	}
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	paths := get(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("share: no paths")
	}
	var kept []*yaml.Node
	for i := 0; i+1 < len(paths.Content); i += 2 {
		if (i/2)%n == 0 {
			kept = append(kept, paths.Content[i], paths.Content[i+1])
		}
	}
	paths.Content = kept

	components := get(root, "components")
	reached := map[string]bool{} // "schemas/Name"
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x == nil {
			return
		}
		if x.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(x.Content); i += 2 {
				ref, ok := strings.CutPrefix(x.Content[i+1].Value, "#/components/")
				if x.Content[i].Value == "$ref" && ok && !reached[ref] {
					reached[ref] = true
					section, name, _ := strings.Cut(ref, "/")
					walk(get(get(components, section), name))
				}
			}
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(paths)
	if components != nil && components.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(components.Content); i += 2 {
			section := components.Content[i].Value
			m := components.Content[i+1]
			if section == "securitySchemes" || m.Kind != yaml.MappingNode {
				continue
			}
			var keep []*yaml.Node
			for j := 0; j+1 < len(m.Content); j += 2 {
				if reached[section+"/"+m.Content[j].Value] {
					keep = append(keep, m.Content[j], m.Content[j+1])
				}
			}
			m.Content = keep
		}
	}
	return encode(root)
}
