package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
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

// checkUploadDigest holds an upload to what its signed part says of the
// file, as WeChat Pay does (400 PARAM_ERROR for a wrong sha256): when the
// signed JSON part has a "sha256" member and the body one file part, the
// member must be the file's SHA-256 in hex. The signature covers only the
// signed part, so this is what ties the file to it.
func checkUploadDigest(r *http.Request, body []byte, rt *Route) *Error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil
	}
	signed := signPart(rt)
	var meta struct {
		SHA256 *string `json:"sha256"`
	}
	var files [][]byte
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break // the validation before this one judged the body's form
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil
		}
		switch {
		case p.FormName() == signed:
			json.Unmarshal(b, &meta)
		case p.FileName() != "":
			files = append(files, b)
		}
	}
	if meta.SHA256 == nil || len(files) != 1 {
		return nil
	}
	sum := sha256.Sum256(files[0])
	if !strings.EqualFold(*meta.SHA256, hex.EncodeToString(sum[:])) {
		return ParamError("/"+signed+"/sha256", "body", "sha256 does not match the file's SHA-256",
			"参数错误：sha256与文件内容不匹配")
	}
	return nil
}
