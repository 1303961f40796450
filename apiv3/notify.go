package apiv3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// DefaultMaxNotificationBytes limits the body of a notification read by
// ParseNotificationRequest and NotificationHandler (1 MiB; real ones are a
// few KiB).
const DefaultMaxNotificationBytes = 1 << 20

// ErrMalformedNotification: the notification body is empty, too large, not a
// JSON envelope, or lacks id, event_type or resource.
var ErrMalformedNotification = errors.New("apiv3: malformed notification")

// Notification is the envelope of a WeChat Pay notification, verified and
// with its resource decrypted into Plaintext (JSON, the event-specific
// object).
type Notification struct {
	ID           string            `json:"id"`
	CreateTime   Time              `json:"create_time"`
	EventType    string            `json:"event_type"`
	ResourceType string            `json:"resource_type"`
	Summary      string            `json:"summary"`
	Resource     EncryptedResource `json:"resource"`
	Plaintext    []byte            `json:"-"` // decrypted resource
}

// EncryptedResource is an AEAD_AES_256_GCM-encrypted object: the resource
// of a notification, or a platform certificate. Nonce and AssociatedData are
// used as raw bytes; Ciphertext is Base64 of ciphertext||tag.
type EncryptedResource struct {
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	Nonce          string `json:"nonce"`
	AssociatedData string `json:"associated_data"`
	OriginalType   string `json:"original_type"`
}

// ParseNotification verifies and decrypts a notification from its headers
// and the raw body as received: use it when a framework has already read the
// request body (the most common cause of failed verification elsewhere).
// The checks run in this order: body present, headers present, not a probe,
// timestamp within the skew, serial known, signature, JSON envelope,
// decryption. Notifications are verified even when the client was built with
// InsecureSkipResponseVerification. A refused signature is a
// *VerificationError; a bad envelope
// wraps ErrMalformedNotification; a resource that does not decrypt wraps
// ErrDecrypt.
func (c *Client) ParseNotification(h http.Header, body []byte) (*Notification, error) {
	return c.creds.parseNotification(h, body)
}

// ParseNotificationRequest reads r's body (at most
// DefaultMaxNotificationBytes) and calls ParseNotification. r.Body must not
// have been read before.
func (c *Client) ParseNotificationRequest(r *http.Request) (*Notification, error) {
	body, err := readLimited(r.Body, DefaultMaxNotificationBytes)
	if err != nil {
		return nil, err
	}
	return c.creds.parseNotification(r.Header, body)
}

// errTooLarge marks a body over the limit.
var errTooLarge = fmt.Errorf("%w: body too large", ErrMalformedNotification)

// readLimited reads at most limit bytes of rc.
func readLimited(rc io.ReadCloser, limit int64) ([]byte, error) {
	if rc == nil {
		return nil, fmt.Errorf("%w: no body", ErrMalformedNotification)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("apiv3: reading the notification body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
	}
	return body, nil
}

func (c *credentials) parseNotification(h http.Header, body []byte) (*Notification, error) {
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty body (if a framework already read the request body, pass its bytes to ParseNotification)", ErrMalformedNotification)
	}
	if err := c.verify(h, body); err != nil {
		return nil, err
	}
	return decodeNotification(c.apiv3Key, body)
}

// decodeNotification decodes a verified envelope and decrypts its resource.
func decodeNotification(apiv3Key, body []byte) (*Notification, error) {
	var n Notification
	// json.Unmarshal refuses data after the object itself, and reads the
	// body in place (a Decoder would copy it into buffers of its own).
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedNotification, err)
	}
	switch {
	case n.ID == "":
		return nil, fmt.Errorf("%w: no id", ErrMalformedNotification)
	case n.EventType == "":
		return nil, fmt.Errorf("%w: no event_type", ErrMalformedNotification)
	case n.Resource.Ciphertext == "":
		return nil, fmt.Errorf("%w: no resource.ciphertext", ErrMalformedNotification)
	}
	pt, err := decryptAEAD(apiv3Key, n.Resource.Algorithm, n.Resource.Nonce, n.Resource.AssociatedData, n.Resource.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("notification %s: %w", printable(n.ID), err)
	}
	n.Plaintext = pt
	return &n, nil
}

// NotificationDeduper remembers the ids of notifications already handled, so
// that a redelivered one is answered without dispatching it again. WeChat Pay
// delivers a notification more than once when an answer is lost; keep the
// business logic idempotent anyway, since two deliveries can also arrive at
// the same moment. Implementations must be safe for concurrent use; a shared
// store (Redis, a database table) serves several processes.
type NotificationDeduper interface {
	// Seen reports whether id was handled already.
	Seen(ctx context.Context, id string) (bool, error)
	// Done records id as handled; it is called after the dispatch succeeded.
	Done(ctx context.Context, id string) error
}

// DefaultDedupeCapacity is how many notification ids the in-memory deduper
// of NotificationHandler remembers.
const DefaultDedupeCapacity = 10000

// NewMemoryDeduper returns a NotificationDeduper that remembers the last
// capacity ids in memory (a ring: the oldest id is forgotten first).
func NewMemoryDeduper(capacity int) NotificationDeduper {
	if capacity <= 0 {
		capacity = DefaultDedupeCapacity
	}
	return &memoryDeduper{ids: make(map[string]struct{}, capacity), ring: make([]string, capacity)}
}

type memoryDeduper struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

func (d *memoryDeduper) Seen(_ context.Context, id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.ids[id]
	return ok, nil
}

func (d *memoryDeduper) Done(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
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

// NotificationOption configures NotificationHandler.
type NotificationOption func(*notificationHandler)

// WithDeduper replaces the in-memory deduper (the last
// DefaultDedupeCapacity ids) with d; nil turns de-duplication off.
func WithDeduper(d NotificationDeduper) NotificationOption {
	return func(h *notificationHandler) { h.dedupe = d }
}

// WithMaxNotificationBytes limits the request body (default
// DefaultMaxNotificationBytes); a larger one is answered 413.
func WithMaxNotificationBytes(n int64) NotificationOption {
	return func(h *notificationHandler) {
		if n > 0 {
			h.maxBytes = n
		}
	}
}

// WithNotificationErrorHook calls f for every notification that is refused
// or whose dispatch failed, with the error (never containing key material),
// for logging. The answer to WeChat Pay carries only a short generic message.
func WithNotificationErrorHook(f func(r *http.Request, err error)) NotificationOption {
	return func(h *notificationHandler) { h.onError = f }
}

// NotificationHandler returns an http.Handler for the notify URL. For each
// POST it reads the body (size-limited), verifies, checks the timestamp and
// decrypts it (see ParseNotification), skips ids already handled, and calls
// dispatch. It answers as WeChat Pay expects:
//
//   - 204 No Content when dispatch returned nil, or the id was a duplicate;
//   - 401 {"code":"FAIL","message":...} when the signature is refused,
//     400 when the envelope is malformed or does not decrypt, 413 when the
//     body is too large, 405 for a method other than POST;
//   - 500 {"code":"FAIL","message":...} when dispatch (or the deduper)
//     failed, so that WeChat Pay delivers the notification again.
//
// The message never echoes the error's text (use WithNotificationErrorHook
// to log it).
func (c *Client) NotificationHandler(dispatch func(ctx context.Context, n *Notification) error, opts ...NotificationOption) http.Handler {
	h := &notificationHandler{
		creds:    c.creds,
		dispatch: dispatch,
		dedupe:   NewMemoryDeduper(DefaultDedupeCapacity),
		maxBytes: DefaultMaxNotificationBytes,
	}
	for _, o := range opts {
		if o != nil {
			o(h)
		}
	}
	return h
}

type notificationHandler struct {
	creds    *credentials
	dispatch func(ctx context.Context, n *Notification) error
	dedupe   NotificationDeduper
	maxBytes int64
	onError  func(r *http.Request, err error)
}

func (h *notificationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, http.StatusMethodNotAllowed, "method not allowed", fmt.Errorf("apiv3: notification with method %s", printable(r.Method)))
		return
	}
	if r.ContentLength > h.maxBytes {
		h.fail(w, r, http.StatusRequestEntityTooLarge, "body too large", fmt.Errorf("%w: Content-Length %d over the limit %d", errTooLarge, r.ContentLength, h.maxBytes))
		return
	}
	body, err := readLimited(r.Body, h.maxBytes)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, errTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		h.fail(w, r, status, "cannot read body", err)
		return
	}
	n, err := h.creds.parseNotification(r.Header, body)
	if err != nil {
		var verr *VerificationError
		if errors.As(err, &verr) {
			h.fail(w, r, http.StatusUnauthorized, "signature verification failed", err)
		} else {
			h.fail(w, r, http.StatusBadRequest, "malformed or undecryptable notification", err)
		}
		return
	}
	ctx := r.Context()
	if h.dedupe != nil {
		seen, err := h.dedupe.Seen(ctx, n.ID)
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, "duplicate check failed", fmt.Errorf("apiv3: notification %s: deduper: %w", printable(n.ID), err))
			return
		}
		if seen {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if err := h.callDispatch(ctx, n); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "processing failed", fmt.Errorf("apiv3: notification %s (%s): %w", printable(n.ID), printable(n.EventType), err))
		return
	}
	if h.dedupe != nil {
		if err := h.dedupe.Done(ctx, n.ID); err != nil && h.onError != nil {
			// The event was processed: answer success, but report.
			h.onError(r, fmt.Errorf("apiv3: notification %s: deduper: %w", printable(n.ID), err))
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// callDispatch runs dispatch, turning a panic into an error so that WeChat
// Pay gets a 500 and retries.
func (h *notificationHandler) callDispatch(ctx context.Context, n *Notification) (err error) {
	if h.dispatch == nil {
		return errors.New("no dispatch function")
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("dispatch panicked: %v", p)
		}
	}()
	return h.dispatch(ctx, n)
}

// fail answers {"code":"FAIL","message":message} with status.
func (h *notificationHandler) fail(w http.ResponseWriter, r *http.Request, status int, message string, err error) {
	if h.onError != nil {
		h.onError(r, err)
	}
	b, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"FAIL", message})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
