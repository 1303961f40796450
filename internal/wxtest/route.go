package wxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
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

type routeKey struct{}

// RouteOf returns the route of a request the Server passed to its Handler,
// or nil when the server has no Spec.
func RouteOf(r *http.Request) *Route {
	rt, _ := r.Context().Value(routeKey{}).(*Route)
	return rt
}

// PathParam returns the percent-decoded path parameter name of a request the
// Server passed to its Handler ("" when unknown).
func PathParam(r *http.Request, name string) string {
	if rt := RouteOf(r); rt != nil {
		return rt.PathParams[name]
	}
	return ""
}

// router routes on a copy of a document whose servers are [{url: "/"}].
type router struct {
	doc *openapi3.T
	r   routers.Router
}

func newRouter(doc *openapi3.T) (*router, error) {
	cp := *doc // shallow: the caller's document is never modified
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
	r, err := gorillamux.NewRouter(&cp)
	if err != nil {
		return nil, fmt.Errorf("wxtest: routing the document: %w", err)
	}
	return &router{doc: &cp, r: r}, nil
}

// find routes req (matching its escaped path) and decodes the path
// parameters once. Errors are routers.ErrPathNotFound,
// routers.ErrMethodNotAllowed or a decoding error naming the parameter.
func (rt *router) find(req *http.Request) (*Route, error) {
	route, raw, err := rt.r.FindRoute(req)
	if err != nil {
		return nil, err
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
		OperationID: route.Operation.OperationID,
		Method:      route.Method,
		Template:    route.Path,
		PathParams:  params,
		Operation:   route.Operation,
		route:       route,
	}, nil
}

type paramDecodeError struct {
	name string
	err  error
}

func (e *paramDecodeError) Error() string {
	return fmt.Sprintf("path parameter %q is not percent-encoded correctly: %v", e.name, e.err)
}

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

// validateRequest runs openapi3filter.ValidateRequest on a copy of r with
// body, then refuses 4-byte UTF-8 characters in JSON strings.
func validateRequest(ctx context.Context, r *http.Request, body []byte, rt *Route) *apiError {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: rt.PathParams,
		Route:      rt.route,
		Options:    filterOptions,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return paramError(err)
	}
	if len(body) > 0 && strings.Contains(r.Header.Get("Content-Type"), "json") {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if ptr, ok := fourByteString(v, ""); ok {
				return &apiError{status: http.StatusBadRequest, Code: "PARAM_ERROR",
					Message: "参数错误：字符串包含4字节UTF-8字符",
					Detail: map[string]any{"field": ptr, "location": "body",
						"issue": "string contains a 4-byte UTF-8 character"}}
			}
		}
	}
	return nil
}

// fourByteString returns the JSON Pointer of the first string (in sorted key
// order) holding a 4-byte UTF-8 character.
func fourByteString(v any, ptr string) (string, bool) {
	switch v := v.(type) {
	case string:
		for _, r := range v {
			if utf8.RuneLen(r) == 4 {
				return ptr, true
			}
		}
	case []any:
		for i, e := range v {
			if p, ok := fourByteString(e, fmt.Sprintf("%s/%d", ptr, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if p, ok := fourByteString(k, ptr+"/"+escapePointer(k)); ok {
				return p, true
			}
			if p, ok := fourByteString(v[k], ptr+"/"+escapePointer(k)); ok {
				return p, true
			}
		}
	}
	return "", false
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// paramError turns an openapi3filter error into a PARAM_ERROR.
func paramError(err error) *apiError {
	issue, _, _ := strings.Cut(err.Error(), "\n") // kin-openapi appends the schema and the value
	detail := map[string]any{"issue": issue}
	var reqErr *openapi3filter.RequestError
	var schemaErr *openapi3.SchemaError
	hasSchemaErr := errors.As(err, &schemaErr)
	if errors.As(err, &reqErr) {
		switch {
		case reqErr.Parameter != nil:
			detail["field"] = reqErr.Parameter.Name
			detail["location"] = reqErr.Parameter.In
		case reqErr.RequestBody != nil:
			detail["location"] = "body"
			detail["field"] = "/"
			if hasSchemaErr {
				var b strings.Builder
				for _, tok := range schemaErr.JSONPointer() {
					b.WriteString("/")
					b.WriteString(escapePointer(tok))
				}
				if b.Len() > 0 {
					detail["field"] = b.String()
				}
			}
		}
		if reqErr.Reason != "" {
			detail["issue"] = reqErr.Reason
		}
	}
	if hasSchemaErr {
		detail["issue"] = schemaErr.Reason
		switch v := schemaErr.Value.(type) {
		case string, float64, bool, json.Number, int, int64:
			detail["value"] = v
		}
	}
	msg := "参数错误"
	if f, ok := detail["field"].(string); ok {
		msg += "：" + f
	}
	if issue, ok := detail["issue"].(string); ok {
		msg += "：" + issue
	}
	return &apiError{status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: msg, Detail: detail}
}
