package emit

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

var update = flag.Bool("update", false, "rewrite the expected files of testdata/<case>/want")

// loadSpec loads the case's spec.yaml the way generation does (load.Load:
// origins, validation, lint-free).
func loadSpec(t *testing.T, dir string) *load.Spec {
	t.Helper()
	spec, err := load.Load(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return spec
}

// cases lists the folders under testdata holding a spec.yaml.
func cases(t *testing.T, root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, e.Name(), "spec.yaml")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestGolden generates each case, compares with testdata/<case>/want and
// compiles the output.
func TestGolden(t *testing.T) {
	var built []string
	for _, name := range cases(t, "testdata") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			api, diags := model.Build(loadSpec(t, dir), model.Options{})
			if api == nil {
				t.Fatalf("build: %v", diags)
			}
			files, err := Go(api, "wechatpay")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(dir, "want"), files)
			for _, g := range gens {
				if files[g.name] == nil {
					t.Errorf("%s not generated: every file is, whatever the spec holds", g.name)
				}
			}
			again, _ := model.Build(loadSpec(t, dir), model.Options{})
			if files2, _ := Go(again, "wechatpay"); !cmp.Equal(files, files2) {
				t.Error("a second run generated different output")
			}
			built = append(built, name)
		})
	}
	compileAll(t, built)
}

func compareGolden(t *testing.T, want string, files map[string][]byte) {
	t.Helper()
	if *update {
		os.RemoveAll(want)
		os.MkdirAll(want, 0o755)
		for name, src := range files {
			if err := os.WriteFile(filepath.Join(want, name+".txt"), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	got := map[string]string{}
	for name, src := range files {
		got[name] = string(src)
	}
	exp := map[string]string{}
	entries, _ := os.ReadDir(want)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(want, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		exp[strings.TrimSuffix(e.Name(), ".txt")] = string(b)
	}
	if d := cmp.Diff(exp, got); d != "" {
		t.Errorf("generated files differ (-want +got); rerun with -update if intended:\n%s", d)
	}
}

// compileAll copies each case's expected output, and the case's own
// *_test.go files, into a package inside the module (a temporary folder
// under testdata, removed afterwards), then runs go test (which vets too) on
// them all at once, offline.
func compileAll(t *testing.T, names []string) {
	if testing.Short() || len(names) == 0 {
		return
	}
	// Inside testdata, so that "./..." patterns of go commands running
	// meanwhile never see the temporary packages.
	root, err := os.MkdirTemp("testdata", "build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	args := []string{"test", "-count=1"}
	for _, name := range names {
		pkg := filepath.Join(root, name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		copyFiles(t, filepath.Join("testdata", name, "want", "*.txt"), pkg)
		copyFiles(t, filepath.Join("testdata", name, "*_test.go"), pkg)
		args = append(args, "./"+filepath.ToSlash(pkg))
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("generated code does not build or pass its tests:\n%s", out)
	}
	t.Logf("go %s:\n%s", strings.Join(args, " "), out)
}

// copyFiles copies the files matching pattern into dir, dropping ".txt".
func copyFiles(t *testing.T, pattern, dir string) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".txt")), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
