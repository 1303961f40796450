package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
)

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
}

// ValidateRequest checks r, whose body is body: a JSON body must be one
// valid JSON value in UTF-8 (CheckJSON), then the request must pass
// openapi3filter.ValidateRequest against the operation (on a copy of r),
// then it refuses JSON strings
// with 4-byte UTF-8 characters (a WeChat Pay rule the schema cannot
// express). A failure is a 400 PARAM_ERROR (see ParamError).
func (rt *Route) ValidateRequest(ctx context.Context, r *http.Request, body []byte) *Error {
	isJSON := strings.Contains(r.Header.Get("Content-Type"), "json")
	if len(body) > 0 && isJSON {
		if e := CheckJSON(body); e != nil {
			return e
		}
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    withBody(ctx, r, body),
		PathParams: rt.PathParams,
		Route:      rt.route,
		Options:    filterOptions,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return validationError(err)
	}
	if e := checkUploadDigest(r, body, rt); e != nil {
		return e
	}
	if len(body) > 0 && isJSON {
		if ptr, ok := FourByteString(body); ok {
			return ParamError(ptr, "body", "string contains a 4-byte UTF-8 character",
				"参数错误：字符串不能包含4字节UTF-8字符")
		}
	}
	return nil
}

// ValidateResponse checks an answer (status, header, body) to r, whose body
// was reqBody, against the operation with openapi3filter.ValidateResponse;
// undocumented statuses are errors. The error names the request and quotes
// the body.
func (rt *Route) ValidateResponse(ctx context.Context, r *http.Request, reqBody []byte, status int, h http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    withBody(ctx, r, reqBody),
			PathParams: rt.PathParams,
			Route:      rt.route,
			Options:    filterOptions,
		},
		Status:  status,
		Header:  h,
		Options: responseOptions,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("%d answer to %s %s (%s) does not match the document: %w\nbody: %s",
			status, r.Method, RequestTarget(r), rt.OperationID, err, body)
	}
	return nil
}

// withBody is a copy of r reading body.
func withBody(ctx context.Context, r *http.Request, body []byte) *http.Request {
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	return req
}
