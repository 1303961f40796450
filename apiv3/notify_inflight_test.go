package apiv3

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// deliver posts one delivery of the fixture notification to handler.
func deliver(handler http.Handler, h http.Header, body []byte) int {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/notify", bytes.NewReader(body))
	r.Header = h.Clone()
	handler.ServeHTTP(rec, r)
	return rec.Code
}

// A redelivery that arrives while the first delivery is still being handled
// is not dispatched again: it is answered with a failure, so that WeChat Pay
// delivers it later, and the first delivery's outcome decides what that
// later delivery gets.
func TestNotificationInFlightIsNotDispatchedTwice(t *testing.T) {
	c := secClient(t, secConfig())
	h, body := secNotification(t, testkeys.PublicKeyID)
	var calls, running atomic.Int32
	entered := make(chan struct{}, 1)
	release := make(chan error)
	handler := c.NotificationHandler(func(ctx context.Context, n *Notification) error {
		calls.Add(1)
		if running.Add(1) > 1 {
			t.Error("two dispatches of one notification at once")
		}
		defer running.Add(-1)
		entered <- struct{}{}
		return <-release
	})

	first := make(chan int)
	go func() { first <- deliver(handler, h, body) }()
	<-entered
	second := make(chan int)
	go func() { second <- deliver(handler, h, body) }()
	select {
	case got := <-second:
		if got < 300 {
			t.Errorf("redelivery while the first is in flight: %d, want a failure so that WeChat Pay retries", got)
		}
	case <-entered:
		t.Fatal("the redelivery was dispatched while the first was in flight")
	case <-time.After(10 * time.Second):
		t.Fatal("the redelivery got no answer")
	}
	release <- errors.New("database down")
	if got := <-first; got != 500 {
		t.Errorf("first delivery, dispatch failed: %d, want 500", got)
	}

	// The first failed: the next redelivery is dispatched, and once it
	// succeeded, later ones are acknowledged without dispatching.
	go func() { <-entered; release <- nil }()
	if got := deliver(handler, h, body); got != 204 {
		t.Errorf("redelivery after the failure: %d, want 204", got)
	}
	if got := deliver(handler, h, body); got != 204 {
		t.Errorf("redelivery after the success: %d, want 204", got)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("dispatched %d times, want 2 (the failure, then the success)", n)
	}
}
