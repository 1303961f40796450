package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestNotifierOneRunnerPerQueue enqueues many notifications per card from
// many goroutines at once. Each must arrive exactly once, in the order of
// its card's queue: two runners for one queue (the race fixed here) deliver
// one notification twice and then slice an empty queue.
func TestNotifierOneRunnerPerQueue(t *testing.T) {
	const cards, perCard = 4, 100
	var mu sync.Mutex
	got := map[string]int{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct{ ID string }
		json.NewDecoder(r.Body).Decode(&env)
		mu.Lock()
		got[env.ID]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hs.Close()
	s := newTestServer(t)
	var wg sync.WaitGroup
	for c := 0; c < cards; c++ {
		// Enqueue in waves that let the queue drain in between: the
		// runner's window between "queue now empty" and "queue deleted" is
		// where a second runner used to start.
		for w := 0; w < perCard/10; w++ {
			for i := 0; i < 10; i++ {
				wg.Go(func() {
					time.Sleep(time.Duration(w) * 300 * time.Microsecond)
					ds, e := s.update(func(t *tx) error {
						return t.enqueue(fmt.Sprintf("card-%d", c), hs.URL, eventUserAccepted, time.Now(), []byte(`{}`))
					})
					if e != nil {
						t.Error(e)
					}
					s.notifier.push(ds)
				})
			}
		}
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitNotifications(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != cards*perCard {
		t.Errorf("%d distinct notifications delivered, want %d", len(got), cards*perCard)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("notification %s delivered %d times", id, n)
		}
	}
	if st := s.NotificationStats(); st.Delivered != cards*perCard || st.Pending != 0 {
		t.Errorf("stats %+v", st)
	}
}
