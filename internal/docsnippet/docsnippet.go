// Package docsnippet turns the Go calls of generated docs pages into one
// program, so that tests can check with go vet that every call a user would
// paste compiles. The generated package's own test (the bundled spec) and
// the generator's golden cases (any spec) share it, so both check the same
// thing.
package docsnippet

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")
	// declared finds what a snippet declares at the start of a line:
	// "a, b := ..." and "var a T".
	declared = regexp.MustCompile(`(?m)^\s*(?:var\s+(\w+)|(\w+(?:\s*,\s*\w+)*)\s*:=)`)
)

// Program returns package main with each ```go block of pages (file name ->
// Markdown) as the body of a function that has ctx and a client of the
// generated package at importPath, named pkg; snippets counts the blocks.
// Every variable a block declares is used once more, so that a block that
// only shows a call is not refused as "declared and not used".
func Program(importPath, pkg string, pages map[string][]byte) (src string, snippets int) {
	var b strings.Builder
	fmt.Fprintf(&b, "package main\n\nimport (\n\t\"context\"\n\t\"encoding/json\"\n\n\t\"github.com/wxpaygen/wxpaygen/apiv3\"\n\t%s %q\n)\n\n", pkg, importPath)
	b.WriteString("// The snippets may not need these.\nvar (\n\t_ = apiv3.Ptr[int]\n\t_ json.RawMessage\n)\n\nfunc main() {}\n")
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, m := range goBlock.FindAllSubmatch(pages[name], -1) {
			snippets++
			body := string(m[1])
			fmt.Fprintf(&b, "\n// %s\nfunc snippet%d(ctx context.Context, client *%s.Client) {\n%s", name, snippets, pkg, body)
			for _, v := range declaredNames(body) {
				fmt.Fprintf(&b, "\t_ = %s\n", v)
			}
			b.WriteString("}\n")
		}
	}
	return b.String(), snippets
}

// declaredNames lists the variables a snippet declares, in order.
func declaredNames(body string) []string {
	var out []string
	for _, m := range declared.FindAllStringSubmatch(body, -1) {
		for _, v := range strings.Split(m[1]+m[2], ",") {
			if v = strings.TrimSpace(v); v != "" && v != "_" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}
