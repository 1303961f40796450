package roundtrip

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generator"
	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
	"github.com/wxpaygen/wxpaygen/internal/roundtrip/driver"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// pkgName is the generated package's name.
const pkgName = "wx"

// Result is what one run measured for a spec.
type Result struct {
	// Ops are every operation of the document, by key (sorted).
	Ops []*OpResult
	// Fidelity are the verdicts on every mutation of every JSON body.
	Fidelity []*Verdict
	// BaseProblems are the JSON bodies whose mutations were not judged,
	// and why.
	BaseProblems []string
	// Generate, Build and Run are the durations of generation, of go test
	// (build and run of the generated package) and of the whole run.
	Generate, GoTest, Total time.Duration
}

// OpResult is one operation's round trip.
type OpResult struct {
	Key string
	// Refused is "" when the round trip succeeded; else who refused
	// (generator, harness, or a driver.Class*) and Reason why.
	Refused string
	Reason  string
}

// Verdict is the server's and the client's answer to one mutation.
type Verdict struct {
	Op           string
	Mutation     mutation
	ServerReason string // "" when the server accepts the body
	ClientReason string // "" when the client's Validate accepts it
	// SentAccepted: the client accepted a body missing a required member
	// that the server refuses, and the server accepts what the client
	// would send instead (with the member's Go zero value).
	SentAccepted bool
}

// Run generates the client of the spec at specPath into a temporary
// package of this module, starts a test server validating against the
// same document, runs the generated driver once in a subprocess (go test,
// without -race, which the harness does not need) and judges what
// happened. It fails t only when it cannot measure; the verdicts are left
// to the caller.
func Run(t *testing.T, specPath string) *Result {
	t.Helper()
	start := time.Now()
	res := &Result{}
	files, diags, err := generator.Generate(generator.Options{Spec: specPath, Package: pkgName})
	if err != nil {
		t.Fatalf("generating the client of %s failed: %d errors:\n%s", specPath, len(diags.Errors()), diags.Errors().Error())
	}
	// The model the files come from, to write the driver; the document, for
	// the cases and the server.
	spec, err := load.Load(specPath)
	if err != nil {
		t.Fatalf("loading %s: %v", specPath, err)
	}
	api, _ := model.Build(spec, model.Options{})
	res.Generate = time.Since(start)

	cases := map[string]*opCase{}
	for _, op := range api.Operations {
		if op.Node != nil {
			c := newCase(op, spec.Doc.Paths.Value(op.Path))
			cases[c.key] = c
		}
	}

	dir, importPath := tempPackage(t)
	for _, name := range files.Names() {
		if strings.HasSuffix(name, ".go") && !strings.Contains(name, "/") {
			writeFile(t, filepath.Join(dir, name), files[name])
		}
	}
	src, err := driverSource(api, cases, importPath, pkgName)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "roundtrip_test.go"), src)
	input := driver.Cases{}
	for k, c := range cases {
		if c.problem == "" {
			input[k] = c.input
		}
	}
	casesFile, reportFile := filepath.Join(dir, "cases.json"), filepath.Join(dir, "report.json")
	writeFile(t, casesFile, mustJSON(input))

	srv := wxtest.NewServer(t, wxtest.Options{Spec: spec.Doc, Handler: wxtest.ValidExampleHandler(spec.Doc), ValidateResponses: true, UnsignedFiles: true})
	goStart := time.Now()
	goTest(t, dir, srv.URL, casesFile, reportFile)
	res.GoTest = time.Since(goStart)

	var report driver.Report
	data, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	requests := map[string]wxtest.RecordedRequest{}
	for _, r := range srv.Requests() {
		if r.Route != nil {
			k := keyOf(r.Route.Method, r.Route.Template)
			if _, ok := requests[k]; !ok {
				requests[k] = r
			}
		}
	}
	res.Ops = judgeOps(spec, cases, report, requests)
	res.Fidelity, res.BaseProblems = judgeFidelity(srv, cases, report, requests)
	res.Total = time.Since(start)
	return res
}

// envKeep, when set, keeps the generated package for a look (go test it
// again with the environment that driver.Env* name).
const envKeep = "WXPAYGEN_ROUNDTRIP_KEEP"

// tempPackage makes a folder for the generated package inside the module
// (so that it may import internal packages), named with a leading "_" so
// that ./... ignores it, removed when the test ends.
func tempPackage(t *testing.T) (dir, importPath string) {
	root, module := moduleRoot(t)
	dir, err := os.MkdirTemp(root, "_roundtrip-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv(envKeep) != "" {
		t.Logf("%s is set: keeping %s", envKeep, dir)
	} else {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	return dir, module + "/" + filepath.Base(dir)
}

// moduleRoot finds go.mod above the working directory.
func moduleRoot(t *testing.T) (dir, module string) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir = wd; ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for line := range strings.Lines(string(data)) {
				if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					return dir, strings.TrimSpace(m)
				}
			}
			t.Fatalf("%s/go.mod names no module", dir)
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", wd)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goTest runs the generated test once: every go vet analyzer over the
// generated package (the output must pass go vet, whatever the spec), no
// -race (the committed package is raced by make test) and no test cache.
func goTest(t *testing.T, dir, url, casesFile, reportFile string) {
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-5*time.Second))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, goTool(), "test", "-count=1", "-vet=all", "-run", "^TestRoundTrip$", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), driver.EnvURL+"="+url, driver.EnvCases+"="+casesFile, driver.EnvReport+"="+reportFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test of the generated package: %v\n%s", err, tail(out, 60))
	}
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// tail is the last n lines of out.
func tail(out []byte, n int) string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// judgeOps gives every operation of the document its verdict: ok only when
// the driver's typed call succeeded and the server recorded a verified
// request routed to that very operation, answered 2xx.
func judgeOps(spec *load.Spec, cases map[string]*opCase, report driver.Report, requests map[string]wxtest.RecordedRequest) []*OpResult {
	var out []*OpResult
	for _, path := range spec.Doc.Paths.InMatchingOrder() {
		for method := range spec.Doc.Paths.Value(path).Operations() {
			k := keyOf(method, path)
			r := &OpResult{Key: k}
			out = append(out, r)
			c := cases[k]
			o := report[k]
			rec, sent := requests[k]
			switch {
			case c == nil:
				r.Refused, r.Reason = "generator", "not generated (see the generator's warnings)"
			case c.problem != "":
				r.Refused, r.Reason = "harness", c.problem
			case o == nil:
				r.Refused, r.Reason = "harness", "the driver did not report it"
			case o.Error != nil:
				r.Refused, r.Reason = o.Error.Class, o.Error.Message
			case !sent:
				r.Refused, r.Reason = "server", "no request was routed to this operation"
			case !rec.Verified:
				r.Refused, r.Reason = "server", fmt.Sprintf("signature refused: %v", rec.AuthError)
			case rec.StatusCode/100 != 2:
				r.Refused, r.Reason = "server", fmt.Sprintf("answered %d", rec.StatusCode)
			}
		}
	}
	slices.SortFunc(out, func(a, b *OpResult) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// judgeFidelity asks the server (CheckRequest on the operation's recorded
// request, with the body replaced) about each mutation and pairs its
// answer with the client's. A body whose valid form either side refuses
// has its mutations left out, listed in problems.
func judgeFidelity(srv *wxtest.Server, cases map[string]*opCase, report driver.Report, requests map[string]wxtest.RecordedRequest) (verdicts []*Verdict, problems []string) {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k, c := range cases {
			if len(c.mutations) > 0 && !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		c, o := cases[k], report[k]
		rec, sent := requests[k]
		switch {
		case c.problem != "" || o == nil || len(o.Checks) != len(c.input.Bodies):
			problems = append(problems, k+": no client verdicts")
			continue
		case !sent:
			problems = append(problems, k+": the valid request never reached the server")
			continue
		}
		check := func(body []byte) string {
			r := httptest.NewRequest(rec.Method, rec.RequestURI, bytes.NewReader(body))
			r.Header = rec.Header.Clone()
			if e := srv.CheckRequest(r, body); e != nil {
				return e.Code + ": " + e.Message
			}
			return ""
		}
		if why := check(c.input.Bodies[0]); why != "" {
			problems = append(problems, k+": the server refuses the valid body: "+why)
			continue
		}
		if f := o.Checks[0].Refused; f != nil {
			problems = append(problems, k+": the client refuses the valid body: "+f.Message)
			continue
		}
		for i, m := range c.mutations {
			v := &Verdict{Op: k, Mutation: m, ServerReason: check(m.body)}
			cv := o.Checks[i+1]
			if f := cv.Refused; f != nil {
				v.ClientReason = f.Class + ": " + f.Message
			} else if v.ServerReason != "" && m.kind == kindRequired {
				v.SentAccepted = check(cv.Sent) == ""
			}
			verdicts = append(verdicts, v)
		}
	}
	return verdicts, problems
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
