package model

import (
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Responses. Every 2xx code is listed in Statuses; the leaf returns the
// body of the lowest 2xx with a JSON body (Status) and a nil body for the
// others (e.g. a 202 without content), their status in *apiv3.Response.
// Two 2xx with different JSON bodies are an error. A 2xx whose content is
// not JSON (text/plain, application/x-gzip, ...) is a download: the leaf
// returns its bytes. Only downloads may be unsigned
// (x-wechatpay-unsigned-response): the leaf then takes the apiv3.Digest a
// signed call announced, and the runtime refuses bytes that do not match.

// setResponse types the success responses and keeps the 4XX (or default)
// body for docs.
func (b *builder) setResponse(op *Operation, o *openapi3.Operation, ptr string) {
	if o.Responses == nil {
		return
	}
	type success struct {
		code int
		key  string
	}
	var oks []success
	for _, key := range sortedKeys(o.Responses.Map()) {
		if n, err := strconv.Atoi(key); err == nil && n >= 200 && n < 300 {
			oks = append(oks, success{n, key})
		}
	}
	slices.SortFunc(oks, func(a, c success) int { return a.code - c.code })
	for _, s := range oks {
		op.Statuses = append(op.Statuses, s.code)
		b.setSuccess(op, s.code, o.Responses.Value(s.key), pointer(ptr, "responses", s.key))
	}
	if len(oks) == 0 {
		b.diags.Errorf(op.Pos, "add a 2xx response", "%s has no 2xx response", op.describe())
	} else if op.Status == 0 {
		op.Status = oks[0].code
	}
	for _, code := range []string{"4XX", "default", "5XX"} {
		if r := o.Responses.Value(code); r != nil && r.Value != nil && op.Error == nil {
			if mt := r.Value.Content.Get(mediaJSON); mt != nil && mt.Schema != nil {
				op.Error = b.component(mt.Schema.Ref)
			}
		}
	}
}

// setSuccess takes one 2xx response: the first JSON body (or download)
// wins; another JSON body must be the same type.
func (b *builder) setSuccess(op *Operation, code int, r *openapi3.ResponseRef, ptr string) {
	if r.Value == nil || len(r.Value.Content) == 0 {
		return
	}
	pos := b.pos(r.Value.Origin, ptr)
	mt := r.Value.Content.Get(mediaJSON)
	if mt == nil || mt.Schema == nil {
		if op.Response != nil {
			b.diags.Errorf(pos, "give every 2xx response of an operation one kind of body",
				"%d response of %s is a download but %d answers JSON", code, op.describe(), op.Status)
			return
		}
		if op.Download == nil {
			op.Status, op.Download = code, &Download{MediaTypes: sortedKeys(r.Value.Content)}
			op.ResponseDoc = deref(r.Value.Description)
		}
		return
	}
	t := b.typeOf(mt.Schema, use{owner: op.GoName, field: "Response", ptr: pointer(ptr, "content", mediaJSON, "schema")})
	switch {
	case op.Download != nil:
		b.diags.Errorf(pos, "give every 2xx response of an operation one kind of body",
			"%d response of %s answers JSON but %d is a download", code, op.describe(), op.Status)
	case op.Response == nil:
		op.Status, op.Response, op.ResponseExample = code, t, mt.Example
		op.ResponseDoc = deref(r.Value.Description)
	case op.Response != t:
		b.diags.Errorf(pos, "answer one schema (e.g. a shared component) in every 2xx response",
			"2xx responses %d and %d of %s have different bodies; one leaf returns one type", op.Status, code, op.describe())
	}
}

// checkUnsigned applies WeChat Pay's rule for files: a download (a success
// body that is not JSON) carries no signature, whether or not the spec says
// x-wechatpay-unsigned-response, and is checked against the digest a signed
// call announced instead (every WeChat Pay download comes with one: the
// bill's hash_value, the receipt's). It refuses an unsigned operation
// nothing could check: one whose success is JSON or empty.
func (b *builder) checkUnsigned(op *Operation) {
	if op.Download != nil {
		op.UnsignedResponse = true
		return
	}
	if !op.UnsignedResponse {
		return
	}
	what := "has no body"
	if op.Response != nil {
		what = "is JSON"
	}
	b.diags.Errorf(op.Pos, "remove it, or make the success body a file (e.g. text/plain, type: string, format: binary) checked against a digest",
		"x-wechatpay-unsigned-response on %s, whose success response %s: nothing could check its integrity", op.describe(), what)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
