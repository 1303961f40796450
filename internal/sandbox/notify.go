package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
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

// notifier delivers notifications: one FIFO queue per card, so that a
// card's notifications arrive in the order they happened, each retried with
// capped exponential backoff until acknowledged or out of attempts.
type notifier struct {
	s      *Server
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	sent   uint64 // notifications signed, for the alternation of ModeBoth
	queues map[string][]*delivery
	stats  NotificationStats
	idle   chan struct{} // closed and replaced when nothing is pending
}

type delivery struct {
	url       string
	eventType string
	id        string
	created   time.Time
	plaintext []byte
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
	return &notifier{s: s, client: client, ctx: ctx, cancel: cancel, queues: map[string][]*delivery{}, idle: make(chan struct{})}
}

func (n *notifier) enqueue(code, url, eventType string, plaintext []byte) {
	now := n.s.now()
	d := &delivery{url: url, eventType: eventType, id: gateway.NewEventID(now), created: now, plaintext: plaintext}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ctx.Err() != nil {
		return
	}
	n.stats.Pending++
	q := n.queues[code]
	n.queues[code] = append(q, d)
	if len(q) == 0 {
		n.wg.Add(1)
		go n.run(code)
	}
}

// run delivers the queue of one card until it is empty.
func (n *notifier) run(code string) {
	defer n.wg.Done()
	for {
		n.mu.Lock()
		q := n.queues[code]
		if len(q) == 0 {
			delete(n.queues, code)
			n.mu.Unlock()
			return
		}
		d := q[0]
		n.mu.Unlock()

		ok := n.deliver(d)

		n.mu.Lock()
		n.queues[code] = n.queues[code][1:]
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

// deliver POSTs d until a 2xx answer, NotifyAttempts times at most.
func (n *notifier) deliver(d *delivery) bool {
	cfg := &n.s.cfg
	wait := cfg.NotifyBackoff
	for attempt := 1; attempt <= cfg.NotifyAttempts; attempt++ {
		err := n.post(d)
		if err == nil {
			cfg.Logf("sandbox: %s %s delivered to %s (attempt %d)", d.eventType, d.id, d.url, attempt)
			return true
		}
		cfg.Logf("sandbox: %s %s to %s, attempt %d: %v", d.eventType, d.id, d.url, attempt, err)
		if attempt == cfg.NotifyAttempts {
			break
		}
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
			return false
		}
		wait = min(2*wait, cfg.NotifyMaxBackoff)
	}
	cfg.Logf("sandbox: %s %s to %s abandoned after %d attempts", d.eventType, d.id, d.url, cfg.NotifyAttempts)
	return false
}

func (n *notifier) post(d *delivery) error {
	body, err := n.s.envelope(d)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/4.0")
	n.s.signer.SignResponse(req.Header, body, n.s.now(), n.serial())
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
	return gateway.EncryptNotification(s.cfg.APIv3Key, gateway.Notification{
		ID: d.id, CreateTime: d.created, EventType: d.eventType, Summary: summaries[d.eventType], Plaintext: d.plaintext,
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

// close abandons pending deliveries and waits for the workers.
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
