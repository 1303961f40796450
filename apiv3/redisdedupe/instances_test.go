package redisdedupe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// notification is one signed delivery body and its headers.
type notification struct {
	id     string
	header http.Header
	body   []byte
}

// signedNotifications builds n notifications with distinct ids.
func signedNotifications(t *testing.T, n int) []notification {
	seen := make(map[string]bool, n)
	out := make([]notification, 0, n)
	for len(out) < n {
		h, body := wxtest.EncryptNotification(t, testkeys.APIv3Key, "DISCOUNT_CARD.USER_PAID", fmt.Appendf(nil, `{"out_card_code":"c%d"}`, len(out)))
		var env struct{ ID string }
		if err := json.Unmarshal(body, &env); err != nil || env.ID == "" {
			t.Fatalf("notification id: %v", err)
		}
		c := env.ID
		if seen[c] {
			continue // event ids carry 7 random digits: draw again
		}
		seen[c] = true
		out = append(out, notification{c, h, body})
	}
	return out
}

// Two instances behind one notify URL share the Redis store. 1,000
// notifications, each delivered up to 3 times at once to either instance,
// with a tenth failing on their first dispatch and redelivered (as WeChat
// Pay does) until acknowledged: every one is dispatched successfully exactly
// once, never twice at the same time, and later redeliveries dispatch
// nothing.
func TestTwoInstancesHandleEachNotificationOnce(t *testing.T) {
	addr := startRedis(t)
	const total = 1000
	notes := signedNotifications(t, total)

	var mu sync.Mutex
	successes := map[string]int{}
	attempts := map[string]int{}
	running := map[string]bool{}
	dispatch := func(ctx context.Context, n *apiv3.Notification) error {
		mu.Lock()
		if running[n.ID] {
			t.Errorf("%s dispatched twice at the same time", n.ID)
		}
		running[n.ID] = true
		attempts[n.ID]++
		first := attempts[n.ID] == 1
		mu.Unlock()
		time.Sleep(2 * time.Millisecond) // a dispatch takes time: redeliveries overlap it
		mu.Lock()
		defer mu.Unlock()
		running[n.ID] = false
		if first && n.ID[len(n.ID)-1] == '7' { // about a tenth
			return errors.New("database down")
		}
		successes[n.ID]++
		return nil
	}
	var instances []http.Handler
	for range 2 {
		client, err := apiv3.NewClient(apiv3.Config{
			MchID: testkeys.MchID, MerchantCertificatePEM: testkeys.MerchantCertPEM, MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM,
			APIv3Key: testkeys.APIv3Key, WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
		})
		if err != nil {
			t.Fatal(err)
		}
		store := newStore(t, addr, "instances:")
		instances = append(instances, client.NotificationHandler(dispatch, apiv3.WithDeduper(store)))
	}

	var statuses [600]atomic.Int32
	deliver := func(i, k int) int {
		n := notes[i]
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/wxpay/notify", bytes.NewReader(n.body))
		r.Header = n.header.Clone()
		instances[(i+k)%2].ServeHTTP(rec, r)
		statuses[rec.Code].Add(1)
		return rec.Code
	}
	// One round: every notification not yet acknowledged is delivered 1 to
	// 3 times at once; a notification is acknowledged when one delivery got
	// a 2xx.
	acked := make([]bool, total)
	round := func(copies func(i int) int) {
		sem := make(chan struct{}, 64)
		var wg sync.WaitGroup
		for i := range notes {
			if acked[i] {
				continue
			}
			var ok atomic.Bool
			var inner sync.WaitGroup
			for k := range copies(i) {
				inner.Add(1)
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; inner.Done(); wg.Done() }()
					if deliver(i, k)/100 == 2 {
						ok.Store(true)
					}
				}()
			}
			wg.Add(1)
			go func() { defer wg.Done(); inner.Wait(); acked[i] = acked[i] || ok.Load() }()
		}
		wg.Wait()
	}
	round(func(i int) int { return 1 + i%3 })
	for r := 0; r < 5; r++ {
		round(func(int) int { return 1 }) // WeChat Pay's redeliveries of what was refused
	}
	for i, n := range notes {
		if !acked[i] {
			t.Errorf("%s never acknowledged", n.id)
		}
		if successes[n.id] != 1 {
			t.Errorf("%s dispatched successfully %d times, want 1", n.id, successes[n.id])
		}
	}
	if statuses[http.StatusConflict].Load() == 0 {
		t.Error("no delivery met another in flight: the test exercised nothing concurrent")
	}
	t.Logf("answers: %d × 204, %d × 409 (in flight), %d × 500 (dispatch failed)",
		statuses[204].Load(), statuses[409].Load(), statuses[500].Load())

	// Later redeliveries, to either instance, are acknowledged without a
	// dispatch.
	before := dispatches(&mu, attempts)
	for i := range notes {
		for k := range 2 {
			if got := deliver(i, k); got != 204 {
				t.Errorf("late redelivery of %s: %d, want 204", notes[i].id, got)
			}
		}
	}
	if after := dispatches(&mu, attempts); after != before {
		t.Errorf("late redeliveries ran %d dispatches, want none", after-before)
	}
}

// dispatches is the number of dispatch calls so far.
func dispatches(mu *sync.Mutex, attempts map[string]int) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, a := range attempts {
		n += a
	}
	return n
}
