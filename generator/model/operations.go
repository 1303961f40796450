package model

import (
	"cmp"
	"slices"
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
	b.resolveSettledBy()
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
		settledByID:      stringExt(o.Extensions, extSettledBy),
	}
	if b.excluded.op(op) {
		return
	}
	defer b.diags.blame(culprit{op: op})()
	op.GoName = b.goNameOf(o.Extensions, cmp.Or(o.OperationID, strings.ToLower(method)+" "+path), pos)
	op.PathConst, op.PathFunc, op.NewFunc = "Path"+op.GoName, "path"+op.GoName, "request"+op.GoName
	b.addParams(op, item.Parameters, o.Parameters, ptr)
	b.setBody(op, o, ptr)
	b.setResponse(op, o, ptr)
	b.addNotifications(op, o, ptr)
	b.checkUnsigned(op)
	b.api.Operations = append(b.api.Operations, op)
}
