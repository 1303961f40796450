package model

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// addParams makes the operation's parameters: those of the path item, then
// the operation's own (which replace a path item's of the same name and
// place), each in spec order.
func (b *builder) addParams(op *Operation, shared, own openapi3.Parameters, ptr string) {
	type key struct{ name, in string }
	ownKeys := map[key]bool{}
	for _, r := range own {
		if r.Value != nil {
			ownKeys[key{r.Value.Name, r.Value.In}] = true
		}
	}
	for i, r := range shared {
		if r.Value != nil && !ownKeys[key{r.Value.Name, r.Value.In}] {
			b.addParam(op, r.Value, pointer(ptr[:strings.LastIndex(ptr, "/")], "parameters", fmt.Sprint(i)))
		}
	}
	for i, r := range own {
		if r.Value != nil {
			b.addParam(op, r.Value, pointer(ptr, "parameters", fmt.Sprint(i)))
		}
	}
}

// serialHeader names the key a request's sensitive data is encrypted with.
const serialHeader = "Wechatpay-Serial"

// paramPlaces maps the spec's "in" to ParamIn; cookies are not supported.
var paramPlaces = map[string]ParamIn{"path": InPath, "query": InQuery, "header": InHeader}

func (b *builder) addParam(op *Operation, p *openapi3.Parameter, ptr string) {
	if p.In == "header" && http.CanonicalHeaderKey(p.Name) == serialHeader {
		op.SendSerial = true // the runtime's to set: the key it encrypts with
		return
	}
	pos := b.pos(p.Origin, ptr)
	in, ok := paramPlaces[p.In]
	if !ok || p.Schema == nil {
		b.diags.Errorf(pos, "describe it as a path, query or header parameter with a schema", "parameter %q in %s is not supported", p.Name, p.In)
		return
	}
	goName := b.goNameOf(p.Extensions, p.Name, pos)
	if goName == "" {
		return
	}
	param := &Param{
		Name: p.Name, In: in, GoName: goName, ArgName: ArgName(goName), Pos: pos,
		Required: p.Required || in == InPath, Doc: p.Description, Deprecated: p.Deprecated, Example: p.Example,
		exts: p.Extensions,
	}
	param.Type = b.typeOf(p.Schema, use{owner: op.GoName, field: goName, ptr: pointer(ptr, "schema")})
	array := param.Type.Kind == KindArray && param.Type.Elem != nil && scalarParam(param.Type.Elem.Kind)
	switch {
	case array && in == InPath:
		b.diags.Errorf(pos, "pass one value per path segment", "array path parameter %q is not supported", p.Name)
		return
	case !array && !scalarParam(param.Type.Kind):
		b.diags.Errorf(pos, "use a string, integer, number, boolean or enum parameter, or an array of them in query or header",
			"parameter %q of type %s is not supported", p.Name, param.Type.Kind)
		return
	}
	if !b.setStyle(param, p, pos) {
		return
	}
	if param.Example == nil {
		param.Example = param.Type.Example
	}
	param.Pointer = !param.Required && !array
	param.DefaultMchID = in == InQuery && p.Name == "mchid" && param.Type.Kind == KindString
	b.appendParam(op, param)
}

// parameter styles by place: the default first.
var stylesIn = map[ParamIn][]Style{
	InPath:   {StyleSimple},
	InHeader: {StyleSimple},
	InQuery:  {StyleForm, StyleSpaceDelimited, StylePipeDelimited},
}

// setStyle applies style and explode (OpenAPI defaults: form and explode
// in query, simple elsewhere). Other styles (deepObject, matrix, label,
// cookies) are a located error.
func (b *builder) setStyle(param *Param, p *openapi3.Parameter, pos diag.Position) bool {
	allowed := stylesIn[param.In]
	param.Style = allowed[0]
	if p.Style != "" {
		i := slices.IndexFunc(allowed, func(s Style) bool { return s.String() == p.Style })
		if i < 0 {
			names := make([]string, len(allowed))
			for j, s := range allowed {
				names[j] = s.String()
			}
			b.diags.Errorf(pos, "use style "+strings.Join(names, ", ")+" in "+param.In.String(),
				"parameter %q: style %s in %s is not supported", p.Name, p.Style, param.In)
			return false
		}
		param.Style = allowed[i]
	}
	param.Explode = param.Style == StyleForm
	if p.Explode != nil {
		param.Explode = *p.Explode
	}
	if param.Explode && (param.Style == StyleSpaceDelimited || param.Style == StylePipeDelimited) {
		b.diags.Errorf(pos, "set explode: false, or use style form", "parameter %q: style %s with explode: true is not defined", p.Name, param.Style)
		return false
	}
	return true
}

func (b *builder) appendParam(op *Operation, p *Param) {
	switch p.In {
	case InPath:
		op.PathParams = append(op.PathParams, p)
	case InQuery:
		op.QueryParams = append(op.QueryParams, p)
	case InHeader:
		op.HeaderParams = append(op.HeaderParams, p)
	}
}

func scalarParam(k Kind) bool {
	switch k {
	case KindString, KindInt32, KindInt64, KindFloat64, KindBool, KindEnum:
		return true
	}
	return false
}
