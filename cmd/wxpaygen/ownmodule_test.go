package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFromTheUsersOwnModule does what a user who never cloned this
// repository does: a module of their own names wxpaygen as a tool (go.mod's
// tool directive), runs it on their own spec folder, and builds the package
// it gets, which imports github.com/wxpaygen/wxpaygen/apiv3. The replace
// directive points at this checkout instead of a published version; nothing
// is downloaded (GOPROXY=off), the module cache of this build serves the
// dependencies.
func TestFromTheUsersOwnModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module")
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec, err := os.ReadFile(filepath.Join(checkout, "spec", "discount-card.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(checkout, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The requirements are wxpaygen's own (what `go get` would record), so
	// that nothing needs resolving: `go mod tidy` would also want the test
	// dependencies of dependencies, which an offline cache need not hold.
	write("go.mod", `module example.com/shop

go 1.26

tool github.com/wxpaygen/wxpaygen/cmd/wxpaygen

require github.com/wxpaygen/wxpaygen v0.0.0

replace github.com/wxpaygen/wxpaygen => `+filepath.ToSlash(checkout)+"\n\n"+requireBlocks(t, filepath.Join(checkout, "go.mod")))
	write("go.sum", string(sum))
	write("api/discount-card.yaml", string(spec))
	write("internal/wxpay/generate.go", "package wxpay\n\n//go:generate go tool wxpaygen -spec ../../api -out . -package wxpay\n")
	write("main.go", `package main

import (
	"fmt"

	"example.com/shop/internal/wxpay"
	"github.com/wxpaygen/wxpaygen/apiv3"
)

func main() {
	_, err := wxpay.NewClient(apiv3.Config{}) // refused: no merchant ID, no keys
	fmt.Println(err != nil)
}
`)

	env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("generate", "./...")
	gen := readFile(t, filepath.Join(dir, "internal", "wxpay", "client.gen.go"))
	if !strings.Contains(gen, "\npackage wxpay\n") || !strings.Contains(gen, `"github.com/wxpaygen/wxpaygen/apiv3"`) {
		t.Fatalf("generated client.gen.go:\n%.400s", gen)
	}
	run("vet", "./...")
	if out := run("run", "."); strings.TrimSpace(out) != "true" {
		t.Fatalf("program printed %q", out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// requireBlocks returns the require directives of a go.mod file (which
// holds nothing after them).
func requireBlocks(t *testing.T, gomod string) string {
	content := readFile(t, gomod)
	i := strings.Index(content, "\nrequire")
	if i < 0 {
		t.Fatalf("%s has no require directive", gomod)
	}
	return content[i+1:]
}
