package wxtest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// ExampleHandler answers each operation of doc (routed like the Server does)
// with its success status and the example of that response's JSON body:
// the lowest documented 2xx status ("2XX" counts as 200), and the media
// type's example, else its first named example (sorted by name), else the
// schema's example. A success response without content answers with an
// empty body. A request that matches no operation answers 404, an operation
// without a usable example 500 SYSTEM_ERROR naming it, so the test sees why.
//
// It panics if doc cannot be routed.
func ExampleHandler(doc *openapi3.T) http.Handler {
	rt, err := gateway.NewRouter(doc)
	if err != nil {
		panic(fmt.Errorf("wxtest: %w", err))
	}
	return exampleHandler(rt)
}

func exampleHandler(rt *gateway.Router) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := RouteOf(r)
		if route == nil {
			var err error
			if route, err = rt.Find(r); err != nil {
				gateway.RouteError(err).Response().Send(w)
				return
			}
		}
		status, body, err := successExample(route.Operation)
		if err != nil {
			e := &gateway.Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR",
				Message: fmt.Sprintf("wxtest: %s %s (%s): %v", route.Method, route.Template, route.OperationID, err)}
			e.Response().Send(w)
			return
		}
		if body != nil {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		w.Write(body)
	})
}

// successExample returns the success status of op and the JSON of its
// example (nil for a response without content).
func successExample(op *openapi3.Operation) (int, []byte, error) {
	status, code, err := successStatus(op)
	if err != nil {
		return 0, nil, err
	}
	ref := op.Responses.Value(code)
	if len(ref.Value.Content) == 0 {
		return status, nil, nil
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil {
		return 0, nil, fmt.Errorf("response %s has no application/json content", code)
	}
	ex, ok := mediaTypeExample(mt)
	if !ok {
		return 0, nil, fmt.Errorf("response %s has no example", code)
	}
	b, err := json.Marshal(ex)
	if err != nil {
		return 0, nil, fmt.Errorf("response %s: encoding the example: %w", code, err)
	}
	return status, b, nil
}
