package model

import (
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Sensitive fields (x-wechatpay-sensitive: true on a string property) are
// encrypted with the platform key on send and decrypted with the merchant
// key on receive. markSensitive finds them by walking every component
// schema and every body schema alongside the types made from them, then
// marks each struct that holds one, directly or through nested structs and
// arrays, so that it gets encryptSensitive/decryptSensitive methods.
func (b *builder) markSensitive() {
	seen := map[*Type]bool{}
	if b.doc.Components != nil {
		for _, name := range sortedKeys(b.components) {
			b.sensitiveIn(b.components[name], b.doc.Components.Schemas[name], seen)
		}
	}
	for _, path := range sortedKeys(b.doc.Paths.Map()) {
		ops := b.doc.Paths.Value(path).Operations()
		for _, method := range sortedKeys(ops) {
			op := b.operation(path, method)
			if op == nil {
				continue
			}
			o := ops[method]
			if o.RequestBody != nil && o.RequestBody.Value != nil && op.Body != nil {
				for _, mt := range o.RequestBody.Value.Content {
					b.sensitiveIn(op.Body, mt.Schema, seen)
				}
			}
			if op.Response != nil && o.Responses != nil {
				if r := o.Responses.Value(strconv.Itoa(op.Status)); r != nil && r.Value != nil {
					if mt := r.Value.Content.Get(mediaJSON); mt != nil {
						b.sensitiveIn(op.Response, mt.Schema, seen)
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, t := range b.api.Types {
			if !t.Sensitive && t.Kind == KindStruct && holdsSensitive(t) {
				t.Sensitive, changed = true, true
			}
		}
	}
}

// sensitiveIn marks the sensitive fields of t, made from r, and descends.
func (b *builder) sensitiveIn(t *Type, r *openapi3.SchemaRef, seen map[*Type]bool) {
	if t == nil || r == nil || r.Value == nil {
		return
	}
	switch t.Kind {
	case KindArray, KindMap:
		if r.Value.Items != nil {
			b.sensitiveIn(t.Elem, r.Value.Items, seen)
		} else if r.Value.AdditionalProperties.Schema != nil {
			b.sensitiveIn(t.Elem, r.Value.AdditionalProperties.Schema, seen)
		}
		return
	case KindStruct:
	default:
		return
	}
	if seen[t] {
		return
	}
	seen[t] = true
	for _, f := range t.Fields {
		pr := propertyOf(r.Value, f.JSONName)
		if pr == nil {
			continue
		}
		if boolExt(extensionsOf(pr), extSensitive) || (pr.Value != nil && boolExt(pr.Value.Extensions, extSensitive)) {
			if f.Type.Kind != KindString {
				b.diags.errorAt(culprit{typ: t}, f.Pos, "put x-wechatpay-sensitive on string properties only", "sensitive property %q is a %s, not a string", f.JSONName, f.Type.Kind)
				continue
			}
			f.Sensitive = true
			continue
		}
		if f.Type.Kind == KindMap && f.Type.Elem != nil && f.Type.Elem.Kind == KindStruct {
			continue // maps of structs keep their values as sent
		}
		b.sensitiveIn(f.Type, pr, seen)
	}
}

// propertyOf finds a property in a schema or in the members of its allOf.
func propertyOf(s *openapi3.Schema, name string) *openapi3.SchemaRef {
	return propertyAt(s, name, 0)
}

// propertyAt is propertyOf at an allOf depth; a cycle of allOf ends (and
// is reported by the schema part).
func propertyAt(s *openapi3.Schema, name string, depth int) *openapi3.SchemaRef {
	if p := s.Properties[name]; p != nil {
		return p
	}
	if depth > maxAllOfDepth {
		return nil
	}
	for _, m := range s.AllOf {
		if m.Value != nil {
			if p := propertyAt(m.Value, name, depth+1); p != nil {
				return p
			}
		}
	}
	return nil
}

// holdsSensitive: a sensitive field, or a field whose struct (or array
// element) is marked.
func holdsSensitive(t *Type) bool {
	for _, f := range t.Fields {
		if f.Sensitive || sensitiveType(f.Type) {
			return true
		}
	}
	return false
}

func sensitiveType(t *Type) bool {
	for t != nil && t.Kind == KindArray {
		t = t.Elem
	}
	return t != nil && t.Kind == KindStruct && t.Sensitive
}

// operation finds the operation made for a path and method.
func (b *builder) operation(path, method string) *Operation {
	m := methodOf(method)
	for _, op := range b.api.Operations {
		if op.Path == path && op.Method == m {
			return op
		}
	}
	return nil
}
