package apiv3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
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
// decrypts it (see ParseNotification), claims its id from the deduper (an
// in-memory one by default; WithDeduper), and calls dispatch once per
// notification: a delivery of an id already handled is acknowledged without
// dispatching, and one that arrives while another delivery of the id is
// being dispatched is refused, so that WeChat Pay delivers it again later,
// when the first delivery's outcome decides. It answers as WeChat Pay
// expects:
//
//   - 204 No Content when dispatch returned nil, or the id was handled
//     before;
//   - 409 {"code":"FAIL",...} when another delivery of the id is being
//     dispatched (WeChat Pay retries);
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
	if h.dedupe == nil {
		h.dispatchAndAnswer(w, r, n)
		return
	}
	state, token, err := h.dedupe.Claim(r.Context(), n.ID)
	switch {
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, "duplicate check failed", fmt.Errorf("apiv3: notification %s: deduper: %w", printable(n.ID), err))
	case state == ClaimHandled:
		w.WriteHeader(http.StatusNoContent)
	case state == ClaimInFlight:
		h.fail(w, r, http.StatusConflict, "already being processed, retry later", fmt.Errorf("%w (%s)", ErrNotificationInFlight, printable(n.ID)))
	case state == ClaimAcquired:
		h.dispatchClaimed(w, r, n, token)
	default:
		h.fail(w, r, http.StatusInternalServerError, "duplicate check failed", fmt.Errorf("apiv3: notification %s: deduper answered %v", printable(n.ID), state))
	}
}

// settleTimeout bounds Done and Release, which run on a context that the
// delivery's hanging up does not cancel: WeChat Pay gives up on an answer
// after a few seconds, and an outcome that is not recorded then would make
// the next redelivery dispatch a handled notification again.
const settleTimeout = 10 * time.Second

// dispatchClaimed dispatches n under its claim and ends the claim: Done
// after a success, Release after a failure or a panic, so that a later
// redelivery is dispatched again.
func (h *notificationHandler) dispatchClaimed(w http.ResponseWriter, r *http.Request, n *Notification, token string) {
	settle := func(done bool) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), settleTimeout)
		defer cancel()
		if done {
			return h.dedupe.Done(ctx, n.ID, token)
		}
		return h.dedupe.Release(ctx, n.ID, token)
	}
	settled := false
	defer func() {
		if !settled { // http.ErrAbortHandler went through callDispatch
			h.report(r, settle(false), n)
		}
	}()
	ok := h.dispatchAndAnswer(w, r, n)
	settled = true
	h.report(r, settle(ok), n)
}

// report passes a deduper error to the error hook: the answer is already
// decided by the dispatch.
func (h *notificationHandler) report(r *http.Request, err error, n *Notification) {
	if err != nil && h.onError != nil {
		h.onError(r, fmt.Errorf("apiv3: notification %s: deduper: %w", printable(n.ID), err))
	}
}

// dispatchAndAnswer dispatches n and answers 204, or 500 when dispatch
// failed; it reports whether dispatch succeeded.
func (h *notificationHandler) dispatchAndAnswer(w http.ResponseWriter, r *http.Request, n *Notification) bool {
	if err := h.callDispatch(r.Context(), n); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "processing failed", fmt.Errorf("apiv3: notification %s (%s): %w", printable(n.ID), printable(n.EventType), err))
		return false
	}
	w.WriteHeader(http.StatusNoContent)
	return true
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
