package apiv3

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// ErrResponseTooLarge is wrapped by the error of a call whose response body
// is longer than the limit set by WithMaxResponseBytes.
var ErrResponseTooLarge = errors.New("apiv3: response body too large")

// APIError is the error of a call answered with a non-2xx status. Code,
// Message and Detail come from WeChat Pay's JSON error body when it has one;
// Body keeps the raw bytes either way. Use errors.As to get it, or IsCode to
// test its code.
type APIError struct {
	StatusCode int
	Code       string          // e.g. "PARAM_ERROR", "SIGN_ERROR"; "" when the body had none
	Message    string          // human-readable message from WeChat Pay
	Detail     json.RawMessage // the "detail" member, as sent; nil when absent
	Body       []byte          // raw response body
	Header     http.Header
	RequestID  string // the Request-ID header: quote it to WeChat Pay support
	// Verified reports whether the error response carried a signature and it
	// verified. WeChat Pay does not sign every error response; an unverified
	// one may come from a proxy, so treat its contents with care.
	Verified bool
}

// Limits of what Error quotes from an answer, in characters.
const (
	maxErrorCode      = 64
	maxErrorMessage   = 256
	maxErrorRequestID = 128
)

// Error returns the status, code, message and Request-ID; never the body or
// other headers. What came from the server is made log-safe (logSafe): a
// message cannot break the line or send escape sequences to a terminal, and
// long ones are cut. Code, Message and Body keep what was received.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("apiv3: HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(logSafe(e.Code, maxErrorCode))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(logSafe(e.Message, maxErrorMessage))
	}
	if e.RequestID != "" {
		b.WriteString(" (Request-ID ")
		b.WriteString(logSafe(e.RequestID, maxErrorRequestID))
		b.WriteString(")")
	}
	return b.String()
}

// IsCode reports whether err is, or wraps, an *APIError whose Code is code.
func IsCode(err error, code string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}

// newAPIError builds the error for a non-2xx response, reading code, message
// and detail leniently: a body that is not the documented JSON still gives an
// APIError, with the fields it could not read left empty.
func newAPIError(res *Response, verified bool) *APIError {
	e := &APIError{
		StatusCode: res.StatusCode,
		Body:       res.Body,
		Header:     res.Header,
		RequestID:  res.RequestID,
		Verified:   verified,
	}
	var fields struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(res.Body, &fields) != nil {
		return e
	}
	e.Code = jsonText(fields.Code)
	e.Message = jsonText(fields.Message)
	if len(fields.Detail) > 0 && string(fields.Detail) != "null" {
		e.Detail = fields.Detail
	}
	return e
}

// jsonText returns a JSON string's value, or the raw text of a number.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return string(raw)
	}
	return ""
}

// opError puts the operation in front of an error of the runtime, without
// repeating the "apiv3: " prefix: "apiv3: GET /v3/x (HTTP 200): signature
// verification failed: ...". errors.Is and errors.As see through it.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "apiv3: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "apiv3: ")
}

func (e *opError) Unwrap() error { return e.err }
