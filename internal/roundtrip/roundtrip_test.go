package roundtrip

import (
	"os"
	"testing"
)

// corpus is the real-world APIv3 corpus beside the clone (CI has ../shared).
const corpus = "../../../shared/corpus/apiv3-train.yaml"

func TestRoundTripBundledSpec(t *testing.T) { check(t, "../../spec") }

func TestRoundTripCorpus(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("the corpus ../shared/corpus/apiv3-train.yaml (relative to the repository root) is absent: %v", err)
	}
	check(t, corpus)
}

// TestRoundTripSpec runs on the spec file or folder that
// WXPAYGEN_ROUNDTRIP_SPEC names, to measure any spec by hand.
func TestRoundTripSpec(t *testing.T) {
	spec := os.Getenv("WXPAYGEN_ROUNDTRIP_SPEC")
	if spec == "" {
		t.Skip("set WXPAYGEN_ROUNDTRIP_SPEC to a spec file or folder to run the round trip on it")
	}
	check(t, spec)
}

// check runs the round trip and the fidelity test of one spec: every
// operation must be ok, and every disagreement but the excused class fails.
func check(t *testing.T, spec string) {
	if testing.Short() {
		t.Skip("builds and runs a generated package; not in -short mode")
	}
	res := Run(t, spec)
	t.Run("roundtrip", func(t *testing.T) {
		text, failed := res.RoundTripReport()
		t.Log("\n" + text)
		if failed {
			t.Error("every operation must round-trip")
		}
	})
	t.Run("fidelity", func(t *testing.T) {
		text, n := res.FidelityReport()
		t.Log("\n" + text)
		if n > 0 {
			t.Errorf("%d disagreements between the server and the client's Validate", n)
		}
	})
}
