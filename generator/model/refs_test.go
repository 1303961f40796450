package model

import (
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/load"
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

// TestRefsBetweenSpecFiles: top-level files refer to each other's
// components (also in a cycle) and to a shared file under a subfolder; each
// schema is one type.
func TestRefsBetweenSpecFiles(t *testing.T) {
	spec, err := load.Load("testdata/refs_multi")
	if err != nil {
		t.Fatal(err)
	}
	api, diags := Build(spec, Options{})
	if api == nil || diags.HasErrors() {
		t.Fatalf("build: %v", diags)
	}
	types := map[string]*Type{}
	for _, ty := range api.Types {
		types[ty.Name] = ty
	}
	if len(types) != 3 || types["A"] == nil || types["B"] == nil || types["Money"] == nil {
		t.Fatalf("types %v", keys(types))
	}
	a, b := types["A"], types["B"]
	if a.Fields[0].Type != b || b.Fields[0].Type != a || a.Fields[1].Type != types["Money"] || b.Fields[1].Type != types["Money"] {
		t.Errorf("refs resolve to other types")
	}
}
