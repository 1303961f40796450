package wxtest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

func TestExampleHandlerAlone(t *testing.T) {
	h := wxtest.ExampleHandler(loadSpec(t, []byte(testSpec)))
	tests := []struct {
		method, target string
		status         int
		body           string
	}{
		{"GET", "/v3/discount-card/cards/abc", 200, `{"out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","state":"ONGOING"}`},
		{"POST", "/v3/discount-card/cards/abc/add-user-records", 204, ``},
		{"GET", "/v3/unknown", 404, ``},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, nil))
		if w.Code != tt.status || (tt.body != "" && w.Body.String() != tt.body) {
			t.Errorf("%s %s: %d %s", tt.method, tt.target, w.Code, w.Body)
		}
	}
}

func TestExampleHandlerWithoutExample(t *testing.T) {
	spec := strings.Replace(testSpec, "              example: {out_card_code: 6e8369071cd942c0476613f9d1ce9ca3, state: ONGOING}\n", "", 1)
	h := wxtest.ExampleHandler(loadSpec(t, []byte(spec)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v3/discount-card/cards/abc", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), "getCard") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			resp, body := do(t, srv, "GET", "/v3/discount-card/cards/abc", "", nil)
			if resp.StatusCode != 200 {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
			if err := verifyResponse(resp.Header, body); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 16 {
		t.Errorf("%d recorded", n)
	}
}

func TestServeHTTPInProcess(t *testing.T) {
	srv := newTestServer(t, wxtest.Options{})
	r := httptest.NewRequest("GET", "/v3/discount-card/cards/abc", nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("User-Agent", "x")
	wxtest.SignRequest(r, nil, time.Now())
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	if err := verifyResponse(w.Header(), w.Body.Bytes()); err != nil {
		t.Error(err)
	}
}
