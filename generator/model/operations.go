package model

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// buildOperations makes every operation, sorted by path then method.
func (b *builder) buildOperations() {
	if b.doc.Paths == nil {
		return
	}
	for _, path := range sortedKeys(b.doc.Paths.Map()) {
		item := b.doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range sortedKeys(ops) {
			b.addOperation(path, method, item, ops[method])
		}
	}
	slices.SortStableFunc(b.api.Operations, func(a, c *Operation) int {
		return cmp.Or(cmp.Compare(a.Path, c.Path), cmp.Compare(a.Method, c.Method))
	})
}

func (b *builder) addOperation(path, method string, item *openapi3.PathItem, o *openapi3.Operation) {
	ptr := pointer("/paths", path, strings.ToLower(method))
	pos := b.pos(o.Origin, ptr)
	m := methodOf(method)
	if m == 0 {
		b.diags.Warnf(pos, "remove it or ask for support", "method %s is not supported; the operation is not generated", method)
		return
	}
	op := &Operation{
		ID: o.OperationID, Method: m, Path: path, Pos: pos,
		Summary: o.Summary, Description: o.Description, Tags: o.Tags, Deprecated: o.Deprecated,
		OfflineSince:     stringExt(o.Extensions, extOfflineSince),
		Idempotent:       m == MethodGet || boolExt(o.Extensions, extIdempotent),
		UnsignedResponse: boolExt(o.Extensions, extUnsigned),
	}
	op.GoName = b.goNameOf(o.Extensions, cmp.Or(o.OperationID, strings.ToLower(method)+" "+path), pos)
	op.PathConst, op.PathFunc, op.NewFunc = "Path"+op.GoName, "path"+op.GoName, "new"+m.GoName()+"Request"
	b.addParams(op, item.Parameters, o.Parameters, ptr)
	b.setBody(op, o, ptr)
	b.setResponse(op, o, ptr)
	b.addNotifications(op, o, ptr)
	b.api.Operations = append(b.api.Operations, op)
}

// setBody types the JSON request body. Other media types are not supported
// yet and are a located error.
func (b *builder) setBody(op *Operation, o *openapi3.Operation, ptr string) {
	if o.RequestBody == nil || o.RequestBody.Value == nil {
		return
	}
	rb := o.RequestBody.Value
	ptr = pointer(ptr, "requestBody")
	mt, ok := rb.Content["application/json"]
	if !ok || mt.Schema == nil {
		b.diags.Errorf(b.pos(rb.Origin, ptr), "describe the body as application/json",
			"request body media types %v are not supported yet", sortedKeys(rb.Content))
		return
	}
	op.Body = b.typeOf(mt.Schema, use{owner: op.GoName, field: "Request", ptr: pointer(ptr, "content", "application/json", "schema")})
	op.BodyRequired, op.BodyDoc, op.BodyExample = rb.Required, rb.Description, mt.Example
	if op.Body.Kind != KindStruct {
		b.diags.Errorf(b.pos(rb.Origin, ptr), "make the body an object schema", "request body of %s is a %s, not an object", op.describe(), op.Body.Kind)
	}
}

// setResponse types the first 2xx response; no content (e.g. 204) means
// no body. The 4XX (or default) body is kept for docs.
func (b *builder) setResponse(op *Operation, o *openapi3.Operation, ptr string) {
	if o.Responses == nil {
		return
	}
	codes := sortedKeys(o.Responses.Map())
	for _, code := range codes {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			b.setSuccess(op, n, o.Responses.Value(code), pointer(ptr, "responses", code))
			break
		}
	}
	if op.Status == 0 {
		b.diags.Errorf(op.Pos, "add a 2xx response", "%s has no 2xx response", op.describe())
	}
	for _, code := range []string{"4XX", "default", "5XX"} {
		if r := o.Responses.Value(code); r != nil && r.Value != nil && op.Error == nil {
			if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				op.Error = b.component(mt.Schema.Ref)
			}
		}
	}
}

func (b *builder) setSuccess(op *Operation, code int, r *openapi3.ResponseRef, ptr string) {
	op.Status = code
	if r.Value == nil {
		return
	}
	if r.Value.Description != nil {
		op.ResponseDoc = *r.Value.Description
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return
	}
	op.Response = b.typeOf(mt.Schema, use{owner: op.GoName, field: "Response", ptr: pointer(ptr, "content", "application/json", "schema")})
	op.ResponseExample = mt.Example
}
