package wechatpay

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

func newClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.InsecureSkipResponseVerification(), apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQueryStylesHeadersAndMchID(t *testing.T) {
	c := newClient(t, nil)
	r, err := c.V3.Search.NewGetRequest(context.Background(), &V3SearchGetParams{
		Tag: []string{"x", "y"}, ID: []int64{1, 2}, Word: []string{"a b", "c"}, Kind: []SearchKind{"a", "b"},
		RequestTrace: "t-1", XFlags: []string{"f1", "f2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.URL.RawQuery, "mchid="+testkeys.MchID+"&tag=x&tag=y&id=1,2&word=a+b%20c&kind=a%7Cb"; got != want {
		t.Errorf("query %s, want %s", got, want)
	}
	if r.Header.Get("Request-Trace") != "t-1" || r.Header.Get("X-Flags") != "f1,f2" {
		t.Errorf("headers %v", r.Header)
	}
	_, err = c.V3.Search.NewGetRequest(context.Background(), nil)
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].In != "header" || ve.Violations[0].Rule != "required" {
		t.Errorf("missing header: %v", err)
	}
}

func TestSeveral2xx(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	body := &UploadRequest{Meta: UploadRequestMeta{Filename: "a.png", SHA256: "s"}, File: []byte("img")}
	out, resp, err := c.V3.Upload.Post(context.Background(), body)
	if err != nil || out != nil || resp.StatusCode != 202 {
		t.Errorf("202: %v %v %v", out, resp, err)
	}
}

func TestDownloadDigest(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "file") })
	sum := sha1.Sum([]byte("file"))
	good := apiv3.Digest{Type: "SHA1", Value: base16(sum[:])}
	if data, _, err := c.V3.Files.Name("a").Get(context.Background(), good); err != nil || string(data) != "file" {
		t.Errorf("good: %q %v", data, err)
	}
	if _, _, err := c.V3.Files.Name("a").Get(context.Background(), apiv3.Digest{Type: "SHA1", Value: "00"}); !errors.Is(err, apiv3.ErrDigestMismatch) {
		t.Errorf("bad: %v", err)
	}
}

func TestMultipartUpload(t *testing.T) {
	var meta, note, file, fname string
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		mr, _ := r.MultipartReader()
		for i := 0; ; i++ {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			switch {
			case i == 0:
				meta = p.FormName() + ":" + string(b)
			case p.FormName() == "file":
				file, fname = string(b), p.FileName()
			case p.FormName() == "note":
				note = string(b)
			}
		}
		io.WriteString(w, `{"id":"m"}`)
	})
	body := &UploadRequest{Meta: UploadRequestMeta{Filename: "a.png", SHA256: "s"}, File: []byte("img"), Note: apiv3.Ptr("hi")}
	out, _, err := c.V3.Upload.Post(context.Background(), body)
	if err != nil || out.ID == nil || *out.ID != "m" {
		t.Fatalf("Post: %v", err)
	}
	if meta != `meta:{"filename":"a.png","sha256":"s"}` || file != "img" || fname != "a.png" || note != "hi" {
		t.Errorf("parts: meta %q file %q %q note %q", meta, file, fname, note)
	}
	body.Meta.Filename = "toolong.png"
	if _, _, err := c.V3.Upload.Post(context.Background(), body); err == nil {
		t.Error("invalid meta sent")
	}
}

func TestSensitiveFields(t *testing.T) {
	platform := parseKey(t, testkeys.PlatformKeyPEM)
	merchant := &parseKey(t, testkeys.MerchantKeyPEM).PublicKey
	var serial string
	var sent Person
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		serial = r.Header.Get("Wechatpay-Serial")
		json.NewDecoder(r.Body).Decode(&sent)
		enc := func(s string) string {
			ct, _ := rsa.EncryptOAEP(sha1.New(), rand.Reader, merchant, []byte(s), nil)
			return base64.StdEncoding.EncodeToString(ct)
		}
		json.NewEncoder(w).Encode(Person{Name: enc("李四"), Friends: []Friend{{IDCard: apiv3.Ptr(enc("110"))}}})
	})
	in := &Person{Name: "张三", Phone: apiv3.Ptr("13800138000"), Friends: []Friend{{IDCard: apiv3.Ptr("4401")}}}
	out, _, err := c.V3.People.Post(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	dec := func(s string) string {
		b, _ := base64.StdEncoding.DecodeString(s)
		pt, err := rsa.DecryptOAEP(sha1.New(), nil, platform, b, nil)
		if err != nil {
			t.Errorf("decrypt %q: %v", s, err)
		}
		return string(pt)
	}
	if dec(sent.Name) != "张三" || dec(*sent.Phone) != "13800138000" || dec(*sent.Friends[0].IDCard) != "4401" || serial != testkeys.PublicKeyID {
		t.Errorf("sent %+v serial %q", sent, serial)
	}
	if in.Name != "张三" || *in.Friends[0].IDCard != "4401" {
		t.Errorf("caller's value changed: %+v", in)
	}
	if out.Name != "李四" || *out.Friends[0].IDCard != "110" {
		t.Errorf("decrypted %+v", out)
	}
	// The plaintext is validated, not the ciphertext.
	if _, _, err := c.V3.People.Post(context.Background(), &Person{Name: "五个字太长"}); err == nil || !strings.Contains(err.Error(), "name") {
		t.Errorf("long name: %v", err)
	}
}

func parseKey(t *testing.T, b []byte) *rsa.PrivateKey {
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

func base16(b []byte) string {
	const hexdigits = "0123456789abcdef"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, hexdigits[c>>4], hexdigits[c&15])
	}
	return string(s)
}
