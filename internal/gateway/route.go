package gateway

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Route is the operation a request was routed to.
type Route struct {
	OperationID string
	Method      string
	Template    string            // path template, e.g. /v3/discount-card/cards/{out_card_code}
	PathParams  map[string]string // percent-decoded once
	Operation   *openapi3.Operation

	route *routers.Route
}

// Router routes requests on copies of documents whose servers are
// [{url: "/"}], so that only the path matters. The documents are only read.
type Router struct {
	routers []routers.Router
	ops     map[string]*openapi3.Operation // by operationId
}

// NewRouter routes on docs, tried in order.
func NewRouter(docs ...*openapi3.T) (*Router, error) {
	rt := &Router{ops: map[string]*openapi3.Operation{}}
	for i, doc := range docs {
		if doc.Paths != nil {
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					if op.OperationID != "" {
						rt.ops[op.OperationID] = op
					}
				}
			}
		}
		r, err := gorillamux.NewRouter(serveFromRoot(doc))
		if err != nil {
			return nil, fmt.Errorf("gateway: routing document %d: %w", i+1, err)
		}
		rt.routers = append(rt.routers, r)
	}
	return rt, nil
}

// Operation returns the operation with operationId id, or nil.
func (rt *Router) Operation(id string) *openapi3.Operation { return rt.ops[id] }

// OperationIDs returns the operationIds routed, sorted.
func (rt *Router) OperationIDs() []string { return slices.Sorted(maps.Keys(rt.ops)) }

// serveFromRoot returns a shallow copy of doc whose servers, and those of
// its paths, are [{url: "/"}].
func serveFromRoot(doc *openapi3.T) *openapi3.T {
	cp := *doc
	cp.Servers = openapi3.Servers{{URL: "/"}}
	if doc.Paths != nil {
		paths := openapi3.NewPathsWithCapacity(doc.Paths.Len())
		for p, item := range doc.Paths.Map() {
			if len(item.Servers) > 0 {
				c := *item
				c.Servers = nil
				item = &c
			}
			paths.Set(p, item)
		}
		cp.Paths = paths
	}
	return &cp
}

// Find routes req (matching its escaped path) and decodes the path
// parameters once. Errors are routers.ErrPathNotFound,
// routers.ErrMethodNotAllowed (when a document has the path) or a
// decoding error naming the parameter; RouteError turns them into answers.
func (rt *Router) Find(req *http.Request) (*Route, error) {
	var firstErr error
	for _, r := range rt.routers {
		found, raw, err := r.FindRoute(req)
		if err != nil {
			if firstErr == nil || errors.Is(err, routers.ErrMethodNotAllowed) {
				firstErr = err
			}
			continue
		}
		params := make(map[string]string, len(raw))
		for k, v := range raw {
			u, err := url.PathUnescape(v)
			if err != nil {
				return nil, &paramDecodeError{name: k, err: err}
			}
			params[k] = u
		}
		return &Route{
			OperationID: found.Operation.OperationID,
			Method:      found.Method,
			Template:    found.Path,
			PathParams:  params,
			Operation:   found.Operation,
			route:       found,
		}, nil
	}
	if firstErr == nil {
		firstErr = routers.ErrPathNotFound
	}
	return nil, firstErr
}

type paramDecodeError struct {
	name string
	err  error
}

func (e *paramDecodeError) Error() string {
	return fmt.Sprintf("path parameter %q is not percent-encoded correctly: %v", e.name, e.err)
}

// RouteError is the answer to a request Find could not route: 405
// METHOD_NOT_ALLOWED, 400 PARAM_ERROR for a badly escaped path parameter,
// else 404 NOT_FOUND. It is nil for a nil err.
func RouteError(err error) *Error {
	var pe *paramDecodeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return &Error{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: "请求方法不支持"}
	case errors.As(err, &pe):
		return ParamError(pe.name, "path", pe.err.Error(), "参数错误："+pe.Error())
	}
	return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "请求的资源不存在：" + err.Error()}
}
