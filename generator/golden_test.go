package generator

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/internal/docsnippet"
)

var update = flag.Bool("update", false, "rewrite testdata/<case>/want.txt")

// TestGolden runs the whole generator on each testdata/<case>/spec folder.
// want.txt pins the outcome: the diagnostics (paths relative to the spec
// folder) and, when generation succeeds, the files written. The output of
// every successful case is compiled and vetted, and so is the Go call of
// each of its docs pages.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "*", "spec"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	var built []string
	root := ""
	for _, specDir := range cases {
		caseDir := filepath.Dir(specDir)
		name := filepath.Base(caseDir)
		files, list, genErr := Generate(Options{Spec: specDir, Package: "golden"})
		var b strings.Builder
		for _, d := range list {
			b.WriteString(d.String())
			b.WriteByte('\n')
		}
		if genErr != nil {
			b.WriteString("nothing written\n")
		} else {
			for _, f := range files.Names() {
				b.WriteString("wrote " + f + "\n")
			}
		}
		got := b.String()
		wantPath := filepath.Join(caseDir, "want.txt")
		if *update {
			if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(wantPath)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update)", name, err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s: outcome differs (-want +got):\n%s", name, diff)
		}
		if ok := strings.HasPrefix(name, "ok_"); genErr != nil || !ok {
			if ok {
				t.Errorf("%s: generation failed: %v", name, genErr)
			}
			continue
		}
		if root == "" {
			root = buildRoot(t)
		}
		pkg := writeGoFiles(t, filepath.Join(root, name), files)
		built = append(built, pkg, writeDocSnippets(t, pkg, "golden", files))
	}
	if len(built) > 0 {
		vet(t, built)
	}
}

// buildRoot is a temporary folder inside testdata, so that ./... patterns of
// concurrent go commands skip it.
func buildRoot(t *testing.T) string {
	root, err := os.MkdirTemp("testdata", "build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	return root
}

func writeGoFiles(t *testing.T, dir string, files Files) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range files.Names() {
		if strings.HasSuffix(name, ".go") {
			if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return "./" + filepath.ToSlash(dir)
}

// writeDocSnippets writes the Go calls of the docs pages in files as a
// program beside the generated package (pkg, "./testdata/...", package
// name), so that vet checks that each compiles against it, whatever the spec
// leaves out.
func writeDocSnippets(t *testing.T, pkg, name string, files Files) string {
	pages := map[string][]byte{}
	for _, name := range files.Names() {
		if strings.HasPrefix(name, "docs/") {
			pages[name] = files[name]
		}
	}
	src, n := docsnippet.Program(modulePath+"/generator/"+strings.TrimPrefix(pkg, "./"), name, pages)
	if n < len(pages)-1 { // docs/README.md has none
		t.Fatalf("%s: %d snippets in %d pages", pkg, n, len(pages))
	}
	dir := filepath.Join(filepath.FromSlash(pkg), "docsnippets")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return pkg + "/docsnippets"
}

// modulePath is this module's path, for importing the packages written
// under testdata.
const modulePath = "github.com/wxpaygen/wxpaygen"

func vet(t *testing.T, pkgs []string) {
	slices.Sort(pkgs)
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append([]string{"vet"}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet %v: %v\n%s", pkgs, err, out)
	}
}
