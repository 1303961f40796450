// Package redisdedupe is an apiv3.NotificationDeduper on Redis, for
// merchants that run several instances behind one notify URL, or restart
// one: each WeChat Pay notification is dispatched once across all of them.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store, err := redisdedupe.New(rdb)
//	...
//	http.Handle("/wxpay/notify", client.NotificationHandler(handlers, apiv3.WithDeduper(store)))
//
// For each notification id the store keeps one key, prefix + id:
//
//   - a claim ("lease:" + a random token) while one delivery dispatches it,
//     set only if the key is absent, expiring after the lease (WithLease,
//     default one minute) so that an instance that dies while dispatching
//     holds the id no longer than that; a delivery meeting a claim is
//     answered 409 and WeChat Pay delivers it again later;
//   - "handled" after a successful dispatch, kept for WithRemember (default
//     three days: WeChat Pay redelivers for about a day);
//   - nothing after a failed dispatch, so that the next delivery dispatches
//     it again.
//
// Each step is one Lua script, so that claims are atomic on one Redis and
// on a cluster alike (one key per script). The lease must be longer than
// any dispatch: a dispatch still running when its lease expires can be run
// a second time by a redelivery. Merchants sharing one Redis use one prefix
// each (WithKeyPrefix).
package redisdedupe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// Defaults of the options.
const (
	DefaultKeyPrefix = "wxpaygen:notify:"
	DefaultLease     = time.Minute
	DefaultRemember  = 72 * time.Hour
)

// handled is the value of a handled id; claims are "lease:"+token, so never
// equal to it.
const handled = "handled"

// claimScript answers 1 (acquired, the key now holds the claim), 2 (in
// flight) or 3 (handled).
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if v == ARGV[3] then return 3 end
return 2
`)

// releaseScript deletes the key only while it holds this claim: after an
// expiry another delivery's claim, or "handled", must stay.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Store is the deduper. It is safe for concurrent use, as the Redis client
// is.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	lease    time.Duration
	remember time.Duration
}

var _ apiv3.NotificationDeduper = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithKeyPrefix sets the prefix of the keys (default DefaultKeyPrefix).
func WithKeyPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithLease sets how long a claim holds an id without Done or Release
// (default DefaultLease): longer than any dispatch, short enough for a
// notification claimed by an instance that died to be dispatched again soon
// after (WeChat Pay's redeliveries come 15 s, 15 s, 30 s, 3 min, ... apart).
func WithLease(d time.Duration) Option { return func(s *Store) { s.lease = d } }

// WithRemember sets how long a handled id is remembered (default
// DefaultRemember).
func WithRemember(d time.Duration) Option { return func(s *Store) { s.remember = d } }

// New returns a store on rdb (a *redis.Client, *redis.ClusterClient,
// *redis.Ring or failover client).
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, errors.New("redisdedupe: nil Redis client")
	}
	s := &Store{rdb: rdb, prefix: DefaultKeyPrefix, lease: DefaultLease, remember: DefaultRemember}
	for _, o := range opts {
		o(s)
	}
	switch {
	case s.lease < time.Millisecond:
		return nil, fmt.Errorf("redisdedupe: WithLease(%v): want at least a millisecond", s.lease)
	case s.remember < s.lease:
		return nil, fmt.Errorf("redisdedupe: WithRemember(%v): want at least the lease (%v)", s.remember, s.lease)
	}
	return s, nil
}

// Claim takes id for one delivery.
func (s *Store) Claim(ctx context.Context, id string) (apiv3.ClaimState, string, error) {
	token, err := newToken()
	if err != nil {
		return 0, "", err
	}
	n, err := claimScript.Run(ctx, s.rdb, []string{s.prefix + id}, token, s.lease.Milliseconds(), handled).Int()
	if err != nil {
		return 0, "", fmt.Errorf("redisdedupe: claim: %w", err)
	}
	switch n {
	case 1:
		return apiv3.ClaimAcquired, token, nil
	case 2:
		return apiv3.ClaimInFlight, "", nil
	case 3:
		return apiv3.ClaimHandled, "", nil
	}
	return 0, "", fmt.Errorf("redisdedupe: claim: the script answered %d", n)
}

// Done records id as handled for the remember time, whoever holds the
// claim now: the notification was dispatched.
func (s *Store) Done(ctx context.Context, id, _ string) error {
	if err := s.rdb.Set(ctx, s.prefix+id, handled, s.remember).Err(); err != nil {
		return fmt.Errorf("redisdedupe: done: %w", err)
	}
	return nil
}

// Release ends the claim held under token, if it still holds id.
func (s *Store) Release(ctx context.Context, id, token string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.prefix + id}, token).Err(); err != nil {
		return fmt.Errorf("redisdedupe: release: %w", err)
	}
	return nil
}

// newToken is a claim's value: random, so that only its holder can
// release it.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("redisdedupe: token: %w", err)
	}
	return "lease:" + hex.EncodeToString(b[:]), nil
}
