package apiv3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Whatever http.Client it is given, the runtime never follows a redirect:
// a 307 or 308 would send the signed POST body to another host. The 3xx is
// returned as an *APIError, and the caller's client is left as it was.
func TestNeverFollowsRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		io.Copy(io.Discard, r.Body)
	}))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		redirect := func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/steal", status)
		}
		user := &http.Client{} // follows redirects, as http.Client does by default
		jar := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
		for name, hc := range map[string]*http.Client{"zero client": user, "own CheckRedirect": jar} {
			c, _, _ := newFakeClient(t, redirect, WithHTTPClient(hc))
			res, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/x", Body: map[string]string{"secret": "s"}}, nil)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != status || res == nil || res.StatusCode != status {
				t.Errorf("%d, %s: error %v, want an *APIError with status %d", status, name, err, status)
			}
		}
		if user.CheckRedirect != nil {
			t.Errorf("the caller's client was changed")
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}
