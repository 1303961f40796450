package model

import (
	"fmt"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// The extensions wxpaygen reads (DESIGN.md, "Extensions we read").
const (
	extGoName       = "x-go-name"
	extGoType       = "x-go-type"
	extGoTypeImport = "x-go-type-import"
	extEnumVarnames = "x-enum-varnames"
	extIdempotent   = "x-wechatpay-idempotent"
	extUnsigned     = "x-wechatpay-unsigned-response"
	extEventType    = "x-wechatpay-event-type"
	extResource     = "x-wechatpay-resource"
	extOfflineSince = "x-wechatpay-offline-since"
	extSignPart     = "x-wechatpay-sign-part"
	extSensitive    = "x-wechatpay-sensitive"
	extSettledBy    = "x-wechatpay-settled-by"
)

// goNameOf is the Go name of a spec name: its x-go-name verbatim when set,
// else GoName. A name that leaves no Go letters, or an x-go-name that is not
// an exported identifier, is a located error and gives "".
func (b *builder) goNameOf(exts map[string]any, name string, pos diag.Position) string {
	if v, ok := exts[extGoName]; ok {
		s, _ := v.(string)
		if !validGoName(s) {
			b.diags.Errorf(pos, "use an exported Go identifier", "x-go-name %v is not an exported Go identifier", v)
			return ""
		}
		return s
	}
	g := b.names.goName(name)
	if g == "" {
		b.diags.Errorf(pos, "give it an x-go-name", "name %q has no ASCII letter or digit to make a Go name of", name)
	}
	return g
}

// stringExt reads a string extension; "" when absent or not a string.
func stringExt(exts map[string]any, key string) string {
	if v, ok := exts[key]; ok {
		if s, ok := v.(string); ok {
			return s
		}
		return fmt.Sprint(v)
	}
	return ""
}

// boolExt reads a boolean extension.
func boolExt(exts map[string]any, key string) bool {
	v, _ := exts[key].(bool)
	return v
}
