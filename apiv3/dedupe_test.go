package apiv3_test

import (
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/apiv3/dedupetest"
)

// The in-memory deduper keeps the contract; it serves one process, so both
// "instances" of a subtest share one.
func TestMemoryDeduperContract(t *testing.T) {
	stores := map[*testing.T]apiv3.NotificationDeduper{}
	dedupetest.Run(t, func(t *testing.T) apiv3.NotificationDeduper {
		if stores[t] == nil {
			stores[t] = apiv3.NewMemoryDeduper(100)
		}
		return stores[t]
	})
}
