package wxtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/internal/specvalue"
)

// ValidExampleHandler answers each operation of doc (routed like the Server
// does) with an answer the document accepts, for specs that were not
// written with complete, valid examples in mind: ValidExample's. Unlike
// ExampleHandler it never needs the spec's help, so that a test can cover
// every operation of any document; where ValidExample fails it answers 500
// SYSTEM_ERROR naming the operation and why.
//
// It panics if doc cannot be routed.
func ValidExampleHandler(doc *openapi3.T) http.Handler {
	rt, err := gateway.NewRouter(doc)
	if err != nil {
		panic(fmt.Errorf("wxtest: %w", err))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := RouteOf(r)
		if route == nil {
			if route, err = rt.Find(r); err != nil {
				gateway.RouteError(err).Response().Send(w)
				return
			}
		}
		a, err := ValidExample(route.Operation)
		if err != nil {
			e := &gateway.Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR",
				Message: fmt.Sprintf("wxtest: %s %s (%s): %v", route.Method, route.Template, route.OperationID, err)}
			e.Response().Send(w)
			return
		}
		if a.ContentType != "" {
			w.Header().Set("Content-Type", a.ContentType)
		}
		w.WriteHeader(a.Status)
		w.Write(a.Body)
	})
}

// Answer is a success answer of an operation.
type Answer struct {
	Status      int
	ContentType string // "" without a body
	Body        []byte
}

// ValidExample is the success answer ValidExampleHandler gives op:
//
//   - the lowest documented 2xx status ("2XX" counts as 200), whose
//     response decides the rest;
//   - no body when that response has no content;
//   - application/json (preferred when the response has several media
//     types): the example ExampleHandler would send, completed from the
//     schema where it is missing or does not satisfy it, with every
//     optional member filled in so that a client decodes all of them
//     (specvalue.Value with All, as a response);
//   - any other media type (a file download; the first one by name):
//     FileExample of it.
//
// It is deterministic: the same operation always gets the same bytes, so
// that a test can announce a download's digest beforehand.
func ValidExample(op *openapi3.Operation) (Answer, error) {
	status, code, err := successStatus(op)
	if err != nil {
		return Answer{}, err
	}
	resp := op.Responses.Value(code).Value
	if len(resp.Content) == 0 {
		return Answer{Status: status}, nil
	}
	if mt := resp.Content.Get("application/json"); mt != nil {
		ex, _ := mediaTypeExample(mt)
		v, err := specvalue.Value(mt.Schema, ex, specvalue.Options{Direction: specvalue.Response, All: true})
		if err != nil {
			return Answer{}, fmt.Errorf("response %s: no valid example: %w", code, err)
		}
		body, err := json.Marshal(v)
		if err != nil {
			return Answer{}, fmt.Errorf("response %s: encoding the example: %w", code, err)
		}
		return Answer{Status: status, ContentType: "application/json", Body: body}, nil
	}
	ct := slices.Sorted(maps.Keys(resp.Content))[0]
	return Answer{Status: status, ContentType: ct, Body: FileExample(ct)}, nil
}

// successStatus is the lowest documented 2xx status and its key.
func successStatus(op *openapi3.Operation) (int, string, error) {
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
