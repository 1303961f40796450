package wxpaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/wxpaygen/wxpaygen/internal/front"
)

// Call is a request the kit received, and what it answered.
type Call struct {
	Operation  string            // operationId; "" when it matched none
	Method     string            // GET, POST, ...
	Target     string            // the request-target as received (path and query, escaped)
	PathParams map[string]string // percent-decoded
	Query      url.Values
	Header     http.Header
	Body       []byte // as received
	// JSON is Body decoded (numbers as json.Number), for a JSON body.
	JSON any
	// Verified reports that the Authorization passed every check.
	Verified bool
	// Status and Code are the answer's status and, for an error, its
	// WeChat Pay code (SIGN_ERROR, PARAM_ERROR, a programmed code, ...).
	Status int
	Code   string
	// Dropped reports that the connection was closed without an answer
	// (FaultDrop: Status 0, nothing processed; FaultDropAfter: processed,
	// Status is what was not sent).
	Dropped bool
}

// Decode decodes the JSON body into v.
func (c Call) Decode(v any) error {
	if err := json.Unmarshal(c.Body, v); err != nil {
		return fmt.Errorf("wxpaytest: %s %s: %w", c.Method, c.Target, err)
	}
	return nil
}

// Calls returns the requests received so far, in order; with operationIDs,
// only those routed to one of them.
func (k *Kit) Calls(operationIDs ...string) []Call {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(operationIDs) == 0 {
		return slices.Clone(k.calls)
	}
	var out []Call
	for _, c := range k.calls {
		if slices.Contains(operationIDs, c.Operation) {
			out = append(out, c)
		}
	}
	return out
}

// LastCall returns the last request routed to operationID; the test fails
// when there is none.
func (k *Kit) LastCall(operationID string) Call {
	calls := k.Calls(operationID)
	if len(calls) == 0 {
		k.fail("LastCall: no request to %s", operationID)
		return Call{}
	}
	return calls[len(calls)-1]
}

// record is the front door's Observe.
func (k *Kit) record(ex *front.Exchange) {
	r := ex.Request
	c := Call{Method: r.Method, Target: r.RequestURI, Query: r.URL.Query(), Header: r.Header.Clone(),
		Body: ex.Body, Verified: ex.Checked && ex.AuthError == nil, Dropped: ex.Dropped}
	if ex.Route != nil {
		c.Operation, c.PathParams = ex.Route.OperationID, ex.Route.PathParams
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); len(ex.Body) > 0 && mt == "application/json" {
		dec := json.NewDecoder(bytes.NewReader(ex.Body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			c.JSON = v
		}
	}
	if ex.Response != nil {
		c.Status = ex.Response.Status
	}
	if c.Status >= 400 {
		var e struct{ Code string }
		if json.Unmarshal(ex.Response.Body, &e) == nil {
			c.Code = e.Code
		}
	}
	k.mu.Lock()
	k.calls = append(k.calls, c)
	k.mu.Unlock()
}
