//go:build !race

package sandbox_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestLoadLargeStore is the measurement of docs/PERFORMANCE.md (not part of
// make test: WXPAY_LOAD_LARGE=1 runs it): the load test (32 clients, 5,000
// add-user-records) on a data file, first empty, then holding 100,000
// records, twice in turn; the rate with 100,000 records must stay within
// 10% of the empty store's (medians of three interleaved rounds: the
// machine is shared).
func TestLoadLargeStore(t *testing.T) {
	if os.Getenv("WXPAY_LOAD_LARGE") == "" {
		t.Skip("a measurement: WXPAY_LOAD_LARGE=1 runs it")
	}
	rates := map[string][]float64{}
	for round := 0; round < 3; round++ {
		for _, seeded := range []bool{false, true} {
			data := filepath.Join(t.TempDir(), "sandbox.db")
			name := "empty"
			if seeded {
				name = "100k"
			}
			e, rate := runLoadWith(t, 32, 5000, func(e *env) {
				if seeded {
					if err := sandbox.SeedRecords(e.srv, "seed", 1000, 100); err != nil {
						t.Fatal(err)
					}
				}
			}, withDataFile(data))
			rates[name] = append(rates[name], rate)
			n, _ := e.srv.StoredRecords()
			fi, _ := os.Stat(data)
			t.Logf("round %d %s: %d records stored after the load, file %d MB", round, name, n, fi.Size()>>20)
		}
	}
	median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	empty, large := median(rates["empty"]), median(rates["100k"])
	t.Logf("requests/s, median of 3 interleaved rounds: empty %.0f %.0f, 100,000 records %.0f %.0f: %.1f%%", empty, rates["empty"], large, rates["100k"], 100*large/empty)
	if large < 0.9*empty {
		t.Errorf("with 100,000 records %.0f requests/s, below 90%% of the empty store's %.0f", large, empty)
	}
}
