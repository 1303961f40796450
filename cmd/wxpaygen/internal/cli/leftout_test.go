package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLeftOutSummary: a spec whose problems cost some operations is
// generated without them; each gets a located warning and the run ends with
// the summary line. -strict refuses the same spec and writes nothing.
func TestLeftOutSummary(t *testing.T) {
	spec := filepath.Join("..", "..", "..", "..", "generator", "testdata", "ok_degrade_left_out", "spec")
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := run(t, "-spec", spec, "-out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if got, want := lines[len(lines)-1], "wxpaygen: 1 of 4 operations generated, 3 left out (warnings above)"; got != want {
		t.Errorf("last line %q; want %q", got, want)
	}
	if n := strings.Count(stderr, ": warning: "); n != 4 {
		t.Errorf("%d warnings; want one per left-out operation and one for the left-out schema:\n%s", n, stderr)
	}
	if code, _, stderr := run(t, "-spec", spec, "-out", filepath.Join(t.TempDir(), "strict"), "-strict"); code != ExitFailure || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("-strict: exit %d, %s", code, stderr)
	}
}
