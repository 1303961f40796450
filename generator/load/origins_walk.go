package load

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The walk below mirrors the OpenAPI 3.0 object tree: each function stamps
// one kind of element at its site and hands each child its own site. It
// follows the document's keys, not the decoded maps, so children are stamped
// in document order and a key that decoded to nothing is skipped.

// document stamps a whole loaded spec file.
func (st *stamper) document(doc *openapi3.T, at site) {
	if doc == nil || !at.ok() {
		return
	}
	doc.Origin = origin(at)
	if doc.Info != nil {
		info := at.child("info")
		doc.Info.Origin = origin(info)
		if doc.Info.Contact != nil {
			doc.Info.Contact.Origin = origin(info.child("contact"))
		}
		if doc.Info.License != nil {
			doc.Info.License.Origin = origin(info.child("license"))
		}
	}
	st.servers(doc.Servers, at.child("servers"))
	at.child("tags").items(func(i int, s site) {
		if i < len(doc.Tags) && doc.Tags[i] != nil {
			doc.Tags[i].Origin = origin(s)
		}
	})
	st.externalDocs(doc.ExternalDocs, at.child("externalDocs"))
	if doc.Paths != nil {
		ps := at.child("paths")
		doc.Paths.Origin = origin(ps)
		ps.pairs(func(path string, s site) { st.pathItem(doc.Paths.Value(path), s) })
	}
	if doc.Components != nil {
		st.components(doc.Components, at.child("components"))
	}
}

func (st *stamper) components(c *openapi3.Components, at site) {
	c.Origin = origin(at)
	at.child("schemas").pairs(func(n string, s site) { st.schemaRef(c.Schemas[n], s) })
	at.child("parameters").pairs(func(n string, s site) { st.parameterRef(c.Parameters[n], s) })
	at.child("headers").pairs(func(n string, s site) { st.headerRef(c.Headers[n], s) })
	at.child("requestBodies").pairs(func(n string, s site) { st.requestBodyRef(c.RequestBodies[n], s) })
	at.child("responses").pairs(func(n string, s site) { st.responseRef(c.Responses[n], s) })
	at.child("securitySchemes").pairs(func(n string, s site) { st.securitySchemeRef(c.SecuritySchemes[n], s) })
	at.child("examples").pairs(func(n string, s site) { st.exampleRef(c.Examples[n], s) })
	at.child("links").pairs(func(n string, s site) { st.linkRef(c.Links[n], s) })
	at.child("callbacks").pairs(func(n string, s site) { st.callbackRef(c.Callbacks[n], s) })
}

func (st *stamper) pathItem(it *openapi3.PathItem, at site) {
	if it == nil || !at.ok() || !st.first(it) {
		return
	}
	it.Origin = origin(at)
	if it.Ref != "" {
		// The operations were written where the $ref points.
		at = st.target(at, it.Ref)
	}
	at.pairs(func(key string, s site) {
		switch key {
		case "parameters":
			st.parameters(it.Parameters, s)
		case "servers":
			st.servers(it.Servers, s)
		default:
			st.operation(it.GetOperation(strings.ToUpper(key)), s)
		}
	})
}

func (st *stamper) operation(op *openapi3.Operation, at site) {
	if op == nil || !st.first(op) {
		return
	}
	op.Origin = origin(at)
	st.parameters(op.Parameters, at.child("parameters"))
	st.requestBodyRef(op.RequestBody, at.child("requestBody"))
	if op.Responses != nil {
		rs := at.child("responses")
		op.Responses.Origin = origin(rs)
		rs.pairs(func(code string, s site) { st.responseRef(op.Responses.Value(code), s) })
	}
	at.child("callbacks").pairs(func(n string, s site) { st.callbackRef(op.Callbacks[n], s) })
	st.externalDocs(op.ExternalDocs, at.child("externalDocs"))
	if op.Servers != nil {
		st.servers(*op.Servers, at.child("servers"))
	}
}

func (st *stamper) parameters(ps openapi3.Parameters, at site) {
	at.items(func(i int, s site) {
		if i < len(ps) {
			st.parameterRef(ps[i], s)
		}
	})
}

func (st *stamper) servers(ss openapi3.Servers, at site) {
	at.items(func(i int, s site) {
		if i < len(ss) && ss[i] != nil {
			ss[i].Origin = origin(s)
		}
	})
}

func (st *stamper) externalDocs(d *openapi3.ExternalDocs, at site) {
	if d != nil {
		d.Origin = origin(at)
	}
}

// resolved is the site of a wrapper's value: where its $ref points, or the
// wrapper's own site when it is written inline.
func (st *stamper) resolved(ref string, at site) site {
	if ref == "" {
		return at
	}
	return st.target(at, ref)
}

func (st *stamper) schemaRef(r *openapi3.SchemaRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	st.schema(r.Value, st.resolved(r.Ref, at))
	var value *openapi3.Origin
	if r.Value != nil {
		value = r.Value.Origin
	}
	r.Origin = wrapperOrigin(r.Ref, value, at)
}

// wrapperOrigin is the Origin of a $ref wrapper written at at: a wrapper
// written inline shares its value's (the same place, so the same Origin,
// which halves what stamping allocates for the many inline schemas).
func wrapperOrigin(ref string, value *openapi3.Origin, at site) *openapi3.Origin {
	if ref == "" && value != nil && value.Key != nil && value.Key.Line == keyLine(at) {
		return value
	}
	return origin(at)
}

// keyLine is the line an Origin read off at has in its Key.
func keyLine(at site) int {
	if at.key != nil {
		return at.key.Line
	}
	return at.val.Line
}

func (st *stamper) schema(s *openapi3.Schema, at site) {
	if s == nil || !at.ok() || !st.first(s) {
		return
	}
	s.Origin = origin(at)
	at.child("properties").pairs(func(n string, p site) { st.schemaRef(s.Properties[n], p) })
	st.schemaRef(s.Items, at.child("items"))
	st.schemaRef(s.Not, at.child("not"))
	st.schemaRef(s.AdditionalProperties.Schema, at.child("additionalProperties"))
	for _, list := range []struct {
		name string
		refs openapi3.SchemaRefs
	}{{"allOf", s.AllOf}, {"anyOf", s.AnyOf}, {"oneOf", s.OneOf}} {
		at.child(list.name).items(func(i int, p site) {
			if i < len(list.refs) {
				st.schemaRef(list.refs[i], p)
			}
		})
	}
	if s.Discriminator != nil {
		s.Discriminator.Origin = origin(at.child("discriminator"))
	}
	st.externalDocs(s.ExternalDocs, at.child("externalDocs"))
}

func (st *stamper) parameterRef(r *openapi3.ParameterRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	st.parameter(r.Value, st.resolved(r.Ref, at))
}

func (st *stamper) parameter(p *openapi3.Parameter, at site) {
	if p == nil || !at.ok() || !st.first(p) {
		return
	}
	p.Origin = origin(at)
	st.schemaRef(p.Schema, at.child("schema"))
	st.content(p.Content, at.child("content"))
	at.child("examples").pairs(func(n string, s site) { st.exampleRef(p.Examples[n], s) })
}

func (st *stamper) headerRef(r *openapi3.HeaderRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	if r.Value != nil {
		st.parameter(&r.Value.Parameter, st.resolved(r.Ref, at))
	}
}

func (st *stamper) requestBodyRef(r *openapi3.RequestBodyRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	b := r.Value
	vat := st.resolved(r.Ref, at)
	if b == nil || !vat.ok() || !st.first(b) {
		return
	}
	b.Origin = origin(vat)
	st.content(b.Content, vat.child("content"))
}

func (st *stamper) responseRef(r *openapi3.ResponseRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	resp := r.Value
	vat := st.resolved(r.Ref, at)
	if resp == nil || !vat.ok() || !st.first(resp) {
		return
	}
	resp.Origin = origin(vat)
	vat.child("headers").pairs(func(n string, s site) { st.headerRef(resp.Headers[n], s) })
	st.content(resp.Content, vat.child("content"))
	vat.child("links").pairs(func(n string, s site) { st.linkRef(resp.Links[n], s) })
}

func (st *stamper) content(c openapi3.Content, at site) {
	at.pairs(func(mime string, s site) {
		mt := c[mime]
		if mt == nil || !st.first(mt) {
			return
		}
		mt.Origin = origin(s)
		st.schemaRef(mt.Schema, s.child("schema"))
		s.child("examples").pairs(func(n string, e site) { st.exampleRef(mt.Examples[n], e) })
		s.child("encoding").pairs(func(n string, e site) {
			enc := mt.Encoding[n]
			if enc == nil {
				return
			}
			enc.Origin = origin(e)
			e.child("headers").pairs(func(h string, hs site) { st.headerRef(enc.Headers[h], hs) })
		})
	})
}

func (st *stamper) callbackRef(r *openapi3.CallbackRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	cb := r.Value
	vat := st.resolved(r.Ref, at)
	if cb == nil || !vat.ok() || !st.first(cb) {
		return
	}
	cb.Origin = origin(vat)
	vat.pairs(func(expr string, s site) { st.pathItem(cb.Value(expr), s) })
}

func (st *stamper) securitySchemeRef(r *openapi3.SecuritySchemeRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	if v := r.Value; v != nil && st.first(v) {
		v.Origin = origin(st.resolved(r.Ref, at))
	}
}

func (st *stamper) exampleRef(r *openapi3.ExampleRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	if v := r.Value; v != nil && st.first(v) {
		v.Origin = origin(st.resolved(r.Ref, at))
	}
}

func (st *stamper) linkRef(r *openapi3.LinkRef, at site) {
	if r == nil || !at.ok() {
		return
	}
	r.Origin = origin(at)
	if v := r.Value; v != nil && st.first(v) {
		v.Origin = origin(st.resolved(r.Ref, at))
	}
}
