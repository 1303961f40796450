package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// Answer is what a test or a sandbox user programs an operation to answer,
// in place of its business rules or its example: a status with a JSON body,
// or a WeChat Pay error (a Code, with a Message), signed like every answer.
type Answer struct {
	Status  int             `json:"status,omitempty"`  // default 200 with a body, 204 without, 400 with a Code
	Body    json.RawMessage `json:"body,omitempty"`    // the JSON body of a success
	Code    string          `json:"code,omitempty"`    // a WeChat Pay error code, e.g. ORDER_NOT_EXIST
	Message string          `json:"message,omitempty"` // the error's message (default: the code)
	Detail  map[string]any  `json:"detail,omitempty"`  // the error's detail
	Times   int             `json:"times,omitempty"`   // for the next Times requests only (0: until replaced)
}

// Check refuses an answer that cannot be sent: a status outside 200..599,
// a body with an error code, a success status with a code or a body that is
// not JSON.
func (a Answer) Check() error {
	switch {
	case a.Status != 0 && (a.Status < 200 || a.Status > 599):
		return fmt.Errorf("answer: status %d is not 200..599", a.Status)
	case a.Code != "" && len(a.Body) > 0:
		return fmt.Errorf("answer: an error code (%s) carries no body: WeChat Pay's error body is made of code, message and detail", a.Code)
	case a.Code != "" && a.Status != 0 && a.Status < 400:
		return fmt.Errorf("answer: error code %s with status %d: an error needs a 4xx or 5xx status", a.Code, a.Status)
	case len(a.Body) > 0 && !json.Valid(a.Body):
		return fmt.Errorf("answer: body is not JSON")
	case a.Times < 0:
		return fmt.Errorf("answer: times %d is negative", a.Times)
	}
	return nil
}

// Response is the answer before it is signed.
func (a Answer) Response() *Response {
	if a.Code != "" {
		e := &Error{Status: a.Status, Code: a.Code, Message: a.Message, Detail: a.Detail}
		if e.Status == 0 {
			e.Status = http.StatusBadRequest
		}
		if e.Message == "" {
			e.Message = a.Code
		}
		return e.Response()
	}
	status := a.Status
	if status == 0 {
		status = http.StatusOK
		if len(a.Body) == 0 {
			status = http.StatusNoContent
		}
	}
	r := &Response{Status: status, Header: http.Header{}}
	if len(a.Body) > 0 && status != http.StatusNoContent {
		r.Body = append([]byte(nil), a.Body...)
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

// Answers holds the programmed answers per operationId; it is safe for
// concurrent use and its zero value holds none.
type Answers struct {
	mu sync.Mutex
	m  map[string]Answer
}

// Set programs operationID to answer a (replacing what it had); Times 0
// keeps it until replaced or cleared.
func (as *Answers) Set(operationID string, a Answer) error {
	if err := a.Check(); err != nil {
		return err
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.m == nil {
		as.m = map[string]Answer{}
	}
	as.m[operationID] = a
	return nil
}

// Clear removes the answer of operationID, or every answer for "".
func (as *Answers) Clear(operationID string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if operationID == "" {
		as.m = nil
		return
	}
	delete(as.m, operationID)
}

// List returns the answers in force, with the times left.
func (as *Answers) List() map[string]Answer {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make(map[string]Answer, len(as.m))
	for k, v := range as.m {
		out[k] = v
	}
	return out
}

// Take returns the answer programmed for operationID, using up one of its
// times.
func (as *Answers) Take(operationID string) (Answer, bool) {
	if as == nil {
		return Answer{}, false
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	a, ok := as.m[operationID]
	if !ok {
		return a, false
	}
	if a.Times > 0 {
		if a.Times == 1 {
			delete(as.m, operationID)
		} else {
			left := a
			left.Times--
			as.m[operationID] = left
		}
	}
	return a, true
}
