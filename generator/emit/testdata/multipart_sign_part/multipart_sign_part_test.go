package wechatpay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// received is a request as the server got it.
type received struct {
	target string
	header http.Header
	body   []byte
}

// newClient answers every upload with a media_id and records the requests.
// Response signatures are not this case's business: verification is off.
func newClient(t *testing.T) (*Client, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.RequestURI, r.Header.Clone(), b})
		mu.Unlock()
		io.WriteString(w, `{"media_id":"m"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.InsecureSkipResponseVerification(), apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// part is one part of a multipart body.
type part struct {
	name, filename, contentType, content string
}

func parseParts(t *testing.T, contentType string, body []byte) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q: %v", contentType, err)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
}

func newBody() *UploadRequest {
	return &UploadRequest{Meta: UploadRequestMeta{Filename: "a.png", SHA256: "s"}, File: []byte("\x89PNG\r\n\x1a\nimg")}
}

// The parts go in spec order: meta as JSON, the file named after
// meta.filename, then the optional note when set.
func TestMultipartParts(t *testing.T) {
	c, got := newClient(t)
	body := newBody()
	body.Note = apiv3.Ptr("hi")
	out, _, err := c.V3.Upload.Post(context.Background(), body)
	if err != nil || out.MediaID == nil || *out.MediaID != "m" {
		t.Fatalf("Post: %+v %v", out, err)
	}
	rec := got()[0]
	parts := parseParts(t, rec.header.Get("Content-Type"), rec.body)
	want := []part{
		{"meta", "", "application/json", `{"filename":"a.png","sha256":"s"}`},
		{"file", "a.png", "image/png", "\x89PNG\r\n\x1a\nimg"},
		{"note", "", "text/plain; charset=utf-8", "hi"},
	}
	if len(parts) != len(want) {
		t.Fatalf("parts %+v, want %+v", parts, want)
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d: %+v, want %+v", i, parts[i], want[i])
		}
	}

	// Without a note: two parts.
	if _, _, err := c.V3.Upload.Post(context.Background(), newBody()); err != nil {
		t.Fatal(err)
	}
	rec = got()[1]
	if parts := parseParts(t, rec.header.Get("Content-Type"), rec.body); len(parts) != 2 || parts[0].name != "meta" || parts[1].name != "file" {
		t.Errorf("without note: %+v", parts)
	}
}

// The Authorization signature covers exactly the content of the meta part
// (x-wechatpay-sign-part), not the multipart body: verified by hand with the
// merchant public key, both on the wire and on the request twin.
func TestSignatureCoversMetaPart(t *testing.T) {
	c, got := newClient(t)
	if _, _, err := c.V3.Upload.Post(context.Background(), newBody()); err != nil {
		t.Fatal(err)
	}
	rec := got()[0]
	checkSignedOverMeta(t, "wire", rec.header, rec.target, rec.body)

	r, err := c.V3.Upload.NewPostRequest(context.Background(), newBody())
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodPost {
		t.Errorf("twin method %s", r.Method)
	}
	checkSignedOverMeta(t, "twin", r.Header, r.URL.RequestURI(), b)
}

func checkSignedOverMeta(t *testing.T, what string, h http.Header, target string, body []byte) {
	t.Helper()
	parts := parseParts(t, h.Get("Content-Type"), body)
	meta := []byte(parts[0].content)
	a := parseAuthorization(t, h.Get("Authorization"))
	if a["mchid"] != testkeys.MchID || a["serial_no"] != testkeys.MerchantSerial {
		t.Errorf("%s: Authorization %v", what, a)
	}
	verify := func(signed []byte) error {
		msg := "POST\n" + target + "\n" + a["timestamp"] + "\n" + a["nonce_str"] + "\n" + string(signed) + "\n"
		sig, err := base64.StdEncoding.DecodeString(a["signature"])
		if err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(msg))
		return rsa.VerifyPKCS1v15(merchantPublicKey(t), crypto.SHA256, sum[:], sig)
	}
	if target != "/v3/upload" && target != "/v3/upload-files" {
		t.Errorf("%s: request-target %q", what, target)
	}
	if err := verify(meta); err != nil {
		t.Errorf("%s: signature does not cover the meta part %q: %v", what, meta, err)
	}
	if verify(body) == nil || verify(nil) == nil {
		t.Errorf("%s: signature verifies over something other than the meta part", what)
	}
}

func parseAuthorization(t *testing.T, v string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(v, "WECHATPAY2-SHA256-RSA2048 ")
	if !ok {
		t.Fatalf("Authorization %q", v)
	}
	m := map[string]string{}
	for _, item := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(item), "=")
		m[k] = strings.Trim(val, `"`)
	}
	return m
}

func merchantPublicKey(t *testing.T) *rsa.PublicKey {
	t.Helper()
	blk, _ := pem.Decode(testkeys.MerchantPublicKeyPEM)
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PublicKey)
}

// The parts' values are validated before anything is sent: a too long
// meta.filename and a missing body are refused, and nothing arrives.
func TestInvalidUploadNotSent(t *testing.T) {
	c, got := newClient(t)
	body := newBody()
	body.Meta.Filename = "toolong.png"
	_, _, err := c.V3.Upload.Post(context.Background(), body)
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].In != "body" || ve.Violations[0].Field != "meta.filename" || ve.Violations[0].Rule != "maxLength" {
		t.Errorf("long filename: %v", err)
	}
	if _, _, err := c.V3.Upload.Post(context.Background(), nil); !errors.As(err, &ve) || ve.Violations[0].Rule != "required" {
		t.Errorf("nil body: %v", err)
	}
	if n := len(got()); n != 0 {
		t.Errorf("%d invalid uploads sent", n)
	}
}

// Without x-wechatpay-sign-part the meta part is the signed one, first on
// the wire, and meta.file_name names the file.
func TestSignPartInferred(t *testing.T) {
	c, got := newClient(t)
	body := &UploadFileRequest{Meta: UploadFileRequestMeta{FileName: apiv3.Ptr("b.png"), FileDigest: apiv3.Ptr("d")}, File: []byte("\x89PNG\r\n\x1a\nimg")}
	if _, _, err := c.V3.UploadFiles.Post(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	rec := got()[0]
	parts := parseParts(t, rec.header.Get("Content-Type"), rec.body)
	if len(parts) != 2 || parts[0].name != "meta" || parts[1].name != "file" || parts[1].filename != "b.png" {
		t.Errorf("parts %+v", parts)
	}
	checkSignedOverMeta(t, "inferred", rec.header, rec.target, rec.body)
}
