package gateway_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func TestAdmit(t *testing.T) {
	now := time.Now()
	v := &gateway.Verifier{MchID: testkeys.MchID, MerchantSerial: testkeys.MerchantSerial, Key: &merchantKey().PublicKey}
	rt := newRouter(t)
	tests := []struct {
		name, method, target, body, drop, sign string
		status                                 int
		code                                   string
		authErr                                bool
	}{
		{"valid", "GET", "/v3/discount-card/cards/abc", "", "", "", 0, "", false},
		{"bad signature first", "DELETE", "/v3/nothing", "", "Accept", "x", 401, "SIGN_ERROR", true},
		{"no Accept", "GET", "/v3/nothing", "", "Accept", "", 400, "INVALID_REQUEST", false},
		{"no User-Agent", "GET", "/v3/nothing", "", "User-Agent", "", 400, "INVALID_REQUEST", false},
		{"unknown path", "GET", "/v3/nothing", "", "", "", 404, "NOT_FOUND", false},
		{"invalid", "GET", "/v3/discount-card/cards/a$b", "", "", "", 400, "PARAM_ERROR", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			r.Header.Set("Accept", "application/json")
			r.Header.Set("User-Agent", "gateway-test/1")
			r.Header.Del(tt.drop)
			ts := fmt.Sprint(now.Unix())
			sig := tt.sign
			if sig == "" {
				sig = rsaSign(t, merchantKey(), fmt.Sprintf("%s\n%s\n%s\nN\n%s\n", tt.method, r.RequestURI, ts, tt.body))
			}
			r.Header.Set("Authorization", gateway.Authorization{MchID: testkeys.MchID, NonceStr: "N", Timestamp: ts,
				SerialNo: testkeys.MerchantSerial, Signature: sig}.String())
			route, routeErr := rt.Find(r)
			e, authErr := v.Admit(r, []byte(tt.body), now, route, routeErr)
			switch {
			case tt.status == 0 && e != nil:
				t.Fatalf("refused: %+v", e)
			case tt.status != 0 && (e == nil || e.Status != tt.status || e.Code != tt.code):
				t.Fatalf("answer %+v, want %d %s", e, tt.status, tt.code)
			case (authErr != nil) != tt.authErr:
				t.Errorf("auth error %v", authErr)
			}
		})
	}
}

func TestReadBody(t *testing.T) {
	if b, e := gateway.ReadBody(httptest.NewRequest("POST", "/", strings.NewReader("abcd")), 4); e != nil || string(b) != "abcd" {
		t.Errorf("%q %+v", b, e)
	}
	if _, e := gateway.ReadBody(httptest.NewRequest("POST", "/", strings.NewReader("abcde")), 4); e == nil || e.Status != 413 {
		t.Errorf("too large: %+v", e)
	}
	r := httptest.NewRequest("POST", "/", iotest.ErrReader(fmt.Errorf("boom")))
	if _, e := gateway.ReadBody(r, 4); e == nil || e.Status != 400 || e.Code != "INVALID_REQUEST" {
		t.Errorf("unreadable: %+v", e)
	}
}

func TestErrorResponse(t *testing.T) {
	e := gateway.ParamError("/a", "body", "too long", "参数错误")
	w := httptest.NewRecorder()
	e.Response().Send(w)
	if w.Code != 400 || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Content-Length") != fmt.Sprint(w.Body.Len()) ||
		w.Body.String() != `{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/a","issue":"too long","location":"body"}}` {
		t.Errorf("%d %v %s", w.Code, w.Header(), w.Body)
	}
	if e.Error() != "PARAM_ERROR: 参数错误" {
		t.Error(e.Error())
	}
}
