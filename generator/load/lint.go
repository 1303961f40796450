package load

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// KnownExtensions are the x- extensions wxpaygen reads (DESIGN.md, part 1),
// with the other tools' spellings of the same meanings that real specs use
// (x-is-sensitive, x-enumNames). Lint reports any other x-go-* or
// x-wechatpay-* name, which is likely a typo of ours; other vendors'
// extensions are allowed, as OpenAPI says, and pass silently.
var KnownExtensions = []string{
	"x-enum-varnames",
	"x-enumNames",
	"x-go-name",
	"x-go-type",
	"x-go-type-import",
	"x-wechatpay-event-type",
	"x-wechatpay-idempotent",
	"x-wechatpay-offline-since",
	"x-wechatpay-resource",
	"x-wechatpay-sensitive",
	"x-wechatpay-settled-by",
	"x-wechatpay-sign-part",
	"x-wechatpay-unsigned-response",
	"x-is-sensitive",
}

// ourPrefixes are the extension families wxpaygen owns: an unknown name in
// them is a warning.
var ourPrefixes = []string{"x-go-", "x-wechatpay-"}

// ours reports whether an extension name belongs to a family wxpaygen owns.
func ours(k string) bool {
	return slices.ContainsFunc(ourPrefixes, func(p string) bool { return strings.HasPrefix(k, p) })
}

// Lint returns warnings about the merged document: x-go-* and x-wechatpay-*
// extensions wxpaygen does not know (on the document, info, path items, operations, parameters,
// request bodies, responses, media types, headers, callbacks and schemas,
// recursively). Component schemas are reported at their component; a schema
// reached through a $ref is reported once, where it is written.
func (s *Spec) Lint() diag.List {
	l := &linter{s: s, seen: map[*openapi3.Schema]bool{}}
	doc := s.Doc
	if doc == nil {
		return nil
	}
	l.ext(doc.Extensions, s.extOrigin, "")
	if doc.Info != nil {
		l.ext(doc.Info.Extensions, doc.Info.Origin, "/info")
	}
	if c := doc.Components; c != nil {
		for _, n := range slices.Sorted(maps.Keys(c.Schemas)) {
			l.schema(c.Schemas[n], "/components/schemas/"+escapePointer(n))
		}
		for _, n := range slices.Sorted(maps.Keys(c.Parameters)) {
			if r := c.Parameters[n]; r != nil && r.Value != nil {
				l.parameter(r.Value, "/components/parameters/"+escapePointer(n))
			}
		}
		for _, n := range slices.Sorted(maps.Keys(c.Headers)) {
			if r := c.Headers[n]; r != nil && r.Value != nil {
				l.parameter(&r.Value.Parameter, "/components/headers/"+escapePointer(n))
			}
		}
		for _, n := range slices.Sorted(maps.Keys(c.RequestBodies)) {
			if r := c.RequestBodies[n]; r != nil && r.Value != nil {
				l.requestBody(r.Value, "/components/requestBodies/"+escapePointer(n))
			}
		}
		for _, n := range slices.Sorted(maps.Keys(c.Responses)) {
			if r := c.Responses[n]; r != nil && r.Value != nil {
				l.response(r.Value, "/components/responses/"+escapePointer(n))
			}
		}
		for _, n := range slices.Sorted(maps.Keys(c.Callbacks)) {
			if r := c.Callbacks[n]; r != nil && r.Value != nil {
				l.callback(r.Value, "/components/callbacks/"+escapePointer(n))
			}
		}
	}
	if doc.Paths != nil {
		l.ext(doc.Paths.Extensions, doc.Paths.Origin, "/paths")
		for _, p := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
			l.pathItem(doc.Paths.Value(p), "/paths/"+escapePointer(p))
		}
	}
	l.diags.Sort()
	return l.diags
}

type linter struct {
	s         *Spec
	seen      map[*openapi3.Schema]bool
	seenItems map[*openapi3.PathItem]bool
	diags     diag.List
}

// ext warns about each unknown extension of one element.
func (l *linter) ext(exts map[string]any, o *openapi3.Origin, ptr string) {
	for _, k := range slices.Sorted(maps.Keys(exts)) {
		if !ours(k) || slices.Contains(KnownExtensions, k) {
			continue
		}
		pos := l.s.Position(o, ptr+"/"+escapePointer(k))
		if o != nil {
			if loc, ok := o.Fields.Lookup(k); ok {
				pos = l.s.location(loc, pos.Pointer)
			}
		}
		l.diags.Warnf(pos, "wxpaygen ignores it; remove it or check its spelling (known: "+strings.Join(knownLike(k), ", ")+")",
			"unknown extension %s", k)
	}
}

func (l *linter) pathItem(it *openapi3.PathItem, ptr string) {
	if it == nil {
		return
	}
	if l.seenItems == nil {
		l.seenItems = map[*openapi3.PathItem]bool{}
	}
	if l.seenItems[it] {
		return
	}
	l.seenItems[it] = true
	l.ext(it.Extensions, it.Origin, ptr)
	l.parameters(it.Parameters, ptr+"/parameters")
	ops := it.Operations()
	for _, m := range slices.Sorted(maps.Keys(ops)) {
		l.operation(ops[m], ptr+"/"+strings.ToLower(m))
	}
}

func (l *linter) operation(op *openapi3.Operation, ptr string) {
	if op == nil {
		return
	}
	l.ext(op.Extensions, op.Origin, ptr)
	l.parameters(op.Parameters, ptr+"/parameters")
	if op.RequestBody != nil && op.RequestBody.Ref == "" && op.RequestBody.Value != nil {
		l.requestBody(op.RequestBody.Value, ptr+"/requestBody")
	}
	if op.Responses != nil {
		l.ext(op.Responses.Extensions, op.Responses.Origin, ptr+"/responses")
		rs := op.Responses.Map()
		for _, code := range slices.Sorted(maps.Keys(rs)) {
			if r := rs[code]; r != nil && r.Ref == "" && r.Value != nil {
				l.response(r.Value, ptr+"/responses/"+escapePointer(code))
			}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(op.Callbacks)) {
		if r := op.Callbacks[n]; r != nil && r.Ref == "" && r.Value != nil {
			l.callback(r.Value, ptr+"/callbacks/"+escapePointer(n))
		}
	}
}

func (l *linter) callback(cb *openapi3.Callback, ptr string) {
	l.ext(cb.Extensions, cb.Origin, ptr)
	m := cb.Map()
	for _, expr := range slices.Sorted(maps.Keys(m)) {
		l.pathItem(m[expr], ptr+"/"+escapePointer(expr))
	}
}

func (l *linter) parameters(ps openapi3.Parameters, ptr string) {
	for i, r := range ps {
		if r != nil && r.Ref == "" && r.Value != nil {
			l.parameter(r.Value, ptr+"/"+strconv.Itoa(i))
		}
	}
}

func (l *linter) parameter(p *openapi3.Parameter, ptr string) {
	l.ext(p.Extensions, p.Origin, ptr)
	l.schema(p.Schema, ptr+"/schema")
	l.content(p.Content, ptr+"/content")
}

func (l *linter) requestBody(b *openapi3.RequestBody, ptr string) {
	l.ext(b.Extensions, b.Origin, ptr)
	l.content(b.Content, ptr+"/content")
}

func (l *linter) response(r *openapi3.Response, ptr string) {
	l.ext(r.Extensions, r.Origin, ptr)
	for _, n := range slices.Sorted(maps.Keys(r.Headers)) {
		if h := r.Headers[n]; h != nil && h.Ref == "" && h.Value != nil {
			l.parameter(&h.Value.Parameter, ptr+"/headers/"+escapePointer(n))
		}
	}
	l.content(r.Content, ptr+"/content")
}

func (l *linter) content(c openapi3.Content, ptr string) {
	for _, mt := range slices.Sorted(maps.Keys(c)) {
		m := c[mt]
		if m == nil {
			continue
		}
		p := ptr + "/" + escapePointer(mt)
		l.ext(m.Extensions, m.Origin, p)
		l.schema(m.Schema, p+"/schema")
	}
}

// schema walks a schema and its subschemas once each (cycle-safe). A $ref to
// a component is not followed: components are walked on their own.
func (l *linter) schema(r *openapi3.SchemaRef, ptr string) {
	if r == nil || r.Value == nil || strings.HasPrefix(r.Ref, "#/components/") {
		return
	}
	sc := r.Value
	if l.seen[sc] {
		return
	}
	l.seen[sc] = true
	l.ext(sc.Extensions, sc.Origin, ptr)
	for _, n := range slices.Sorted(maps.Keys(sc.Properties)) {
		l.schema(sc.Properties[n], ptr+"/properties/"+escapePointer(n))
	}
	l.schema(sc.Items, ptr+"/items")
	l.schema(sc.Not, ptr+"/not")
	l.schema(sc.AdditionalProperties.Schema, ptr+"/additionalProperties")
	for _, kw := range []struct {
		name string
		list openapi3.SchemaRefs
	}{{"allOf", sc.AllOf}, {"anyOf", sc.AnyOf}, {"oneOf", sc.OneOf}} {
		for i, sub := range kw.list {
			l.schema(sub, ptr+"/"+kw.name+"/"+strconv.Itoa(i))
		}
	}
}

// knownLike lists the known extensions of k's family.
func knownLike(k string) []string {
	var like []string
	for _, known := range KnownExtensions {
		for _, p := range ourPrefixes {
			if strings.HasPrefix(k, p) && strings.HasPrefix(known, p) {
				like = append(like, known)
			}
		}
	}
	return like
}
