package model

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Request bodies: application/json is typed as a struct; multipart/form-data
// is a struct whose properties are the parts, one of whose JSON is signed
// (WeChat Pay signs that part, never the multipart body): the part
// x-wechatpay-sign-part names, else, as WeChat Pay's uploads all do, the
// part named meta, else the one JSON object part. Other media types are a
// located error.
const (
	mediaJSON      = "application/json"
	mediaMultipart = "multipart/form-data"
)

// setBody types the request body.
func (b *builder) setBody(op *Operation, o *openapi3.Operation, ptr string) {
	if o.RequestBody == nil || o.RequestBody.Value == nil {
		return
	}
	rb := o.RequestBody.Value
	ptr = pointer(ptr, "requestBody")
	media := mediaJSON
	mt := rb.Content[media]
	if mt == nil {
		media, mt = mediaMultipart, rb.Content[mediaMultipart]
	}
	if mt == nil || mt.Schema == nil {
		b.diags.Errorf(b.pos(rb.Origin, ptr), "describe the body as application/json (or multipart/form-data with x-wechatpay-sign-part)",
			"request body media types %v are not supported", sortedKeys(rb.Content))
		return
	}
	op.Body = b.typeOf(mt.Schema, use{owner: op.GoName, field: "Request", ptr: pointer(ptr, "content", media, "schema")})
	op.BodyRequired, op.BodyDoc, op.BodyExample = rb.Required, rb.Description, mt.Example
	if op.Body.Kind != KindStruct {
		b.diags.Errorf(b.pos(rb.Origin, ptr), "make the body an object schema", "request body of %s is a %s, not an object", op.describe(), op.Body.Kind)
		return
	}
	signPart := stringExt(rb.Extensions, extSignPart)
	if media == mediaMultipart {
		b.setMultipart(op, mt, signPart, b.pos(rb.Origin, ptr))
	} else if signPart != "" {
		b.diags.Errorf(b.pos(rb.Origin, ptr), "remove it, or make the body multipart/form-data",
			"x-wechatpay-sign-part on the application/json body of %s: only multipart bodies are signed by part", op.describe())
	}
}

// setMultipart makes the parts of a multipart body: the signed part first,
// then the others in spec order.
func (b *builder) setMultipart(op *Operation, mt *openapi3.MediaType, signPart string, pos diag.Position) {
	if signPart == "" {
		signPart = inferSignPart(op.Body)
	}
	if signPart == "" {
		b.diags.Errorf(pos, "add x-wechatpay-sign-part: <the JSON part, e.g. meta> to the request body",
			"multipart/form-data body of %s does not say which part is signed (x-wechatpay-sign-part), has no meta part and not one JSON object part", op.describe())
		return
	}
	m := &Multipart{Sign: signPart}
	var signed *Part
	for _, f := range op.Body.Fields {
		p := &Part{Name: f.JSONName, Field: f, Kind: partKind(f.Type)}
		if enc := mt.Encoding[f.JSONName]; enc != nil && !strings.ContainsAny(enc.ContentType, ",*") {
			p.ContentType = strings.TrimSpace(enc.ContentType)
		}
		if p.Name == signPart {
			signed = p
		}
		m.Parts = append(m.Parts, p)
	}
	switch {
	case signed == nil:
		b.diags.Errorf(pos, "name one of the body's properties", "x-wechatpay-sign-part %q of %s names no part of the body", signPart, op.describe())
		return
	case signed.Kind != PartJSON || signed.Field.Type.Kind != KindStruct:
		b.diags.Errorf(pos, "sign an object part (e.g. meta)", "x-wechatpay-sign-part %q of %s is a %s, not a JSON object", signPart, op.describe(), signed.Field.Type.Kind)
		return
	case !signed.Field.Required:
		b.diags.Errorf(pos, "list it in the body's required properties", "signed part %q of %s is optional; the signature needs it", signPart, op.describe())
		return
	}
	i := slices.Index(m.Parts, signed)
	m.Parts = slices.Insert(slices.Delete(m.Parts, i, i+1), 0, signed)
	filename := fieldNamed(signed.Field.Type, "filename")
	if filename == nil {
		filename = fieldNamed(signed.Field.Type, "file_name")
	}
	for _, p := range m.Parts {
		if p.Kind == PartFile && filename != nil && filename.Type.Kind == KindString {
			p.Filename = filename
		}
	}
	op.Multipart = m
}

// inferSignPart is the part WeChat Pay signs when the spec does not say:
// meta, else the one object part (encoded as JSON); "" when neither is
// there.
func inferSignPart(body *Type) string {
	if f := fieldNamed(body, "meta"); f != nil && f.Type.Kind == KindStruct {
		return f.JSONName
	}
	var only string
	for _, f := range body.Fields {
		if f.Type.Kind != KindStruct {
			continue
		}
		if only != "" {
			return ""
		}
		only = f.JSONName
	}
	return only
}

// partKind: binary strings are files, other strings and enums text, the
// rest JSON.
func partKind(t *Type) PartKind {
	switch {
	case t.Format == "binary":
		return PartFile
	case t.Kind == KindString || t.Kind == KindEnum:
		return PartText
	}
	return PartJSON
}

func fieldNamed(t *Type, jsonName string) *Field {
	for _, f := range t.Fields {
		if f.JSONName == jsonName {
			return f
		}
	}
	return nil
}
