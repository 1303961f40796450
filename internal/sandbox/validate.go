package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/wxpaygen/wxpaygen/spec"
)

// specFiles are the embedded documents the sandbox serves, in routing order.
var specFiles = []string{"discount-card.yaml", "certificates.yaml"}

// route is the operation a request was routed to.
type route struct {
	operationID string
	params      map[string]string // percent-decoded once
	r           *routers.Route
}

// router routes requests on copies of the embedded documents whose servers
// are [{url: "/"}], so that only the path matters.
type router struct {
	routers []routers.Router
}

func newRouter() (*router, error) {
	rt := &router{}
	for _, name := range specFiles {
		data, err := spec.FS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			return nil, fmt.Errorf("sandbox: loading spec/%s: %w", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("sandbox: spec/%s: %w", name, err)
		}
		doc.Servers = openapi3.Servers{{URL: "/"}}
		for _, item := range doc.Paths.Map() {
			item.Servers = nil
		}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("sandbox: routing spec/%s: %w", name, err)
		}
		rt.routers = append(rt.routers, r)
	}
	return rt, nil
}

// find routes req. Errors: routers.ErrPathNotFound, routers.ErrMethodNotAllowed
// or a *paramDecodeError.
func (rt *router) find(req *http.Request) (*route, error) {
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
		return &route{operationID: found.Operation.OperationID, params: params, r: found}, nil
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

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

// routeError is the answer to a request that matched no operation.
func routeError(err error) *apiError {
	var pe *paramDecodeError
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return &apiError{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: "请求方法不支持"}
	case errors.As(err, &pe):
		return &apiError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: "参数错误：" + pe.Error(),
			Detail: map[string]any{"field": pe.name, "location": "path", "issue": pe.err.Error()}}
	}
	return &apiError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "请求的资源不存在"}
}

// validateRequest runs openapi3filter.ValidateRequest on a copy of r carrying
// body, then refuses JSON strings with 4-byte UTF-8 characters (a WeChat Pay
// rule the schema cannot express).
func validateRequest(ctx context.Context, r *http.Request, body []byte, rt *route) *apiError {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: rt.params,
		Route:      rt.r,
		Options:    filterOptions,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return paramError(err)
	}
	if len(body) > 0 {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if ptr, ok := fourByteString(v, ""); ok {
				return paramErrorAt(ptr, "body", "string contains a 4-byte UTF-8 character",
					"参数错误：字符串不能包含4字节UTF-8字符")
			}
		}
	}
	return nil
}

// validateResponse checks an answer against the document.
func validateResponse(ctx context.Context, r *http.Request, reqBody []byte, rt *route, status int, h http.Header, body []byte) error {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: rt.params, Route: rt.r, Options: filterOptions,
		},
		Status: status,
		Header: h,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("%d answer to %s %s (%s) does not match the document: %w\nbody: %s",
			status, r.Method, r.URL.Path, rt.operationID, err, body)
	}
	return nil
}

// fourByteString returns the JSON Pointer of the first string (keys in
// sorted order) holding a 4-byte UTF-8 character.
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
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := ptr + "/" + escapePointer(k)
			if _, ok := fourByteString(k, p); ok {
				return p, true
			}
			if p, ok := fourByteString(v[k], p); ok {
				return p, true
			}
		}
	}
	return "", false
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// paramError turns an openapi3filter error into a 400 PARAM_ERROR whose
// detail names the field (a JSON Pointer for the body, the parameter name
// otherwise) and its location.
func paramError(err error) *apiError {
	issue, _, _ := strings.Cut(err.Error(), "\n") // kin-openapi appends the schema and value
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
	return &apiError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: msg, Detail: detail}
}

// paramErrorAt is a PARAM_ERROR found by the business rules.
func paramErrorAt(field, location, issue, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: message,
		Detail: map[string]any{"field": field, "location": location, "issue": issue}}
}
