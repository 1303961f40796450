package gateway

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// DefaultSignPart is the part of a multipart/form-data request whose content
// WeChat Pay takes as the signed body when the document does not say
// (x-wechatpay-sign-part on the request body).
const DefaultSignPart = "meta"

// SignedBody is the body line of a request's signature message: the body,
// or for multipart/form-data the content of the signed part (WeChat Pay's
// upload rule: the meta JSON exactly as sent in its part, never the whole
// multipart body), named by the operation of rt (which may be nil). A
// multipart body without that part signs as nil, which fails the check.
func SignedBody(r *http.Request, body []byte, rt *Route) []byte {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return body
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	part := signPart(rt)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if p.FormName() == part {
			b, err := io.ReadAll(p)
			if err != nil {
				return nil
			}
			return b
		}
	}
}

// signPart is the x-wechatpay-sign-part of rt's request body, or DefaultSignPart.
func signPart(rt *Route) string {
	if rt == nil || rt.Operation == nil || rt.Operation.RequestBody == nil || rt.Operation.RequestBody.Value == nil {
		return DefaultSignPart
	}
	if p, ok := rt.Operation.RequestBody.Value.Extensions["x-wechatpay-sign-part"].(string); ok && p != "" {
		return p
	}
	return DefaultSignPart
}
