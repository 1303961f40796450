package apiv3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRedactAuthorization(t *testing.T) {
	in := `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XyUgx9FmutKSYTmYtWBZ0+tNvfGmbXU7cob8H/4nLBiCwIUFluw==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature=<redacted>`
	if got := redactAuthorization(in); got != want {
		t.Errorf("redactAuthorization =\n %s\nwant\n %s", got, want)
	}
	if got := redactAuthorization("Bearer abc.def"); got != "Bearer signature=<redacted>" || strings.Contains(got, "abc") {
		t.Errorf("other scheme = %q", got)
	}
}

func TestDebugHook(t *testing.T) {
	var (
		mu     sync.Mutex
		events []DebugEvent
	)
	hook := func(ev DebugEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
	}
	c, f, srv := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Wechatpay-Signature", "RESPONSE-SIGNATURE")
		w.Header().Set("Request-ID", "RID-DBG")
		if r.URL.Path == "/v3/fail" {
			w.WriteHeader(400)
			io.WriteString(w, `{"code":"PARAM_ERROR"}`)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}, WithDebugHook(hook))

	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/a%7Cb", Query: "q=1", Body: map[string]int{"n": 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/fail"}, nil)
	if !IsCode(err, "PARAM_ERROR") {
		t.Fatalf("err = %v", err)
	}
	f.verifyErr = errors.New("verification failed")
	_, verr := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/v"}, nil)

	if len(events) != 3 {
		t.Fatalf("%d events, want one per send", len(events))
	}
	ev := events[0]
	if ev.Method != "POST" || ev.URL != srv.URL+"/v3/a%7Cb?q=1" || string(ev.RequestBody) != `{"n":1}` ||
		ev.StatusCode != 200 || string(ev.ResponseBody) != `{"ok":true}` || ev.Err != nil || ev.Duration <= 0 {
		t.Errorf("event = %+v", ev)
	}
	if got := ev.RequestHeader.Get("Authorization"); got != `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",serial_no="`+"5E53E40ABB8CD463F625F03D14E8D56F85E91188"+`",signature=<redacted>` {
		t.Errorf("Authorization = %q", got)
	}
	if ev.RequestHeader.Get("User-Agent") == "" || ev.ResponseHeader.Get("Request-ID") != "RID-DBG" {
		t.Errorf("headers not passed: %v %v", ev.RequestHeader, ev.ResponseHeader)
	}
	if got := ev.ResponseHeader.Get("Wechatpay-Signature"); got != "<redacted>" {
		t.Errorf("Wechatpay-Signature = %q", got)
	}
	if !IsCode(events[1].Err, "PARAM_ERROR") || events[1].StatusCode != 400 {
		t.Errorf("error event = %+v", events[1])
	}
	if events[2].Err == nil || events[2].Err.Error() != verr.Error() {
		t.Errorf("verification event Err = %v, want %v", events[2].Err, verr)
	}
	for i, ev := range events {
		for _, h := range []http.Header{ev.RequestHeader, ev.ResponseHeader} {
			for k, vs := range h {
				for _, v := range vs {
					if strings.Contains(v, `signature="`) || strings.Contains(v, "RESPONSE-SIGNATURE") {
						t.Errorf("event %d header %s leaks the signature: %q", i, k, v)
					}
				}
			}
		}
	}

	// Transport errors are reported too, without a response: one event per
	// attempt of a retried GET.
	events = nil
	srv.Close()
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/down"}, nil); err == nil {
		t.Fatal("no error from a closed server")
	}
	if len(events) != DefaultRetryMaxAttempts {
		t.Errorf("%d transport-error events, want one per attempt (%d)", len(events), DefaultRetryMaxAttempts)
	}
	for _, ev := range events {
		if ev.Err == nil || ev.StatusCode != 0 || ev.ResponseHeader != nil {
			t.Errorf("transport-error event = %+v", ev)
		}
	}
}
