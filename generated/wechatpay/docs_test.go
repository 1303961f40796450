package wechatpay_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// TestDocsSnippetsCompile: the Go call on every generated docs page is
// real code against this package. Each snippet becomes the body of a
// function that has a client and a context, and the lot is vetted.
func TestDocsSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil || len(pages) < 2 {
		t.Fatalf("docs pages: %v %v", pages, err)
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n\t\"context\"\n\n\t\"github.com/wxpaygen/wxpaygen/apiv3\"\n\t\"github.com/wxpaygen/wxpaygen/generated/wechatpay\"\n)\n\n")
	src.WriteString("var _ = apiv3.Ptr[int]\n\nfunc main() {}\n")
	snippets := 0
	for i, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goBlock.FindAllSubmatch(b, -1) {
			snippets++
			body := string(m[1])
			fmt.Fprintf(&src, "\n// %s\nfunc snippet%d(ctx context.Context, client *wechatpay.Client) {\n%s", page, i, body)
			for _, v := range []string{"req", "params", "out", "resp", "err"} {
				if regexp.MustCompile(`\b` + v + `\b`).MatchString(body) {
					fmt.Fprintf(&src, "\t_ = %s\n", v)
				}
			}
			src.WriteString("}\n")
		}
	}
	if snippets < len(pages)-1 { // README.md has none
		t.Fatalf("found %d snippets in %d pages", snippets, len(pages))
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "docsbuild-") // testdata: skipped by ./... patterns
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "vet", "./"+filepath.ToSlash(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docs snippets do not compile: %v\n%s\n%s", err, out, src.String())
	}
}
