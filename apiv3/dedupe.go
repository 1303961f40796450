package apiv3

import (
	"context"
	"errors"
	"strconv"
	"sync"
)

// ClaimState is a NotificationDeduper's answer about a notification id.
type ClaimState int

const (
	// ClaimAcquired: the caller now holds the id and dispatches it, then
	// calls Done (success) or Release (failure) with the claim's token.
	ClaimAcquired ClaimState = iota + 1
	// ClaimInFlight: another delivery of the id holds it and is being
	// handled, here or on another instance. The handler answers 409 so that
	// WeChat Pay delivers it again later.
	ClaimInFlight
	// ClaimHandled: the id was dispatched successfully before; the handler
	// answers 204 without dispatching.
	ClaimHandled
)

func (s ClaimState) String() string {
	switch s {
	case ClaimAcquired:
		return "acquired"
	case ClaimInFlight:
		return "in flight"
	case ClaimHandled:
		return "handled"
	}
	return "ClaimState(" + strconv.Itoa(int(s)) + ")"
}

// ErrNotificationInFlight is the error the notification handler reports
// (WithNotificationErrorHook) for a delivery it answered 409 because another
// delivery of the same notification was being handled.
var ErrNotificationInFlight = errors.New("apiv3: notification already being handled by another delivery")

// NotificationDeduper makes the notification handler dispatch each
// notification exactly once, also when WeChat Pay redelivers it while the
// first delivery is still being handled, and, with a shared store, across
// every instance behind one notify URL (package apiv3/redisdedupe is one on
// Redis). For each verified notification the handler calls Claim; with
// ClaimAcquired it dispatches, then calls Done if the dispatch succeeded or
// Release if it failed, so that the next redelivery is dispatched again.
//
// Implementations must be safe for concurrent use and make Claim atomic:
// of concurrent Claims of one id, at most one gets ClaimAcquired. A store
// shared by processes should let a claim expire (a lease longer than any
// dispatch), so that an instance that dies while dispatching does not hold
// the id forever, and remember handled ids at least as long as WeChat Pay
// redelivers (about a day). Done and Release are called with a context
// that is not cancelled when the delivery's request is.
type NotificationDeduper interface {
	// Claim takes id for one delivery. With ClaimAcquired it returns a
	// token, given back to Done or Release.
	Claim(ctx context.Context, id string) (state ClaimState, token string, err error)
	// Done records id as handled, ending the claim.
	Done(ctx context.Context, id, token string) error
	// Release ends the claim without recording id as handled. It must leave
	// alone a claim held under another token (taken after this one expired).
	Release(ctx context.Context, id, token string) error
}

// DefaultDedupeCapacity is how many notification ids the in-memory deduper
// of NotificationHandler remembers.
const DefaultDedupeCapacity = 10000

// NewMemoryDeduper returns a NotificationDeduper for one process: it
// remembers the last capacity handled ids (a ring: the oldest is forgotten
// first) and the ids being dispatched. Its claims do not expire: the
// handler always ends them, even when the dispatch panics. Several
// instances, or one that restarts, need a shared store instead.
func NewMemoryDeduper(capacity int) NotificationDeduper {
	if capacity <= 0 {
		capacity = DefaultDedupeCapacity
	}
	return &memoryDeduper{
		ids:      make(map[string]struct{}, capacity),
		ring:     make([]string, capacity),
		inFlight: make(map[string]string),
	}
}

type memoryDeduper struct {
	mu       sync.Mutex
	ids      map[string]struct{} // handled
	ring     []string
	next     int
	inFlight map[string]string // id -> token
	tokens   uint64
}

func (d *memoryDeduper) Claim(_ context.Context, id string) (ClaimState, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.ids[id]; ok {
		return ClaimHandled, "", nil
	}
	if _, ok := d.inFlight[id]; ok {
		return ClaimInFlight, "", nil
	}
	d.tokens++
	token := strconv.FormatUint(d.tokens, 10)
	d.inFlight[id] = token
	return ClaimAcquired, token, nil
}

func (d *memoryDeduper) Done(_ context.Context, id, token string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.endClaim(id, token)
	if _, ok := d.ids[id]; ok {
		return nil
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.ids, old)
	}
	d.ring[d.next] = id
	d.ids[id] = struct{}{}
	d.next = (d.next + 1) % len(d.ring)
	return nil
}

func (d *memoryDeduper) Release(_ context.Context, id, token string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.endClaim(id, token)
	return nil
}

// endClaim drops id's claim if token holds it.
func (d *memoryDeduper) endClaim(id, token string) {
	if d.inFlight[id] == token {
		delete(d.inFlight, id)
	}
}
