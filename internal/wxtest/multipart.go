package wxtest

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

// signedBody is the body line of a request's signature message: the body,
// or for multipart/form-data the content of the signed part (WeChat Pay's
// upload rule: the meta JSON exactly as sent in its part, never the whole
// multipart body). A multipart body without that part signs as nil, which
// fails the check.
func signedBody(r *http.Request, body []byte, route *Route) []byte {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return body
	}
	part := DefaultSignPart
	if route != nil && route.Operation != nil && route.Operation.RequestBody != nil && route.Operation.RequestBody.Value != nil {
		if p, ok := route.Operation.RequestBody.Value.Extensions["x-wechatpay-sign-part"].(string); ok && p != "" {
			part = p
		}
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
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
