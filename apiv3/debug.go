package apiv3

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DebugEvent describes one request sent and its response, for the hook set
// with WithDebugHook. Secrets are redacted: Authorization keeps only its
// scheme, mchid and serial_no, and signatures read "<redacted>".
type DebugEvent struct {
	Method         string
	URL            string // scheme, host and the request-target exactly as sent
	RequestHeader  http.Header
	RequestBody    []byte
	StatusCode     int // 0 when no response arrived
	ResponseHeader http.Header
	ResponseBody   []byte
	Duration       time.Duration // from sending to the end of verification
	Err            error         // the error of the call, if any
}

const redacted = "<redacted>"

func newDebugEvent(req *http.Request, host *url.URL, p *prepared, res *Response, d time.Duration, err error) DebugEvent {
	ev := DebugEvent{
		Method:        p.method,
		URL:           host.Scheme + "://" + host.Host + p.target,
		RequestHeader: redactHeader(req.Header),
		RequestBody:   p.body,
		Duration:      d,
		Err:           err,
	}
	if res != nil {
		ev.StatusCode = res.StatusCode
		ev.ResponseHeader = redactHeader(res.Header)
		ev.ResponseBody = res.Body
	}
	return ev
}

// redactHeader returns a copy of h with signatures removed.
func redactHeader(h http.Header) http.Header {
	c := h.Clone()
	for k, vs := range c {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization":
			for i, v := range vs {
				vs[i] = redactAuthorization(v)
			}
		case headerSignature:
			for i := range vs {
				vs[i] = redacted
			}
		}
	}
	return c
}

// redactAuthorization keeps the scheme, mchid and serial_no of an
// Authorization value: `WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="S",signature=<redacted>`.
func redactAuthorization(v string) string {
	scheme, params, _ := strings.Cut(v, " ")
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString(" ")
	for _, kv := range strings.Split(params, ",") {
		k, _, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if k == "mchid" || k == "serial_no" {
			b.WriteString(strings.TrimSpace(kv))
			b.WriteString(",")
		}
	}
	b.WriteString("signature=" + redacted)
	return b.String()
}
