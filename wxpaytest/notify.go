package wxpaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Notification is a notification WeChat Pay sends to a merchant's
// notify_url.
type Notification struct {
	// EventType, e.g. TRANSACTION.SUCCESS, REFUND.SUCCESS,
	// DISCOUNT_CARD.USER_ACCEPTED.
	EventType string
	// Resource is the payload before encryption: a value marshalled as
	// JSON, or JSON bytes ([]byte or json.RawMessage).
	Resource any
	// Summary defaults to 微信支付通知; ID to a fresh EV-... id (set it to
	// test a repeat); CreateTime to the kit's clock.
	Summary    string
	ID         string
	CreateTime time.Time
}

// Notify delivers n to h as WeChat Pay would (in process): a POST whose
// body is the envelope with the resource encrypted with the APIv3 key
// (AEAD_AES_256_GCM, associated_data and original_type from the event
// type), signed with the platform key in the kit's mode, with User-Agent
// Mozilla/4.0. It returns h's answer, whose body can be read.
func (k *Kit) Notify(h http.Handler, n Notification) *http.Response {
	req := k.notification(n, "http://127.0.0.1/notify")
	if req == nil {
		return nil
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// NotifyURL is Notify over HTTP, to a merchant server at url.
func (k *Kit) NotifyURL(url string, n Notification) *http.Response {
	req := k.notification(n, url)
	if req == nil {
		return nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		k.fail("NotifyURL %s: %v", url, err)
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		k.fail("NotifyURL %s: reading the answer: %v", url, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// eventSeq numbers the notifications of the test binary, from a random
// start.
var eventSeq = func() *atomic.Uint64 {
	var n atomic.Uint64
	start, _ := strconv.ParseUint(gateway.RandomFrom(gateway.Digits, 7), 10, 64)
	n.Store(start)
	return &n
}()

// notification builds the signed, encrypted request; the test fails
// when it cannot.
func (k *Kit) notification(n Notification, url string) *http.Request {
	r, err := k.notificationRequest(n, url)
	if err != nil {
		k.fail("Notify %s: %v", n.EventType, err)
		return nil
	}
	return r.req
}

// notificationReq is a notification request and its id.
type notificationReq struct {
	req *http.Request
	id  string
}

// notificationRequest builds the signed, encrypted request.
func (k *Kit) notificationRequest(n Notification, url string) (notificationReq, error) {
	var plaintext []byte
	switch r := n.Resource.(type) {
	case []byte:
		plaintext = r
	case json.RawMessage:
		plaintext = r
	default:
		var err error
		if plaintext, err = json.Marshal(r); err != nil {
			return notificationReq{}, fmt.Errorf("encoding the resource: %w", err)
		}
	}
	now := k.set.clock()
	if n.CreateTime.IsZero() {
		n.CreateTime = now
	}
	if n.ID == "" {
		// Counted, not random: 7 random digits collide within a second often
		// enough (a few per cent at a thousand) for a deduplicating handler
		// to drop a notification as a repeat.
		n.ID = "EV-" + now.In(gateway.Beijing).Format("20060102150405") + fmt.Sprintf("%07d", eventSeq.Add(1)%10_000_000)
	}
	if n.Summary == "" {
		n.Summary = "微信支付通知"
	}
	body, err := gateway.EncryptNotification(k.keys.APIv3Key, gateway.Notification{
		ID: n.ID, CreateTime: n.CreateTime, EventType: n.EventType, Summary: n.Summary, Plaintext: plaintext})
	if err != nil {
		return notificationReq{}, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return notificationReq{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/4.0")
	k.front.Signer.SignResponse(req.Header, body, now, k.front.Signer.Serial(k.set.mode, nil))
	return notificationReq{req, n.ID}, nil
}
