package redisdedupe_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/apiv3/dedupetest"
	"github.com/wxpaygen/wxpaygen/apiv3/redisdedupe"
)

func newStore(t *testing.T, addr, prefix string, opts ...redisdedupe.Option) *redisdedupe.Store {
	t.Helper()
	s, err := redisdedupe.New(newRedisClient(t, addr), append([]redisdedupe.Option{redisdedupe.WithKeyPrefix(prefix)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The store keeps the deduper contract; both views of a subtest are stores
// of their own, on connections of their own, sharing one Redis and prefix.
func TestContract(t *testing.T) {
	addr := startRedis(t)
	dedupetest.Run(t, func(t *testing.T) apiv3.NotificationDeduper {
		return newStore(t, addr, t.Name()+":")
	})
}

// A claim expires after the lease, so that an instance that died while
// dispatching does not hold the id forever; the late holder's Release then
// leaves the new claim alone. A handled id is forgotten after the remember
// time.
func TestLeaseAndRememberExpire(t *testing.T) {
	t.Parallel() // it mostly sleeps
	addr := startRedis(t)
	ctx := context.Background()
	// Long enough that a loaded CI machine does not see a lease expire
	// between two steps meant to fall inside it.
	const lease = time.Second
	a := newStore(t, addr, "exp:", redisdedupe.WithLease(lease), redisdedupe.WithRemember(2*lease))
	b := newStore(t, addr, "exp:", redisdedupe.WithLease(lease), redisdedupe.WithRemember(2*lease))

	claim := func(s *redisdedupe.Store, want apiv3.ClaimState) string {
		t.Helper()
		state, token, err := s.Claim(ctx, "EV-1")
		if err != nil || state != want {
			t.Fatalf("Claim = %v, %v; want %v", state, err, want)
		}
		return token
	}
	dead := claim(a, apiv3.ClaimAcquired) // a dies holding it
	claim(b, apiv3.ClaimInFlight)
	time.Sleep(lease + 50*time.Millisecond)
	live := claim(b, apiv3.ClaimAcquired)
	if err := a.Release(ctx, "EV-1", dead); err != nil {
		t.Fatal(err)
	}
	claim(a, apiv3.ClaimInFlight) // b's claim survived a's late Release
	if err := b.Done(ctx, "EV-1", live); err != nil {
		t.Fatal(err)
	}
	claim(a, apiv3.ClaimHandled)
	time.Sleep(2*lease + 50*time.Millisecond)
	claim(a, apiv3.ClaimAcquired)
}

func TestNewRefuses(t *testing.T) {
	if _, err := redisdedupe.New(nil); err == nil {
		t.Error("nil client accepted")
	}
	rdb := newRedisClient(t, "127.0.0.1:1")
	if _, err := redisdedupe.New(rdb, redisdedupe.WithLease(0)); err == nil {
		t.Error("zero lease accepted")
	}
	if _, err := redisdedupe.New(rdb, redisdedupe.WithLease(time.Hour), redisdedupe.WithRemember(time.Minute)); err == nil {
		t.Error("remembering handled ids for less than the lease accepted")
	}
}
