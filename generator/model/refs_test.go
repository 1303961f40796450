package model

import (
	"testing"
)

// TestRefsAcrossFiles: a schema in another file of the spec folder, refering
// to itself through its own file, is one named type (named after the ref's
// last token), and recursion through it ends; a ref to a whole file is named
// after the file.
func TestRefsAcrossFiles(t *testing.T) {
	api, diags := Build(loadSpec(t, "testdata/refs/spec.yaml"), Options{})
	if api == nil || len(diags) > 0 {
		t.Fatalf("build: %v", diags)
	}
	types := map[string]*Type{}
	for _, ty := range api.Types {
		types[ty.Name] = ty
	}
	node, money := types["Node"], types["Money"]
	if node == nil || money == nil {
		t.Fatalf("types %v", keys(types))
	}
	var children, amount, root *Field
	for _, f := range node.Fields {
		switch f.JSONName {
		case "children":
			children = f
		case "amount":
			amount = f
		}
	}
	for _, f := range types["Forest"].Fields {
		if f.JSONName == "root" {
			root = f
		}
	}
	if children.Type.Elem != node || amount.Type != money || root.Type != node {
		t.Errorf("refs resolve to other types: children %v, amount %v, root %v", children.Type.Elem.Name, amount.Type.Name, root.Type.Name)
	}
	if pos := node.Pos; pos.File != "common/types.yaml" && pos.File != "spec.yaml" {
		t.Errorf("Node at %v", pos)
	}
}

func keys(m map[string]*Type) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
