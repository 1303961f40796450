//go:build !race

package sandbox_test

import "testing"

// TestLoad is the full bounded load test: 32 clients, 5,000 add-user-records.
// It is left out under the race detector (too slow there: see TestLoadSmall)
// and in -short mode.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	runLoad(t, 32, 5000)
}
