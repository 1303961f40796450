package gateway

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// ParamError is a 400 PARAM_ERROR whose detail names the field (a JSON
// Pointer for the body, the parameter name otherwise), its location
// ("body", "path", "query", "header") and the issue.
func ParamError(field, location, issue, message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: message,
		Detail: map[string]any{"field": field, "location": location, "issue": issue}}
}

// validationError turns an openapi3filter error into a PARAM_ERROR: the
// field ("/" for a body that is not even JSON), the location, the issue
// and, for a scalar, the value refused.
func validationError(err error) *Error {
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
			if hasSchemaErr && len(schemaErr.JSONPointer()) > 0 {
				detail["field"] = pointer(schemaErr.JSONPointer())
			}
		}
		if reqErr.Reason != "" {
			detail["issue"] = reqErr.Reason
			// "failed to decode request body" alone does not say what to fix;
			// the decoder's cause does (a part of a type the encoding refuses).
			if reqErr.Err != nil && !hasSchemaErr {
				cause, _, _ := strings.Cut(reqErr.Err.Error(), "\n")
				detail["issue"] = reqErr.Reason + ": " + cause
			}
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
	return &Error{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: msg, Detail: detail}
}

// pointer writes reference tokens as a JSON Pointer.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteString("/")
		b.WriteString(EscapePointer(tok))
	}
	return b.String()
}

// EscapePointer escapes a JSON Pointer reference token (RFC 6901).
func EscapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
