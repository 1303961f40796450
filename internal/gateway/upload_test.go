package gateway_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// TestUploadDigest: an upload whose meta.sha256 is not its file's is
// refused 400 PARAM_ERROR naming the member; upper-case hex is the same
// digest; an upload without a sha256 member is left to the spec.
func TestUploadDigest(t *testing.T) {
	rt, err := gateway.NewRouter(loadSpec(t, `
openapi: 3.0.3
info: {title: upload, version: "1"}
paths:
  /v3/upload:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [meta, file]
              properties:
                meta:
                  type: object
                  properties:
                    filename: {type: string}
                    sha256: {type: string}
                file: {type: string, format: binary}
            encoding:
              meta: {contentType: application/json}
              file: {contentType: image/png}
      responses:
        '200': {description: ok}
`))
	if err != nil {
		t.Fatal(err)
	}
	file := []byte("\x89PNG\r\n\x1a\n not really")
	sum := sha256.Sum256(file)
	good := hex.EncodeToString(sum[:])
	for _, tc := range []struct {
		meta string
		ok   bool
	}{
		{`{"filename":"a.png","sha256":"` + good + `"}`, true},
		{`{"filename":"a.png","sha256":"` + strings.ToUpper(good) + `"}`, true},
		{`{"filename":"a.png"}`, true},
		{`{"filename":"a.png","sha256":"` + strings.Repeat("0", 64) + `"}`, false},
	} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mh := textproto.MIMEHeader{}
		mh.Set("Content-Disposition", `form-data; name="meta"`)
		mh.Set("Content-Type", "application/json")
		mw2, _ := mw.CreatePart(mh)
		mw2.Write([]byte(tc.meta))
		fh := textproto.MIMEHeader{}
		fh.Set("Content-Disposition", `form-data; name="file"; filename="a.png"`)
		fh.Set("Content-Type", "image/png")
		fw, _ := mw.CreatePart(fh)
		fw.Write(file)
		mw.Close()
		r := httptest.NewRequest("POST", "/v3/upload", bytes.NewReader(buf.Bytes()))
		r.Header.Set("Content-Type", mw.FormDataContentType())
		route, err := rt.Find(r)
		if err != nil {
			t.Fatal(err)
		}
		e := route.ValidateRequest(context.Background(), r, buf.Bytes())
		switch {
		case tc.ok && e != nil:
			t.Errorf("meta %s: refused %+v %v", tc.meta, e, e.Detail)
		case !tc.ok && (e == nil || e.Code != "PARAM_ERROR" || e.Detail["field"] != "/meta/sha256"):
			t.Errorf("meta %s: %+v, want PARAM_ERROR at /meta/sha256", tc.meta, e)
		}
	}
}

// TestUndecodableBodySaysWhy: a body the decoder refuses (a meta part sent
// as text/plain where the encoding says application/json) is refused with
// the decoder's reason, so that the caller knows what to fix.
func TestUndecodableBodySaysWhy(t *testing.T) {
	rt, err := gateway.NewRouter(loadSpec(t, `
openapi: 3.0.3
info: {title: upload, version: "1"}
paths:
  /v3/upload:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                meta: {type: object, properties: {filename: {type: string}}}
            encoding:
              meta: {contentType: application/json}
      responses:
        '200': {description: ok}
`))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("meta", `{"filename":"a.png"}`) // text/plain
	mw.Close()
	r := httptest.NewRequest("POST", "/v3/upload", bytes.NewReader(buf.Bytes()))
	r.Header.Set("Content-Type", mw.FormDataContentType())
	route, err := rt.Find(r)
	if err != nil {
		t.Fatal(err)
	}
	e := route.ValidateRequest(context.Background(), r, buf.Bytes())
	if e == nil {
		t.Fatal("a meta part sent as text/plain was accepted")
	}
	if issue, _ := e.Detail["issue"].(string); !strings.Contains(issue, "meta") || !strings.Contains(issue, "text/plain") {
		t.Errorf("got %+v, want the part and its content type named", e)
	}
}
