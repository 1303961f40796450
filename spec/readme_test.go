package spec

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator"
	"github.com/wxpaygen/wxpaygen/internal/docsnippet"
)

// TestExtendingTheSpecAsTheREADMESays follows README.md's "Extending the
// spec" on a copy of this folder: the file its step 1 writes, taken from the
// README, must pass the house rules beside the bundled files (it becomes one
// of them), generate, and give the chain and the docs page step 2 promises;
// the output and its docs snippets must compile.
func TestExtendingTheSpecAsTheREADMESays(t *testing.T) {
	name, content, chain, page := readmeWalkThrough(t)
	dir := t.TempDir()
	for _, f := range bundled(t).names {
		// Once someone follows the walk-through here, the file is bundled;
		// until then, it must be new, not replace one (with other content).
		if b, _ := FS.ReadFile(f); f == name && string(b) != content {
			t.Fatalf("README.md: the walk-through writes spec/%s, which would replace a bundled file", name)
		}
		copyFile(t, f, filepath.Join(dir, f))
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	checkHouseRules(t, loadFiles(t, dir, os.DirFS(dir)))

	files, _, err := generator.Generate(generator.Options{Spec: dir, Package: "wechatpay", Strict: true})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	doc, ok := files["docs/"+page]
	if !ok {
		t.Fatalf("no docs/%s, which step 2 promises", page)
	}
	if got := withoutArgs(goCall(t, doc)); !strings.Contains(got, withoutArgs(chain)) {
		t.Errorf("docs/%s calls %s; step 2 promises %s", page, got, chain)
	}
	compile(t, files)
}

// readmeWalkThrough reads the walk-through: the spec file step 1 writes, and
// the chain call and docs page step 2 promises.
func readmeWalkThrough(t *testing.T) (name, content, chain, page string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## Extending the spec\n")
	if start < 0 {
		t.Fatal("README.md has no section Extending the spec")
	}
	section := text[start+1:]
	if end := strings.Index(section[1:], "\n## "); end >= 0 {
		section = section[:end+1]
	}
	m := regexp.MustCompile("(?s)1\\. Write `spec/([\\w.-]+\\.yaml)`.*?\n( *)```yaml\n(.*?)\n *```").FindStringSubmatch(section)
	step2 := regexp.MustCompile("(?s)2\\. `make generate`.*?`(client\\.[^`]+)`.*?`generated/wechatpay/docs/([\\w.-]+\\.md)`").FindStringSubmatch(section)
	if m == nil || step2 == nil {
		t.Fatal("README.md, Extending the spec: no step 1 writing spec/<file>.yaml with its yaml block, or no step 2 naming the chain call and the docs page")
	}
	indent := m[2]
	lines := strings.Split(m[3], "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return m[1], strings.Join(lines, "\n") + "\n", step2[1], step2[2]
}

// goCall is the last line of a docs page's Go block: the call.
func goCall(t *testing.T, page []byte) string {
	m := regexp.MustCompile("(?s)```go\n(.*?)\n```").FindSubmatch(page)
	if m == nil {
		t.Fatalf("no Go block in:\n%s", page)
	}
	lines := strings.Split(string(m[1]), "\n")
	return lines[len(lines)-1]
}

// withoutArgs drops every call's arguments: the README writes (no) where
// the page has the spec's example.
func withoutArgs(call string) string {
	call = regexp.MustCompile(`\([^()]*\)`).ReplaceAllString(call, "()")
	_, expr, _ := strings.Cut(call, ":= ")
	if expr != "" {
		return expr
	}
	return call
}

// compile writes the generated package and a program of its docs snippets
// into testdata (skipped by ./... patterns) and vets both.
func compile(t *testing.T, files generator.Files) {
	if testing.Short() {
		return
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "readme-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pages := map[string][]byte{}
	for _, name := range files.Names() {
		if strings.HasPrefix(name, "docs/") {
			pages[name] = files[name]
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, _ := docsnippet.Program("github.com/wxpaygen/wxpaygen/spec/"+filepath.ToSlash(dir), "wechatpay", pages)
	if err := os.MkdirAll(filepath.Join(dir, "snippets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snippets", "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := "./" + filepath.ToSlash(dir)
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "vet", pkg, pkg+"/snippets")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
}

func copyFile(t *testing.T, name, to string) {
	b, err := FS.ReadFile(name)
	if err == nil {
		err = os.WriteFile(to, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
