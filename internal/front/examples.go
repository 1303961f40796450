package front

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/specvalue"
)

// ValidExample is the success answer of op that a fake WeChat Pay gives
// when nothing else says what to answer:
//
//   - the lowest documented 2xx status ("2XX" counts as 200), whose
//     response decides the rest;
//   - no body when that response has no content;
//   - application/json (preferred when the response has several media
//     types): the documented example, completed from the schema where it
//     is missing or does not satisfy it, with every optional member filled
//     in so that a client decodes all of them (specvalue.Value with All, as
//     a response);
//   - any other media type (a file download; the first one by name):
//     FileExample of it.
//
// It is deterministic: the same operation always gets the same bytes, so
// that a test can announce a download's digest beforehand.
func ValidExample(op *openapi3.Operation) (*gateway.Response, error) {
	status, code, err := SuccessStatus(op)
	if err != nil {
		return nil, err
	}
	resp := op.Responses.Value(code).Value
	a := &gateway.Response{Status: status, Header: http.Header{}}
	if len(resp.Content) == 0 {
		return a, nil
	}
	if mt := resp.Content.Get("application/json"); mt != nil {
		ex, _ := MediaTypeExample(mt)
		v, err := specvalue.Value(mt.Schema, ex, specvalue.Options{Direction: specvalue.Response, All: true})
		if err != nil {
			return nil, fmt.Errorf("response %s: no valid example: %w", code, err)
		}
		if a.Body, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("response %s: encoding the example: %w", code, err)
		}
		a.Header.Set("Content-Type", "application/json")
		return a, nil
	}
	ct := slices.Sorted(maps.Keys(resp.Content))[0]
	a.Header.Set("Content-Type", ct)
	a.Body = FileExample(ct)
	return a, nil
}

// Examples caches ValidExample per operation: building one walks the
// schema, which costs more than the rest of an answer. Its zero value is
// ready; it is safe for concurrent use.
type Examples struct {
	m sync.Map // *openapi3.Operation -> exampleEntry
}

type exampleEntry struct {
	resp *gateway.Response
	err  error
}

// Response is ValidExample(op), as a copy the caller may change; an
// operation without a valid example answers 500 SYSTEM_ERROR naming it and
// why, so that the test sees what is missing.
func (c *Examples) Response(rt *gateway.Route) *gateway.Response {
	v, ok := c.m.Load(rt.Operation)
	if !ok {
		r, err := ValidExample(rt.Operation)
		v, _ = c.m.LoadOrStore(rt.Operation, exampleEntry{r, err})
	}
	e := v.(exampleEntry)
	if e.err != nil {
		return (&gateway.Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR",
			Message: fmt.Sprintf("no example answer for %s %s (%s): %v", rt.Method, rt.Template, rt.OperationID, e.err)}).Response()
	}
	return &gateway.Response{Status: e.resp.Status, Header: e.resp.Header.Clone(), Body: bytes.Clone(e.resp.Body)}
}

// SuccessStatus is the lowest documented 2xx status of op and its key.
func SuccessStatus(op *openapi3.Operation) (int, string, error) {
	if op.Responses == nil {
		return 0, "", fmt.Errorf("no responses")
	}
	status, code := 0, ""
	for k := range op.Responses.Map() {
		n := successCode(k)
		if n != 0 && (status == 0 || n < status) {
			status, code = n, k
		}
	}
	if status == 0 {
		return 0, "", fmt.Errorf("no 2xx response")
	}
	if ref := op.Responses.Value(code); ref == nil || ref.Value == nil {
		return 0, "", fmt.Errorf("response %s is not resolved", code)
	}
	return status, code, nil
}

// successCode is the status a 2xx response key stands for ("2XX": 200),
// 0 for other keys.
func successCode(key string) int {
	if key == "2XX" {
		return 200
	}
	if v, err := strconv.Atoi(key); err == nil && v >= 200 && v < 300 {
		return v
	}
	return 0
}

// MediaTypeExample is the example of a media type: its example, else its
// first named example (sorted by name), else its schema's example.
func MediaTypeExample(mt *openapi3.MediaType) (any, bool) {
	if mt.Example != nil {
		return mt.Example, true
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Example != nil {
		return mt.Schema.Value.Example, true
	}
	return nil, false
}

// fileText is the content of every downloaded file: a CSV line, in the
// shape of WeChat Pay's bills.
const fileText = "交易时间,商户号,金额\n`2015-05-20 13:29:35,`1230000109,`1.00\n"

// FileExample is the file ValidExample answers for a download of media
// type mediaType: fileText, gzip-compressed for a gzip media type
// (deterministically: no name, no time in the header).
func FileExample(mediaType string) []byte {
	if !strings.Contains(strings.ToLower(mediaType), "gzip") {
		return []byte(fileText)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(fileText))
	zw.Close()
	return b.Bytes()
}
