package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Error is an error answer; it marshals into WeChat Pay's error body
// {"code", "message", "detail"}.
type Error struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Detail  map[string]any `json:"detail,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Response is the error as an answer (JSON, with its status).
func (e *Error) Response() *Response { return JSONResponse(e.Status, e) }

// Response is an answer before it is signed.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSONResponse is an answer with status carrying v as JSON. It panics if v
// cannot be encoded (a bug of the caller).
func JSONResponse(status int, v any) *Response {
	b, err := json.Marshal(v)
	if err != nil {
		panic("gateway: encoding an answer: " + err.Error())
	}
	a := &Response{Status: status, Header: http.Header{}, Body: b}
	a.Header.Set("Content-Type", "application/json")
	return a
}

// Send writes a to w: its headers, Content-Length, status and body.
func (a *Response) Send(w http.ResponseWriter) {
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}
