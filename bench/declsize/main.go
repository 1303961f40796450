// Command declsize counts the functions of a generated package by kind of
// declaration, with their size in AST nodes (what the compiler's front end
// and back end work through), so that build cost can be put on the kinds
// that cause it (issue 15, docs/PERFORMANCE.md).
//
//	go run ./bench/declsize DIR
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

type stat struct{ funcs, nodes, lines, comments int }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: declsize DIR")
		os.Exit(2)
	}
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join(os.Args[1], "*.go"))
	stats := map[string]*stat{}
	add := func(kind string, n ast.Node, lines int) {
		s := stats[kind]
		if s == nil {
			s = &stat{}
			stats[kind] = s
		}
		s.funcs++
		s.lines += lines
		ast.Inspect(n, func(ast.Node) bool { s.nodes++; return true })
	}
	types := map[string]int{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		base := filepath.Base(name)
		for _, d := range f.Decls {
			lines := fset.Position(d.End()).Line - fset.Position(d.Pos()).Line + 1
			switch d := d.(type) {
			case *ast.FuncDecl:
				add(kind(base, d), d.Body, lines)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						switch ts.Type.(type) {
						case *ast.StructType:
							types[base+" struct"]++
						default:
							types[base+" other"]++
						}
					}
				}
			}
		}
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "kind\tfuncs\tlines\tAST nodes\tnodes/func\t")
	var keys []string
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return stats[keys[i]].nodes > stats[keys[j]].nodes })
	var tf, tn, tl int
	for _, k := range keys {
		s := stats[k]
		tf += s.funcs
		tn += s.nodes
		tl += s.lines
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t\n", k, s.funcs, s.lines, s.nodes, s.nodes/s.funcs)
	}
	fmt.Fprintf(w, "all\t%d\t%d\t%d\t%d\t\n", tf, tl, tn, tn/max(tf, 1))
	w.Flush()
	var tk []string
	for k := range types {
		tk = append(tk, k)
	}
	sort.Strings(tk)
	for _, k := range tk {
		fmt.Printf("types %s: %d\n", k, types[k])
	}
}

// kind names a generated function by file and by name.
func kind(file string, d *ast.FuncDecl) string {
	name := d.Name.Name
	file = strings.TrimSuffix(file, ".gen.go")
	recv := ""
	if d.Recv != nil && len(d.Recv.List) > 0 {
		recv = "method "
	}
	switch {
	case name == "Get" || name == "Post" || name == "Put" || name == "Patch" || name == "Delete":
		return file + ": " + recv + "call (Get/Post/...)"
	case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Request"):
		return file + ": " + recv + "New<M>Request"
	case strings.HasPrefix(name, "new") && strings.HasSuffix(name, "Request"):
		return file + ": " + recv + "new<M>Request (builder)"
	case strings.HasPrefix(name, "path"):
		return file + ": path builder"
	}
	if recv != "" && file == "chain" {
		return file + ": method parameter selector"
	}
	return file + ": " + recv + name
}
