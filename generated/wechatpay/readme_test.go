package wechatpay_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestREADMECallSnippet: the Go program of README.md's "Calling WeChat
// Pay" compiles against this package, and checks every error it is given
// before using what came with it (it used to print resp.StatusCode of a
// failed call, which panics on any API error).
func TestREADMECallSnippet(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## Calling WeChat Pay\n")
	if start < 0 {
		t.Fatal("README.md has no section Calling WeChat Pay")
	}
	section := text[start+1:]
	section = section[:strings.Index(section[1:], "\n## ")+1]
	m := regexp.MustCompile("(?s)```go\n(import \\(.*?\\)\n)(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatal("README.md, Calling WeChat Pay: no go block starting with an import block")
	}
	imports := strings.Replace(m[1], "import (", "import (\n\t\"context\"", 1)
	head := "package main\n\n" + imports + "\nfunc main() {\n\tctx := context.Background()\n"
	src := head + m[2] + "}\n"
	// Lines of the statements, counted in the README's go block.
	offset := strings.Count(head, "\n") - strings.Count(m[1], "\n")

	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		t.Fatalf("the snippet does not parse: %v\n%s", err, src)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		block, ok := n.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for i, st := range block.List {
			as, ok := st.(*ast.AssignStmt)
			if !ok || !assignsErr(as) {
				continue
			}
			if i+1 == len(block.List) || !checksErr(block.List[i+1]) {
				t.Errorf("README.md, Calling WeChat Pay: the statement after the assignment to err on line %d of the snippet does not check it", lineOf(src, as.Pos())-offset)
			}
		}
		return true
	})

	if testing.Short() {
		return
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "readme-") // testdata: skipped by ./... patterns
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "vet", "./"+filepath.ToSlash(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README snippet does not compile: %v\n%s\n%s", err, out, src)
	}
}

func assignsErr(as *ast.AssignStmt) bool {
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == "err" {
			return true
		}
	}
	return false
}

// checksErr: st is "if err != nil { ... }".
func checksErr(st ast.Stmt) bool {
	is, ok := st.(*ast.IfStmt)
	if !ok {
		return false
	}
	be, ok := is.Cond.(*ast.BinaryExpr)
	if !ok {
		return false
	}
	id, ok := be.X.(*ast.Ident)
	return ok && id.Name == "err" && be.Op == token.NEQ
}

func lineOf(src string, pos token.Pos) int { return strings.Count(src[:pos-1], "\n") + 1 }
