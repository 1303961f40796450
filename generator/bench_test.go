package generator

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generator/docs"
	"github.com/wxpaygen/wxpaygen/generator/emit"
	"github.com/wxpaygen/wxpaygen/generator/internal/synth"
	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

// The benchmarks of issue 6 (generator half); docs/PERFORMANCE.md holds the
// numbers and how to rerun them. Each runs on a synthetic spec folder made by
// package synth (N renamed copies of discount-card.yaml plus every other
// bundled document), written once per size outside the timer.
//
// Per-operation metrics divide by the operations under paths of the
// synthetic spec (6 per copy plus the other bundled operations; callbacks,
// 3 per copy, are not counted).

var (
	benchCopies  = flag.String("bench.copies", "10,100,1000", "comma-separated sizes (copies of discount-card.yaml) for BenchmarkGenerate")
	benchStages  = flag.Int("bench.stages", 100, "size (copies) for BenchmarkStages")
	benchExclude = flag.String("bench.exclude", "", "comma-separated bundled spec files to leave out of the synthetic specs")
)

type synthSpec struct {
	dir   string
	stats synth.Stats
}

var synthCache = map[int]synthSpec{}

// writeSynth writes (once per size and test binary) the synthetic spec folder
// of copies copies into a temporary folder.
func writeSynth(tb testing.TB, copies int) synthSpec {
	tb.Helper()
	if s, ok := synthCache[copies]; ok {
		return s
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("wxpaygen-synth-%d-", copies))
	if err != nil {
		tb.Fatal(err)
	}
	opts := synth.Options{Copies: copies}
	if *benchExclude != "" {
		opts.Exclude = strings.Split(*benchExclude, ",")
	}
	st, err := synth.Write(dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	s := synthSpec{dir: dir, stats: st}
	synthCache[copies] = s
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range synthCache {
		os.RemoveAll(s.dir)
	}
	os.Exit(code)
}

func benchSizes(b *testing.B) []int {
	var sizes []int
	for _, f := range strings.Split(*benchCopies, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			b.Fatalf("-bench.copies: bad size %q", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// BenchmarkGenerate runs Generate (load, model, emit, docs; nothing written)
// on the synthetic specs. Besides ns/op, B/op and allocs/op it reports
// ns/operation, B/operation (bytes allocated) and bytes-out/operation (size
// of the generated files, Go and Markdown).
func BenchmarkGenerate(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("copies=%d", n), func(b *testing.B) {
			s := writeSynth(b, n)
			ops := float64(s.stats.Operations)
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			out := 0
			cpu0 := processCPU()
			b.ResetTimer()
			for b.Loop() {
				files, list, err := Generate(Options{Spec: s.dir, Package: "wechatpay"})
				if err != nil {
					b.Fatalf("%v\n%v", err, list)
				}
				out = 0
				for _, c := range files {
					out += len(c)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/ops, "ns/operation")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/ops, "B/operation")
			b.ReportMetric(float64(out)/ops, "bytes-out/operation")
			reportCPU(b, cpu0)
		})
	}
}

// BenchmarkStages times each stage of Generate on its own on the 100-copy
// spec (-bench.stages), to say where generation time goes. Each reports
// cpu-ns/op too: emit and docs run on both cores, and on this shared machine
// their CPU time is steadier than their wall time.
func BenchmarkStages(b *testing.B) {
	s := writeSynth(b, *benchStages)
	spec, err := load.Load(s.dir)
	if err != nil {
		b.Fatal(err)
	}
	api, list := model.Build(spec, model.Options{})
	if err := list.Err(); err != nil {
		b.Fatal(err)
	}
	stage := func(name string, run func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if err := run(); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
	stage("load", func() error { _, err := load.Load(s.dir); return err })
	stage("lint", func() error { spec.Lint(); return nil })
	stage("model", func() error { model.Build(spec, model.Options{}); return nil })
	stage("emit", func() error { _, err := emit.Go(api, "wechatpay"); return err })
	stage("docs", func() error { _, err := docs.Render(api, "wechatpay"); return err })
}

// BenchmarkBuildGenerated times `go build` of the package generated from the
// 100-copy spec, as a user's rebuild after regenerating: dependencies (apiv3,
// the standard library) come from the build cache, the generated package is
// compiled anew every time (a file holding the iteration number changes its
// build ID). It reports lines/operation (every line of the *.go files) and
// code-lines/operation (lines that are neither blank nor only a comment).
func BenchmarkBuildGenerated(b *testing.B) {
	s := writeSynth(b, 100)
	files, list, err := Generate(Options{Spec: s.dir, Package: "wechatpay"})
	if err != nil {
		b.Fatalf("%v\n%v", err, list)
	}
	benchBuild(b, files, float64(s.stats.Operations))
}

// corpusPath is the real-world corpus (training half), beside the checkout.
const corpusPath = "../../shared/corpus/apiv3-train.yaml"

// corpusOrSkip returns the corpus path, or skips when it is absent.
func corpusOrSkip(b *testing.B) string {
	if _, err := os.Stat(corpusPath); err != nil {
		b.Skipf("the real-world corpus is not at %s (it lives in ../shared beside the checkout): %v", corpusPath, err)
	}
	return corpusPath
}

// BenchmarkGenerateCorpus generates the real-world corpus (584 operations
// of 50 products, as specs exist in the wild), whole and every tenth path of
// it (synth.Share, with the components those paths reach): issue 15's budget
// is on ns/operation growing at most 1.2x from the share to the whole.
func BenchmarkGenerateCorpus(b *testing.B) {
	spec := corpusOrSkip(b)
	whole, err := os.ReadFile(spec)
	if err != nil {
		b.Fatal(err)
	}
	tenth, err := synth.Share(whole, 10)
	if err != nil {
		b.Fatal(err)
	}
	part := filepath.Join(b.TempDir(), "apiv3-train-10.yaml")
	if err := os.WriteFile(part, tenth, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, spec string }{{"share=10%", part}, {"share=100%", spec}} {
		b.Run(c.name, func(b *testing.B) { benchGenerateFile(b, c.spec) })
	}
}

func benchGenerateFile(b *testing.B, spec string) {
	var ops float64
	out := 0
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		r := Run(Options{Spec: spec, Package: "wx"})
		if r.Err != nil {
			b.Fatalf("%v\n%v", r.Err, r.Diagnostics)
		}
		ops, out = float64(r.Operations), 0
		for _, c := range r.Files {
			out += len(c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/ops, "ns/operation")
	b.ReportMetric(ops, "operations")
	b.ReportMetric(float64(out), "bytes-out")
	reportCPU(b, cpu0)
}

// BenchmarkBuildCorpus is go build of the corpus's package after a change.
func BenchmarkBuildCorpus(b *testing.B) {
	r := Run(Options{Spec: corpusOrSkip(b), Package: "wx"})
	if r.Err != nil {
		b.Fatalf("%v\n%v", r.Err, r.Diagnostics)
	}
	benchBuild(b, r.Files, float64(r.Operations))
}

// benchBuild times go build of a generated package after a one-line change
// (a new file holding a constant), the dependencies already built.
func benchBuild(b *testing.B, files Files, ops float64) {
	// Inside testdata, so that ./... patterns of concurrent go commands skip it.
	root, err := os.MkdirTemp("testdata", "bench-build-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(root) })
	pkg := filepath.Join(root, "wechatpay")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		b.Fatal(err)
	}
	var lines, code int
	var pkgName string
	for name, c := range files {
		if !strings.HasSuffix(name, ".go") || strings.Contains(name, "/") {
			continue
		}
		if err := os.WriteFile(filepath.Join(pkg, name), c, 0o644); err != nil {
			b.Fatal(err)
		}
		if pkgName == "" {
			pkgName = packageName(c)
		}
		l, k := countLines(c)
		lines += l
		code += k
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := func(i int) {
		nonce := fmt.Sprintf("package %s\n\nconst benchBuild = %d // %d\n", pkgName, i, time.Now().UnixNano())
		if err := os.WriteFile(filepath.Join(pkg, "zz_bench.go"), []byte(nonce), 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(goBin, "build", "./"+filepath.ToSlash(pkg))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	build(-1) // dependencies into the build cache
	i := 0
	for b.Loop() {
		build(i)
		i++
	}
	b.ReportMetric(float64(lines)/ops, "lines/operation")
	b.ReportMetric(float64(code)/ops, "code-lines/operation")
	b.ReportMetric(float64(lines), "lines")
}

// packageName reads the package clause of generated Go source.
func packageName(src []byte) string {
	for _, line := range strings.Split(string(src), "\n") {
		if name, ok := strings.CutPrefix(line, "package "); ok {
			return strings.TrimSpace(name)
		}
	}
	return "wechatpay"
}

// reportCPU reports the process CPU time since cpu0 per iteration as
// cpu-ns/op, unless processCPU is unavailable here.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu0 < 0 {
		return
	}
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU is the user+system CPU time of this process so far (Linux:
// /proc/self/stat, 10 ms resolution), or -1 elsewhere. Wall time depends on
// what else the machine runs; CPU time much less.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name (which is in parentheses): state is
	// field 3; utime and stime are fields 14 and 15, in clock ticks (100/s).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	var ut, st int64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return -1
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// countLines returns the number of lines of Go source and of those that are
// neither blank nor only a // comment.
func countLines(src []byte) (lines, code int) {
	for line := range bytes.Lines(src) {
		lines++
		t := bytes.TrimSpace(line)
		if len(t) > 0 && !bytes.HasPrefix(t, []byte("//")) {
			code++
		}
	}
	return lines, code
}
