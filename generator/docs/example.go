package docs

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

const runtimePath = "github.com/wxpaygen/wxpaygen/apiv3"

// literals turns the spec's example values into Go composite literals of the
// generated types, so that every page shows a call a user can paste.
type literals struct {
	pkg string // the generated package's name, e.g. "wechatpay"
}

func (l literals) named(name string) *jen.Statement { return jen.Id(l.pkg + "." + name) }

// value is a Go expression of type t (or *t when pointer) holding v; ok is
// false when the example does not fit the type.
func (l literals) value(t *model.Type, v any, pointer bool) (jen.Code, bool) {
	switch t.Kind {
	case model.KindStruct:
		return l.structValue(t, v, pointer, false)
	case model.KindArray:
		return l.arrayValue(t, v)
	case model.KindMap:
		return l.mapValue(t, v)
	case model.KindRaw, model.KindExternal:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, false
		}
		return jen.Qual("encoding/json", "RawMessage").Call(jen.Lit(string(b))), true
	}
	code, ok := l.scalar(t, v)
	if ok && pointer {
		if t.Kind == model.KindInt32 || t.Kind == model.KindInt64 || t.Kind == model.KindFloat64 {
			code = jen.Id(t.Kind.String()).Call(code) // Ptr needs a typed argument
		}
		code = jen.Qual(runtimePath, "Ptr").Call(code)
	}
	return code, ok
}

func (l literals) scalar(t *model.Type, v any) (*jen.Statement, bool) {
	switch t.Kind {
	case model.KindString:
		s, ok := v.(string)
		return jen.Lit(s), ok
	case model.KindEnum:
		return l.enumValue(t, v)
	case model.KindTime:
		s, ok := v.(string)
		return jen.Qual(runtimePath, "MustParseTime").Call(jen.Lit(s)), ok
	case model.KindBool:
		b, ok := v.(bool)
		return jen.Lit(b), ok
	case model.KindInt32, model.KindInt64:
		n, ok := number(v)
		if !ok || n != math.Trunc(n) {
			return nil, false
		}
		return jen.Op(strconv.FormatInt(int64(n), 10)), true
	case model.KindFloat64:
		n, ok := number(v)
		return jen.Lit(n), ok
	}
	return nil, false
}

// enumValue is the constant of v, or a conversion for a value the spec does
// not list. An integer enum's values are numbers (the model keeps them as
// decimal strings).
func (l literals) enumValue(t *model.Type, v any) (*jen.Statement, bool) {
	s, ok := v.(string)
	lit := jen.Lit(s)
	if t.EnumBase == model.KindInt64 {
		n, isNum := number(v)
		ok = isNum && n == math.Trunc(n)
		s = strconv.FormatInt(int64(n), 10)
		lit = jen.Op(s)
	}
	if !ok {
		return nil, false
	}
	i := slices.IndexFunc(t.Values, func(e *model.EnumValue) bool { return e.Value == s })
	if i < 0 {
		return l.named(t.Name).Call(lit), true
	}
	return l.named(t.Values[i].GoName), true
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// structValue writes T{...} (&T{...} when pointer); elided leaves out the
// type, as gofmt -s does inside a slice literal.
func (l literals) structValue(t *model.Type, v any, pointer, elided bool) (jen.Code, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	var items []jen.Code // in spec order, one field a line
	for _, f := range t.Fields {
		fv, present := obj[f.JSONName]
		if !present {
			continue
		}
		code, ok := l.value(f.Type, fv, f.Pointer)
		if !ok {
			return nil, false
		}
		items = append(items, jen.Line().Id(f.GoName).Op(":").Add(code))
	}
	if len(items) > 0 {
		items = append(items, jen.Line())
	}
	lit := l.named(t.Name).Values(items...)
	if elided {
		return jen.Values(items...), true
	}
	if pointer {
		return jen.Op("&").Add(lit), true
	}
	return lit, true
}

func (l literals) arrayValue(t *model.Type, v any) (jen.Code, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	var elems []jen.Code
	for _, it := range items {
		code, ok := l.value(t.Elem, it, false)
		if t.Elem.Kind == model.KindStruct {
			code, ok = l.structValue(t.Elem, it, false, true)
		}
		if !ok {
			return nil, false
		}
		elems = append(elems, jen.Line().Add(code))
	}
	if len(elems) > 0 {
		elems = append(elems, jen.Line())
	}
	return jen.Index().Add(l.typeExpr(t.Elem)).Values(elems...), true
}

func (l literals) mapValue(t *model.Type, v any) (jen.Code, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	d := jen.Dict{}
	for k, it := range obj {
		code, ok := l.value(t.Elem, it, false)
		if !ok {
			return nil, false
		}
		d[jen.Lit(k)] = code
	}
	return jen.Map(jen.String()).Add(l.typeExpr(t.Elem)).Values(d), true
}

// typeExpr spells a type for slice and map literals.
func (l literals) typeExpr(t *model.Type) jen.Code {
	switch t.Kind {
	case model.KindStruct, model.KindEnum:
		return l.named(t.Name)
	case model.KindArray:
		return jen.Index().Add(l.typeExpr(t.Elem))
	case model.KindMap:
		return jen.Map(jen.String()).Add(l.typeExpr(t.Elem))
	case model.KindTime:
		return jen.Qual(runtimePath, "Time")
	case model.KindRaw, model.KindExternal:
		return jen.Qual("encoding/json", "RawMessage")
	}
	return jen.Id(t.Kind.String())
}
