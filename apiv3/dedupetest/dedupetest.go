// Package dedupetest checks that an apiv3.NotificationDeduper keeps the
// contract the notification handler relies on for exactly-once dispatch.
// Run it from the tests of any store:
//
//	func TestContract(t *testing.T) {
//		dedupetest.Run(t, func(t *testing.T) apiv3.NotificationDeduper { return newStore(t) })
//	}
//
// newDeduper must return a store that remembers nothing yet (a fresh key
// prefix or database); two calls within one subtest must return two views of
// one store, as two instances behind one notify URL would have.
package dedupetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// Run runs every check as a subtest.
func Run(t *testing.T, newDeduper func(t *testing.T) apiv3.NotificationDeduper) {
	t.Run("ClaimDoneHandled", func(t *testing.T) { claimDoneHandled(t, newDeduper(t)) })
	t.Run("InFlightUntilReleased", func(t *testing.T) { inFlightUntilReleased(t, newDeduper(t)) })
	t.Run("StaleTokenKeepsTheClaim", func(t *testing.T) { staleTokenKeepsTheClaim(t, newDeduper(t)) })
	t.Run("ConcurrentClaims", func(t *testing.T) {
		concurrentClaims(t, newDeduper(t), newDeduper(t))
	})
}

func claim(t *testing.T, d apiv3.NotificationDeduper, id string, want apiv3.ClaimState) string {
	t.Helper()
	state, token, err := d.Claim(context.Background(), id)
	if err != nil {
		t.Fatalf("Claim(%s): %v", id, err)
	}
	if state != want {
		t.Fatalf("Claim(%s) = %v, want %v", id, state, want)
	}
	if state == apiv3.ClaimAcquired && token == "" {
		t.Fatalf("Claim(%s) acquired with an empty token", id)
	}
	return token
}

func claimDoneHandled(t *testing.T, d apiv3.NotificationDeduper) {
	ctx := context.Background()
	token := claim(t, d, "EV-1", apiv3.ClaimAcquired)
	claim(t, d, "EV-1", apiv3.ClaimInFlight)
	claim(t, d, "EV-2", apiv3.ClaimAcquired) // ids are independent
	if err := d.Done(ctx, "EV-1", token); err != nil {
		t.Fatal(err)
	}
	claim(t, d, "EV-1", apiv3.ClaimHandled)
	claim(t, d, "EV-1", apiv3.ClaimHandled)
}

func inFlightUntilReleased(t *testing.T, d apiv3.NotificationDeduper) {
	ctx := context.Background()
	token := claim(t, d, "EV-1", apiv3.ClaimAcquired)
	if err := d.Release(ctx, "EV-1", token); err != nil {
		t.Fatal(err)
	}
	again := claim(t, d, "EV-1", apiv3.ClaimAcquired)
	if again == token {
		t.Errorf("two claims of EV-1 got the same token %q", token)
	}
}

// A Release or Done under a token that no longer holds the claim (it
// expired and another delivery took it) must not end the new claim.
func staleTokenKeepsTheClaim(t *testing.T, d apiv3.NotificationDeduper) {
	ctx := context.Background()
	token := claim(t, d, "EV-1", apiv3.ClaimAcquired)
	if err := d.Release(ctx, "EV-1", "not-"+token); err != nil {
		t.Fatal(err)
	}
	claim(t, d, "EV-1", apiv3.ClaimInFlight)
}

// Of many concurrent claims of one id, from two views of the store, exactly
// one is acquired.
func concurrentClaims(t *testing.T, a, b apiv3.NotificationDeduper) {
	const ids, claimers = 50, 8
	var mu sync.Mutex
	acquired := map[string]int{}
	var wg sync.WaitGroup
	for g := range claimers {
		d := a
		if g%2 == 1 {
			d = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprintf("EV-%d", i)
				state, _, err := d.Claim(context.Background(), id)
				if err != nil {
					t.Error(err)
					return
				}
				if state == apiv3.ClaimAcquired {
					mu.Lock()
					acquired[id]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		if n := acquired[fmt.Sprintf("EV-%d", i)]; n != 1 {
			t.Errorf("EV-%d acquired %d times, want 1", i, n)
		}
	}
}
