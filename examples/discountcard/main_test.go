package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/docsnippet"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// raceEnabled is set by race_test.go, so that the demo script builds with
// -race too and reuses what `go test -race` has just compiled.
var raceEnabled bool

// startSandbox writes a setup into a temporary directory and serves it on
// loopback with the given faults.
func startSandbox(t *testing.T, faults string) (dir, baseURL string) {
	t.Helper()
	dir = t.TempDir()
	if _, err := sandbox.Init(dir, sandbox.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, err := sandbox.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Faults, err = sandbox.ParseFaults(faults); err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return dir, hs.URL
}

// TestDemo runs the example in process against the sandbox, as
// scripts/demo.sh does with the binaries.
func TestDemo(t *testing.T) {
	for _, tt := range []struct {
		name, faults string
		attempts     map[string]int // "METHOD path-suffix" -> attempts printed by -v
	}{
		{name: "clean", attempts: map[string]int{"POST /cards": 1, "POST /add-user-records": 1, "GET": 1}},
		{
			name:     "flaky",
			faults:   "drop,times=1,op=addUserRecords;202,times=1,op=addUserRecords;500,times=1,op=getCard",
			attempts: map[string]int{"POST /cards": 1, "POST /add-user-records": 3, "GET": 2},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, baseURL := startSandbox(t, tt.faults)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out bytes.Buffer
			if err := run(ctx, &out, options{dir: dir, baseURL: baseURL, appID: "wxd678efh567hg6787", verbose: true}); err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			got := out.String()
			for _, want := range []string{
				"1. prepareCard    out_card_code=demo-",
				"2. user claimed",
				"3. USER_ACCEPTED  card_id=",
				"4. addUserRecords HTTP 204",
				"5. getCard        state=ONGOING",
				`"一周购买三次商品": 1 record(s)`,
				`"满10减3优惠券": 1 record(s)`,
			} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			counts := map[string]int{}
			for _, line := range strings.Split(got, "\n") {
				line = strings.TrimSpace(line)
				if !strings.HasPrefix(line, "> ") {
					continue
				}
				method, url, _ := strings.Cut(strings.TrimPrefix(line, "> "), " ")
				url, _, _ = strings.Cut(url, ": ")
				switch {
				case method == "GET":
					counts["GET"]++
				case strings.HasSuffix(url, "/add-user-records"):
					counts["POST /add-user-records"]++
				case strings.HasSuffix(url, "/cards"):
					counts["POST /cards"]++
				}
			}
			for k, n := range tt.attempts {
				if counts[k] != n {
					t.Errorf("%s: %d attempts, want %d\n%s", k, counts[k], n, got)
				}
			}
		})
	}
}

func TestDemoFails(t *testing.T) {
	dir, baseURL := startSandbox(t, "429,op=prepareCard")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, &out, options{dir: dir, baseURL: baseURL, appID: "wxd678efh567hg6787"})
	if err == nil || !strings.Contains(err.Error(), "prepareCard") || !strings.Contains(err.Error(), "RATELIMIT_EXCEEDED") {
		t.Errorf("err = %v, want prepareCard's 429 (a POST that is not idempotent is not retried)", err)
	}

	if err := run(ctx, &out, options{dir: dir}); err == nil || !strings.Contains(err.Error(), "WXPAY_BASE_URL") {
		t.Errorf("no base URL: err = %v", err)
	}
	if err := run(ctx, &out, options{dir: t.TempDir(), baseURL: baseURL}); err == nil || !strings.Contains(err.Error(), "wxpay.json") {
		t.Errorf("no setup: err = %v", err)
	}
}

// TestDemoScript runs scripts/demo.sh itself: build, init, serve, run, stop,
// as the README's DEMO_FAULT='...' make demo does: without -v, which the
// script adds for a fault so that the retries show.
func TestDemoScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries; skipped with -short")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	script, err := filepath.Abs("../../scripts/demo.sh")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, script)
	cmd.Env = append(os.Environ(), "GO="+goCmd, "DEMO_FAULT=500,times=1,op=getCard")
	if raceEnabled {
		cmd.Env = append(cmd.Env, "GOFLAGS=-race "+os.Getenv("GOFLAGS"))
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"sandbox listening on http://127.0.0.1:", "HTTP 500", "4. addUserRecords HTTP 204",
		"==> examples/payment", "4. TRANSACTION.SUCCESS", "5. queryOrder        trade_state=SUCCESS", "8. REFUND.SUCCESS", "==> demo passed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("demo.sh took %v", time.Since(start).Round(time.Millisecond))
}

// TestHelp: -h names each flag's value, not a phrase of its usage.
func TestHelp(t *testing.T) {
	var o options
	var timeout time.Duration
	fs := newFlagSet(&o, &timeout)
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	for _, want := range []string{"-dir directory\n", "directory written by wxpay-sandbox init", "-base-url URL\n", "-appid AppID\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("-h lacks %q:\n%s", want, b.String())
		}
	}
}

// TestREADMEShowsWhatRuns: the quickstart's output of this example is the
// output of a run, but for ids, times and ports.
func TestREADMEShowsWhatRuns(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := docsnippet.ShownOutput(string(readme), "## Quickstart", "==> examples/discountcard", "==> examples/payment")
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	dir, baseURL := startSandbox(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, options{dir: dir, baseURL: baseURL, appID: "wxd678efh567hg6787"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(got) != len(shown) {
		t.Fatalf("README.md shows %d lines, a run prints %d:\n%s\n---\n%s", len(shown), len(got), strings.Join(shown, "\n"), out.String())
	}
	for i := range got {
		if docsnippet.Shape(shown[i]) != docsnippet.Shape(got[i]) {
			t.Errorf("README.md line %d:\n  shown %s\n  runs  %s", i+1, shown[i], got[i])
		}
	}
}
