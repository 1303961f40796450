// Command peers compares wxpaygen with oapi-codegen and ogen, as released, on
// the same synthetic specs (package generator/internal/synth of wxpaygen:
// N renamed copies of discount-card.yaml plus the other bundled documents,
// merged into one file because the peers take a single file). For each
// generator and size it prints the generation time (median wall time of
// -runs runs, and the CPU time of that run), lines of Go per operation, and
// `go build` time of the output for the sizes in -build.
//
// It lives in its own module so that the peers never enter wxpaygen's
// go.mod. The peers themselves are built with `go install pkg@version`, that
// is with exactly the dependency versions they were released with; this
// module's go.mod only provides the runtime packages their output imports
// (github.com/oapi-codegen/runtime, github.com/ogen-go/ogen and what it
// imports), so that the output can be compiled.
//
// Run it through scripts/bench-peers.sh (or `make bench-peers`) from the
// repository root:
//
//	cd bench/peers && go run . -repo ../.. -copies 10,100,1000 -build 100
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Versions of the peers, as released.
const (
	oapiCodegen = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2"
	ogen        = "github.com/ogen-go/ogen/cmd/ogen@v1.24.0"
)

// oapiConfig asks oapi-codegen for types and a client. The suffix is needed
// for the bundled spec: without it the response wrapper of operation
// uploadImage and the component schema UploadImageResponse get one name and
// the output does not compile.
const oapiConfig = `package: api
generate:
  models: true
  client: true
output-options:
  response-type-suffix: Resp
`

// ogenConfig asks ogen for what wxpaygen makes: a client that validates its
// requests, no server, no OpenTelemetry; operations ogen cannot generate are
// skipped (and counted) instead of failing the whole run.
const ogenConfig = `generator:
  features:
    disable_all: true
    enable: [paths/client, client/request/validation]
  ignore_not_implemented: ["all"]
`

var (
	repo    = flag.String("repo", "../..", "wxpaygen's repository root")
	copies  = flag.String("copies", "10,100,1000", "sizes: copies of discount-card.yaml")
	build   = flag.String("build", "100", "sizes whose output is compiled (go build time)")
	runs    = flag.Int("runs", 5, "generation runs per generator and size (median reported)")
	builds  = flag.Int("builds", 3, "timed go build runs per output (median reported)")
	keep    = flag.Bool("keep", false, "keep the generated outputs (under testdata/work)")
	only    = flag.String("only", "wxpaygen,oapi-codegen,ogen", "generators to run")
	exclude = flag.String("exclude", "", "comma-separated bundled spec files to leave out of the synthetic specs")
	verbose = flag.Bool("v", false, "print the commands")
)

type generator struct {
	name string
	// args returns the command line generating spec into out.
	args func(bin, spec, out string) []string
	// module is the folder of the module the output is compiled in, and
	// outRoot where outputs go (inside that module, under testdata so
	// that ./... patterns skip them).
	module, outRoot string
}

type result struct {
	gen, cpu      time.Duration
	lines, code   int
	skipped       int
	build         time.Duration
	built         bool
	err           string
	operationsOut int
}

func main() {
	flag.Parse()
	root, err := filepath.Abs(*repo)
	check(err)
	self, err := os.Getwd()
	check(err)
	work, err := os.MkdirTemp("", "wxpaygen-peers-")
	check(err)
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "bin")

	fmt.Fprintln(os.Stderr, "building the generators ...")
	run(root, nil, "go", "build", "-o", filepath.Join(bin, "wxpaygen"), "./cmd/wxpaygen")
	run(root, nil, "go", "build", "-o", filepath.Join(bin, "synth"), "./generator/internal/synth/cmd")
	// Outside any module: the peers build with their own go.mod, as released.
	env := []string{"GOBIN=" + bin, "GOWORK=off"}
	run(work, env, "go", "install", oapiCodegen)
	run(work, env, "go", "install", ogen)
	check(os.WriteFile(filepath.Join(work, "ogen.yml"), []byte(ogenConfig), 0o644))
	check(os.WriteFile(filepath.Join(work, "oapi-codegen.yml"), []byte(oapiConfig), 0o644))

	gens := []generator{
		{
			name: "wxpaygen",
			args: func(b, spec, out string) []string {
				return []string{b, "-spec", spec, "-out", out, "-package", "wechatpay"}
			},
			module: root, outRoot: filepath.Join(root, "bench", "testdata", "work"),
		},
		{
			name: "oapi-codegen",
			args: func(b, spec, out string) []string {
				return []string{b, "-config", filepath.Join(work, "oapi-codegen.yml"), "-o", filepath.Join(out, "api.gen.go"), spec}
			},
			module: self, outRoot: filepath.Join(self, "testdata", "work"),
		},
		{
			name: "ogen",
			args: func(b, spec, out string) []string {
				return []string{b, "-config", filepath.Join(work, "ogen.yml"), "-package", "api", "-target", out, "-clean", spec}
			},
			module: self, outRoot: filepath.Join(self, "testdata", "work"),
		},
	}
	gens = slices.DeleteFunc(gens, func(g generator) bool { return !slices.Contains(strings.Split(*only, ","), g.name) })
	if !*keep {
		for _, dir := range []string{filepath.Join(root, "bench", "testdata"), filepath.Join(self, "testdata")} {
			defer os.Remove(dir) // only when empty
			defer os.RemoveAll(filepath.Join(dir, "work"))
		}
	}

	sizes := ints(*copies)
	buildSizes := ints(*build)
	results := map[string]map[int]*result{}
	ops := map[int]int{}
	for _, n := range sizes {
		spec := filepath.Join(work, fmt.Sprintf("spec-%d.yaml", n))
		out := run(root, nil, filepath.Join(bin, "synth"), "-copies", strconv.Itoa(n), "-single", "-out", spec, "-exclude", *exclude)
		m := regexp.MustCompile(`operations=(\d+)`).FindStringSubmatch(out)
		if m == nil {
			fail("synth printed %q", out)
		}
		ops[n], _ = strconv.Atoi(m[1])
		for _, g := range gens {
			if results[g.name] == nil {
				results[g.name] = map[int]*result{}
			}
			fmt.Fprintf(os.Stderr, "%s, %d copies (%d operations) ...\n", g.name, n, ops[n])
			r := measure(g, filepath.Join(bin, g.name), spec, n)
			results[g.name][n] = r
			if r.err == "" && slices.Contains(buildSizes, n) {
				r.build, r.built = buildTime(g, n)
			}
		}
	}
	printTable(gens, sizes, ops, results)
}

// measure runs the generator -runs times and counts the output's lines.
func measure(g generator, bin, spec string, n int) *result {
	out := outDir(g, n)
	var walls []time.Duration
	cpu := map[time.Duration]time.Duration{}
	r := &result{}
	for range *runs {
		check(os.RemoveAll(out))
		check(os.MkdirAll(out, 0o755))
		args := g.args(bin, spec, out)
		cmd := exec.Command(args[0], args[1:]...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			r.err = lastLine(stderr.String())
			return r
		}
		walls = append(walls, wall)
		cpu[wall] = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		r.skipped = strings.Count(stderr.String(), "Skipping operation")
	}
	slices.Sort(walls)
	r.gen = walls[len(walls)/2]
	r.cpu = cpu[r.gen]
	r.lines, r.code = countDir(out)
	return r
}

// buildTime compiles the output the way a user rebuilds after regenerating:
// the dependencies come from the build cache (one untimed build first), the
// generated package is compiled anew each time (a file holding a counter
// changes its build ID).
func buildTime(g generator, n int) (time.Duration, bool) {
	out := outDir(g, n)
	pkg := "./" + filepath.ToSlash(must(filepath.Rel(g.module, out)))
	name := packageName(out)
	var times []time.Duration
	for i := -1; i < *builds; i++ {
		nonce := fmt.Sprintf("package %s\n\nconst benchBuild = %d // %d\n", name, i, time.Now().UnixNano())
		check(os.WriteFile(filepath.Join(out, "zz_bench.go"), []byte(nonce), 0o644))
		cmd := exec.Command("go", "build", pkg)
		cmd.Dir = g.module
		cmd.Env = append(os.Environ(), "GOWORK=off")
		start := time.Now()
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: go build %s: %v\n%s\n", g.name, pkg, err, firstLines(string(b), 10))
			return 0, false
		}
		if i >= 0 {
			times = append(times, time.Since(start))
		}
	}
	slices.Sort(times)
	return times[len(times)/2], true
}

func outDir(g generator, n int) string {
	return filepath.Join(g.outRoot, fmt.Sprintf("%s-%d", g.name, n))
}

// countDir counts the lines of the *.go files right in dir (not docs/), and
// those that are neither blank nor only a // comment.
func countDir(dir string) (lines, code int) {
	entries, err := os.ReadDir(dir)
	check(err)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || e.Name() == "zz_bench.go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		check(err)
		for line := range bytes.Lines(b) {
			lines++
			t := bytes.TrimSpace(line)
			if len(t) > 0 && !bytes.HasPrefix(t, []byte("//")) {
				code++
			}
		}
	}
	return lines, code
}

func packageName(dir string) string {
	var name string
	check(fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || name != "" || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.Contains(p, "/") {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			return err
		}
		if m := regexp.MustCompile(`(?m)^package (\w+)`).FindSubmatch(b); m != nil {
			name = string(m[1])
		}
		return nil
	}))
	return name
}

func printTable(gens []generator, sizes []int, ops map[int]int, results map[string]map[int]*result) {
	fmt.Printf("# %s/%s, %d CPUs, %s, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), goVersion(), time.Now().UTC().Format("2006-01-02 15:04 MST"))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(w, "copies\toperations\tgenerator\tgenerate (median wall)\tCPU (user+sys)\tlines of Go/op\tcode lines/op\tgo build\tnotes\t")
	for _, n := range sizes {
		for _, g := range gens {
			r := results[g.name][n]
			if r.err != "" {
				fmt.Fprintf(w, "%d\t%d\t%s\tfailed\t\t\t\t\t%s\t\n", n, ops[n], g.name, r.err)
				continue
			}
			b := "-"
			if r.built {
				b = round(r.build)
			}
			note := ""
			if r.skipped > 0 {
				note = fmt.Sprintf("skipped %d operations", r.skipped)
			}
			fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\t\n", n, ops[n], g.name, round(r.gen), round(r.cpu),
				float64(r.lines)/float64(ops[n]), float64(r.code)/float64(ops[n]), b, note)
		}
	}
	w.Flush()
}

func round(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

func run(dir string, env []string, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if *verbose {
		fmt.Fprintf(os.Stderr, "+ (cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		fail("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			fail("bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "main.") && !strings.HasPrefix(l, "/") {
			return l
		}
	}
	return ""
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "peers: "+format+"\n", args...)
	os.Exit(1)
}
