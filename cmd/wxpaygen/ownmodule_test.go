package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestFromTheUsersOwnModule follows the README's own-module recipe to the
// letter: the commands of its shell block and its go:generate line are read
// from README.md, so the README cannot drift from what works. A module of
// the user's names wxpaygen as a tool through a replace directive to a
// clone (this checkout stands in for it), generates a client from its own
// spec folder and builds a program using it.
func TestFromTheUsersOwnModule(t *testing.T) {
	m := newUserModule(t)
	m.write("api/discount-card.yaml", m.checkoutFile("spec/discount-card.yaml"))
	m.run("generate", "./...")
	gen := m.read("internal/wxpay/client.gen.go")
	if !strings.Contains(gen, "\npackage wxpay\n") || !strings.Contains(gen, `"github.com/wxpaygen/wxpaygen/apiv3"`) {
		t.Fatalf("generated client.gen.go:\n%.400s", gen)
	}
	m.run("vet", "./...")
	// The package has a doc comment, there as here.
	if doc := m.run("doc", "./internal/wxpay"); !strings.Contains(doc, "Package wxpay is a typed, signed client of WeChat Pay APIv3") ||
		!strings.Contains(doc, "docs/README.md") {
		t.Errorf("go doc ./internal/wxpay:\n%.600s", doc)
	}
	// A tool replaced by a clone is a build from a checkout: devel.
	if v := m.run("tool", "wxpaygen", "-version"); !strings.HasPrefix(v, "wxpaygen devel (go") {
		t.Errorf("go tool wxpaygen -version printed %q", v)
	}
	if out := m.run("run", "."); strings.TrimSpace(out) != "true" {
		t.Fatalf("program printed %q", out)
	}
	t.Run("TestsAgainstTheKitAndTheSandbox", func(t *testing.T) {
		m.t = t
		usersOwnTestsAndSandbox(t, m)
	})
}

// A regeneration after which fewer files are needed works under go
// generate: the last operation with query parameters (and its docs page) go
// away with pay-transactions.yaml. go generate lists the package's files
// before it runs the directive and reads them after, so a removed
// params.gen.go (which sorts after generate.go) made it fail though
// generation had succeeded; now params.gen.go stays, declaring nothing.
func TestRegenerationThatNeedsFewerFiles(t *testing.T) {
	m := newUserModule(t)
	for _, f := range []string{"discount-card.yaml", "pay-transactions.yaml"} {
		m.write("api/"+f, m.checkoutFile("spec/"+f))
	}
	m.run("generate", "./...")
	if !strings.Contains(m.read("internal/wxpay/params.gen.go"), "type V3PayTransactionsOutTradeNoOutTradeNoGetParams struct") {
		t.Fatal("params.gen.go lacks the query parameters of pay-transactions.yaml")
	}
	if err := os.Remove(filepath.Join(m.dir, "api", "pay-transactions.yaml")); err != nil {
		t.Fatal(err)
	}
	m.run("generate", "./...")
	if params := m.read("internal/wxpay/params.gen.go"); strings.Contains(params, "type ") {
		t.Errorf("params.gen.go still declares something:\n%s", params)
	}
	if _, err := os.Stat(filepath.Join(m.dir, "internal", "wxpay", "docs", "queryOrderByOutTradeNo.md")); !os.IsNotExist(err) {
		t.Errorf("the removed operation's docs page: %v, want it removed", err)
	}
	m.run("tool", "wxpaygen", "-spec", "api", "-out", "internal/wxpay", "-package", "wxpay", "-check")
	m.run("vet", "./...")
}

// userModule is a temporary module set up as README.md says: the user's
// own module (example.com/shop, a main package using internal/wxpay), then
// the README's commands, then its go:generate line in internal/wxpay.
type userModule struct {
	t        *testing.T
	dir      string // the module's root
	checkout string // this repository, the "clone"
	env      []string
}

func newUserModule(t *testing.T) *userModule {
	if testing.Short() {
		t.Skip("builds a separate module")
	}
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	m := &userModule{t: t, dir: filepath.Join(root, "shop"), checkout: checkout,
		// Offline: the module cache of this build serves what the proxy
		// would, and the checksum database (which GOPROXY=off cannot reach)
		// is not consulted.
		env: append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOFLAGS=")}
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m.run("mod", "init", "example.com/shop")
	m.write("main.go", `package main

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
	commands, generate := readmeRecipe(t, filepath.Join(checkout, "README.md"))
	for _, c := range commands {
		switch {
		case c[0] == "git" && len(c) == 4 && c[1] == "clone":
			// This checkout is the clone, where the README puts it.
			if err := os.Symlink(checkout, filepath.Join(m.dir, filepath.FromSlash(c[3]))); err != nil {
				t.Fatal(err)
			}
		case c[0] == "go":
			m.run(c[1:]...)
		default:
			t.Fatalf("README.md: unexpected command %q in the own-module recipe", strings.Join(c, " "))
		}
	}
	m.write("internal/wxpay/generate.go", "package wxpay\n\n"+generate+"\n")
	return m
}

// readmeRecipe reads the own-module recipe from the README's section "The
// generator": the commands of its sh block that runs go get -tool, and the
// go:generate line.
func readmeRecipe(t *testing.T, readme string) (commands [][]string, generate string) {
	t.Helper()
	text := readFile(t, readme)
	start := strings.Index(text, "\n## The generator\n")
	if start < 0 {
		t.Fatal("README.md has no section The generator")
	}
	section := text[start+1:]
	if end := strings.Index(section[1:], "\n## "); end >= 0 {
		section = section[:end+1]
	}
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		if !strings.Contains(block[1], "go get -tool") {
			continue
		}
		for _, line := range strings.Split(block[1], "\n") {
			if line, _, _ = strings.Cut(line, "#"); strings.TrimSpace(line) != "" {
				commands = append(commands, strings.Fields(line))
			}
		}
	}
	m := regexp.MustCompile("`(//go:generate go tool wxpaygen [^`]*)`").FindStringSubmatch(section)
	if len(commands) == 0 || m == nil {
		t.Fatalf("README.md, The generator: no sh block with go get -tool (%d commands) or no go:generate line", len(commands))
	}
	return commands, m[1]
}

// run runs the go command in the module and returns its output.
func (m *userModule) run(args ...string) string {
	m.t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
	cmd.Dir = m.dir
	cmd.Env = m.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		m.t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (m *userModule) write(rel, content string) {
	m.t.Helper()
	p := filepath.Join(m.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

func (m *userModule) read(rel string) string {
	m.t.Helper()
	return readFile(m.t, filepath.Join(m.dir, filepath.FromSlash(rel)))
}

func (m *userModule) checkoutFile(rel string) string {
	m.t.Helper()
	return readFile(m.t, filepath.Join(m.checkout, filepath.FromSlash(rel)))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
