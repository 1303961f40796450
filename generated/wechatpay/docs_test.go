package wechatpay_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/docsnippet"
)

// TestDocsSnippetsCompile: the Go call on every generated docs page is
// real code against this package. Each snippet becomes the body of a
// function that has a client and a context, and the lot is vetted. (The
// generator's golden cases check the same for specs of every shape.)
func TestDocsSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	files, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil || len(files) < 2 {
		t.Fatalf("docs pages: %v %v", files, err)
	}
	pages := map[string][]byte{}
	for _, f := range files {
		if pages[f], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	src, snippets := docsnippet.Program("github.com/wxpaygen/wxpaygen/generated/wechatpay", "wechatpay", pages)
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
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "vet", "./"+filepath.ToSlash(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docs snippets do not compile: %v\n%s\n%s", err, out, src)
	}
}
