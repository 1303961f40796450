package gateway

import (
	"io"
	"net/http"
	"time"
)

// ReadBody reads r's body, at most max bytes. The error is the answer: 400
// INVALID_REQUEST when it cannot be read, 413 when it is larger.
func ReadBody(r *http.Request, max int64) ([]byte, *Error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return body, &Error{Status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "读取请求体失败：" + err.Error()}
	}
	if int64(len(body)) > max {
		return body, &Error{Status: http.StatusRequestEntityTooLarge, Code: "INVALID_REQUEST", Message: "请求体过大"}
	}
	return body, nil
}

// Admit runs the checks WeChat Pay makes before any business rule, in its
// order, on r whose body is body and which routed to rt or failed to with
// routeErr (both nil: no routing, no validation):
//
//  1. the Authorization, verified by v over SignedBody at now: 401 SIGN_ERROR;
//  2. Accept and User-Agent present: else 400 INVALID_REQUEST;
//  3. the route: RouteError;
//  4. the request against the document: 400 PARAM_ERROR.
//
// It returns nil when the request may proceed, else the answer and, when
// the Authorization was refused, the *AuthError.
func (v *Verifier) Admit(r *http.Request, body []byte, now time.Time, rt *Route, routeErr error) (answer *Error, authErr error) {
	if err := v.Verify(r, SignedBody(r, body, rt), now); err != nil {
		return SignError(r, err), err
	}
	if r.Header.Get("Accept") == "" || r.Header.Get("User-Agent") == "" {
		return &Error{Status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "Http头缺少Accept或User-Agent"}, nil
	}
	if routeErr != nil {
		return RouteError(routeErr), nil
	}
	if rt != nil {
		return rt.ValidateRequest(r.Context(), r, body), nil
	}
	return nil, nil
}
