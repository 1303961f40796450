package apiv3

import "net/http"

// Response is the HTTP response to a call: its status, its headers, the
// Request-ID to quote to WeChat Pay support, and the raw body as read (and
// verified, unless verification was off or the operation is unsigned).
type Response struct {
	StatusCode int
	Header     http.Header
	RequestID  string // the Request-ID header
	Body       []byte
}
