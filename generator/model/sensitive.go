package model

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Sensitive fields (personal data WeChat Pay wants encrypted) are
// encrypted with the platform key on send and decrypted with the merchant
// key on receive. A spec marks them its own way: x-wechatpay-sensitive:
// true on a string property (ours), or x-is-sensitive: [names] on the
// object listing them (the spelling real specs use). Each property knows
// whether it is sensitive when its field is made (compose.go, even through
// merged allOf parts); markSensitive then marks each struct that holds one,
// directly or through nested structs and arrays, so that it gets
// encryptSensitive/decryptSensitive methods.

// extIsSensitive is other tools' spelling: a list of property names on the
// object schema.
const extIsSensitive = "x-is-sensitive"

// markedSensitive reports x-wechatpay-sensitive: true at a property's use
// (beside a $ref) or on its schema.
func markedSensitive(r *openapi3.SchemaRef) bool {
	return boolExt(extensionsOf(r), extSensitive) || (r.Value != nil && boolExt(r.Value.Extensions, extSensitive))
}

// sensitiveList reads an object's x-is-sensitive list of property names.
func sensitiveList(s *openapi3.Schema) []string {
	list, _ := s.Extensions[extIsSensitive].([]any)
	names := make([]string, 0, len(list))
	for _, v := range list {
		names = append(names, fmt.Sprint(v))
	}
	return names
}

// setSensitive marks a field made from a sensitive property; only strings
// can be encrypted, so any other is sent as it is, with a warning.
func (b *builder) setSensitive(t *Type, f *Field, p *prop) {
	if !p.sensitive {
		return
	}
	if f.Type.Kind != KindString {
		b.diags.Warnf(f.Pos, "mark string properties only", "sensitive property %q of %s is a %s, not a string: it is not encrypted", p.name, t.describe(), f.Type.Kind)
		return
	}
	f.Sensitive = true
}

// markSensitive marks every struct that holds a sensitive field, directly
// or in nested structs and arrays.
func (b *builder) markSensitive() {
	for changed := true; changed; {
		changed = false
		for _, t := range b.api.Types {
			if !t.Sensitive && t.Kind == KindStruct && holdsSensitive(t) {
				t.Sensitive, changed = true, true
			}
		}
	}
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
