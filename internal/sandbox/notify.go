package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/payments"
)

// Event types of the discount-card notifications.
const (
	eventUserAccepted   = "DISCOUNT_CARD.USER_ACCEPTED"
	eventAgreementEnded = "DISCOUNT_CARD.AGREEMENT_ENDED"
	eventUserPaid       = "DISCOUNT_CARD.USER_PAID"
)

var summaries = map[string]string{
	eventUserAccepted:   "用户领卡",
	eventAgreementEnded: "守约状态变化",
	eventUserPaid:       "扣费状态变化",
}

// NotificationStats counts deliveries.
type NotificationStats struct {
	Delivered int `json:"delivered"` // acknowledged with a 2xx
	Attempts  int `json:"attempts"`  // POSTs made, failed ones included
	Abandoned int `json:"abandoned"` // given up after NotifyAttempts
	Pending   int `json:"pending"`   // queued or being retried
}

// delivery is a notification in the outbox (store.go).
type delivery struct {
	Seq       uint64    `json:"-"`     // its outbox key: the order of queueing
	Queue     string    `json:"queue"` // one queue per card: its notifications arrive in order
	URL       string    `json:"url"`
	EventType string    `json:"event_type"`
	ID        string    `json:"id"`
	Created   time.Time `json:"created"`
	Plaintext []byte    `json:"plaintext"`
}

// notifier delivers the outbox: one FIFO queue per card, so that a card's
// notifications arrive in the order they happened, and exactly one runner
// per non-empty queue; each notification is retried with capped
// exponential backoff until acknowledged or out of attempts, and leaves the
// outbox only then. Delivery is at least once: a crash between the
// acknowledgement and the removal sends it again after the restart, with
// the same id.
type notifier struct {
	s      *Server
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	sent    uint64 // notifications signed, for the alternation of ModeBoth
	queues  map[string][]*delivery
	running map[string]bool // queues that have a runner; it alone removes its queue
	stats   NotificationStats
	idle    chan struct{} // closed and replaced when nothing is pending
}

func newNotifier(s *Server) *notifier {
	ctx, cancel := context.WithCancel(context.Background())
	client := s.cfg.NotifyClient
	if client == nil {
		client = &http.Client{
			Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	if s.cfg.NotifyAttempts <= 0 {
		s.cfg.NotifyAttempts = 10
	}
	if s.cfg.NotifyBackoff <= 0 {
		s.cfg.NotifyBackoff = 200 * time.Millisecond
	}
	if s.cfg.NotifyMaxBackoff <= 0 {
		s.cfg.NotifyMaxBackoff = 5 * time.Second
	}
	return &notifier{s: s, client: client, ctx: ctx, cancel: cancel,
		queues: map[string][]*delivery{}, running: map[string]bool{}, idle: make(chan struct{})}
}

// push hands committed notifications to their queues, in outbox order
// (two transactions may commit in one order and push in the other).
func (n *notifier) push(ds []*delivery) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ctx.Err() != nil {
		return // closing: they stay in the outbox for the next start
	}
	for _, d := range ds {
		q := n.queues[d.Queue]
		i, _ := slices.BinarySearchFunc(q, d.Seq, func(e *delivery, seq uint64) int { return cmpSeq(e.Seq, seq) })
		if i == 0 && len(q) > 0 && n.running[d.Queue] {
			i = 1 // the head is being delivered: never jump ahead of it
		}
		n.queues[d.Queue] = slices.Insert(q, i, d)
		n.stats.Pending++
		if !n.running[d.Queue] {
			n.running[d.Queue] = true
			n.wg.Add(1)
			go n.run(d.Queue)
		}
	}
}

func cmpSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// run delivers one queue until it is empty, then removes it, all under
// the lock that push takes: a queue that has items always has its one runner.
func (n *notifier) run(queue string) {
	defer n.wg.Done()
	for {
		n.mu.Lock()
		q := n.queues[queue]
		if len(q) == 0 || n.ctx.Err() != nil {
			delete(n.queues, queue)
			delete(n.running, queue)
			n.mu.Unlock()
			return
		}
		d := q[0]
		n.mu.Unlock()

		ok, stopped := n.deliver(d)
		if stopped {
			return // closing: d stays in the outbox
		}
		if err := n.s.store.delivered(d.Seq); err != nil {
			// It is sent again after a restart: at least once.
			n.s.cfg.Logf("sandbox: removing %s %s from the outbox: %v", d.EventType, d.ID, err)
		}

		n.mu.Lock()
		n.queues[queue] = n.queues[queue][1:]
		n.stats.Pending--
		if ok {
			n.stats.Delivered++
		} else {
			n.stats.Abandoned++
		}
		if n.stats.Pending == 0 {
			close(n.idle)
			n.idle = make(chan struct{})
		}
		n.mu.Unlock()
	}
}

// deliver POSTs d until a 2xx answer, NotifyAttempts times at most;
// stopped reports that the notifier was closed first.
func (n *notifier) deliver(d *delivery) (ok, stopped bool) {
	cfg := &n.s.cfg
	wait := cfg.NotifyBackoff
	for attempt := 1; attempt <= cfg.NotifyAttempts; attempt++ {
		err := n.post(d)
		if n.ctx.Err() != nil {
			return false, true
		}
		if err == nil {
			cfg.Logf("sandbox: %s %s delivered to %s (attempt %d)", d.EventType, d.ID, d.URL, attempt)
			return true, false
		}
		cfg.Logf("sandbox: %s %s to %s, attempt %d: %v", d.EventType, d.ID, d.URL, attempt, err)
		if attempt == cfg.NotifyAttempts {
			break
		}
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
			return false, true
		}
		wait = min(2*wait, cfg.NotifyMaxBackoff)
	}
	cfg.Logf("sandbox: %s %s to %s abandoned after %d attempts", d.EventType, d.ID, d.URL, cfg.NotifyAttempts)
	return false, false
}

func (n *notifier) post(d *delivery) error {
	body, err := n.s.envelope(d)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/4.0")
	n.s.front.Signer.SignResponse(req.Header, body, n.s.now(), n.serial())
	n.mu.Lock()
	n.stats.Attempts++
	n.mu.Unlock()
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("answered %d %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

// envelope encrypts d's payload with the APIv3 key into the notification
// body (a fresh nonce each time); the id and create_time stay the same
// across attempts.
func (s *Server) envelope(d *delivery) ([]byte, error) {
	summary, ok := summaries[d.EventType]
	if !ok {
		summary = payments.Summaries[d.EventType]
	}
	return gateway.EncryptNotification(s.cfg.APIv3Key, gateway.Notification{
		ID: d.ID, CreateTime: d.Created, EventType: d.EventType, Summary: summary, Plaintext: d.Plaintext,
	})
}

// serial is the Wechatpay-Serial of the next notification: the public-key
// ID, the certificate serial in ModeCertificate, and in ModeBoth one and the
// other in turn, as while WeChat Pay moves a migrating merchant's callbacks
// to the public key (verifiers must accept both).
func (n *notifier) serial() string {
	cfg := &n.s.cfg
	switch cfg.Mode {
	case ModeCertificate:
		return cfg.PlatformSerial
	case ModeBoth:
		n.mu.Lock()
		n.sent++
		odd := n.sent%2 == 1
		n.mu.Unlock()
		if odd {
			return cfg.PublicKeyID
		}
		return cfg.PlatformSerial
	}
	return cfg.PublicKeyID
}

// close stops the deliveries (what is pending stays in the outbox) and
// waits for the runners.
func (n *notifier) close() {
	n.mu.Lock()
	n.cancel()
	n.mu.Unlock()
	n.wg.Wait()
}

// NotificationStats returns the delivery counters.
func (s *Server) NotificationStats() NotificationStats {
	s.notifier.mu.Lock()
	defer s.notifier.mu.Unlock()
	return s.notifier.stats
}

// WaitNotifications blocks until no notification is queued or being retried,
// or ctx ends.
func (s *Server) WaitNotifications(ctx context.Context) error {
	n := s.notifier
	for {
		n.mu.Lock()
		pending, idle := n.stats.Pending, n.idle
		n.mu.Unlock()
		if pending == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
