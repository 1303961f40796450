package apiv3

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

type uploadMeta struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
}

func TestMultipartSignsOnlyTheSignPart(t *testing.T) {
	var got captured
	c, _, _ := newFakeClient(t, recordingHandler(&got, 200, `{"media_id":"m"}`))
	img := []byte("\x89PNG\r\n\x1a\n fake image")
	sum := sha256.Sum256(img)
	meta := &uploadMeta{Filename: "a<b>.png", SHA256: hex.EncodeToString(sum[:])}
	var out struct {
		MediaID string `json:"media_id"`
	}
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/merchant/media/upload", Multipart: &Multipart{
		Sign:  "meta",
		Parts: []Part{{Name: "meta", JSON: meta}, {Name: "file", Filename: meta.Filename, Content: img}},
	}}, &out)
	if err != nil || out.MediaID != "m" {
		t.Fatalf("Do: %v, %+v", err, out)
	}
	metaJSON := `{"filename":"a<b>.png","sha256":"` + meta.SHA256 + `"}`
	if signed := fakeSigned(t, got.header.Get("Authorization")); signed != "POST\n/v3/merchant/media/upload\n"+metaJSON+"\n" {
		t.Errorf("signed %q, want the meta JSON only", signed)
	}
	mt, params, err := mime.ParseMediaType(got.header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q", got.header.Get("Content-Type"))
	}
	if !strings.Contains(got.body, "\r\n\r\n"+metaJSON+"\r\n") {
		t.Errorf("meta part is not the signed bytes:\n%s", got.body)
	}
	r := multipart.NewReader(strings.NewReader(got.body), params["boundary"])
	want := []struct{ name, file, ctype, content string }{
		{"meta", "", "application/json", metaJSON},
		{"file", "a<b>.png", "image/png", string(img)},
	}
	for _, w := range want {
		p, err := r.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FormName() != w.name || p.FileName() != w.file || p.Header.Get("Content-Type") != w.ctype || string(b) != w.content {
			t.Errorf("part %s: name %q file %q type %q content %q", w.name, p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b)
		}
	}
	if _, err := r.NextPart(); err != io.EOF {
		t.Errorf("more parts: %v", err)
	}
}

func TestMultipartRefused(t *testing.T) {
	c, _, _ := newFakeClient(t, recordingHandler(&captured{}, 200, `{}`))
	for name, r := range map[string]*Request{
		"no sign part": {Method: "POST", Path: "/x", Multipart: &Multipart{Sign: "meta", Parts: []Part{{Name: "file", Content: []byte("x")}}}},
		"both bodies":  {Method: "POST", Path: "/x", Body: &validBody{Name: "n"}, Multipart: &Multipart{Sign: "meta"}},
		"invalid":      {Method: "POST", Path: "/x", Multipart: &Multipart{Sign: "meta", Value: &validBody{}, Parts: []Part{{Name: "meta", JSON: 1}}}},
	} {
		if _, err := c.Do(context.Background(), r, nil); err == nil {
			t.Errorf("%s: Do succeeded", name)
		}
	}
}

func TestDigestVerify(t *testing.T) {
	bill := []byte("交易时间,公众账号ID\n`2019-06-11 10:00:00,`wx1\n")
	s1 := sha1.Sum(bill)
	d := Digest{Type: "sha1", Value: strings.ToUpper(hex.EncodeToString(s1[:]))}
	if err := d.Verify(bill); err != nil {
		t.Errorf("plain: %v", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bill)
	zw.Close()
	if err := d.Verify(gz.Bytes()); err != nil {
		t.Errorf("gzip: %v", err)
	}
	tampered := append([]byte(nil), bill...)
	tampered[0] ^= 1
	if err := d.Verify(tampered); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("tampered: %v", err)
	}
	for _, bad := range []Digest{{Type: "MD5", Value: "00"}, {Type: "SHA1", Value: "zz"}, {Type: "SHA1"}} {
		if err := bad.Verify(bill); err == nil || errors.Is(err, ErrDigestMismatch) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestDoChecksDigest(t *testing.T) {
	bill := "a,b\n"
	s1 := sha1.Sum([]byte(bill))
	var got captured
	c, f, _ := newFakeClient(t, recordingHandler(&got, 200, bill))
	req := &Request{Method: "GET", Path: "/v3/billdownload/file", Query: "token=t", UnsignedResponse: true,
		Header: http.Header{"Accept": {"*/*"}}, Digest: &Digest{Type: "SHA1", Value: hex.EncodeToString(s1[:])}}
	res, err := c.Do(context.Background(), req, nil)
	if err != nil || string(res.Body) != bill {
		t.Fatalf("Do: %v", err)
	}
	if _, verifies := f.counts(); verifies != 0 {
		t.Errorf("unsigned download verified %d times", verifies)
	}
	if got.header.Get("Accept") != "*/*" {
		t.Errorf("Accept %q", got.header.Get("Accept"))
	}
	req.Digest = &Digest{Type: "SHA1", Value: strings.Repeat("0", 40)}
	if res, err := c.Do(context.Background(), req, nil); !errors.Is(err, ErrDigestMismatch) || res == nil {
		t.Errorf("mismatch: %v", err)
	}
}

type secretBody struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

func (b *secretBody) Validate() error {
	var v Validator
	v.In = "body"
	if len(b.Name) > 8 {
		v.Add("name", "maxLength", "too long")
	}
	return v.Err()
}

func TestRequestEncryptSensitive(t *testing.T) {
	var got captured
	srv := signedServer(t, 200, `{}`)
	cfg := testConfig(srv.URL)
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Route through a recording client: wrap the server's handler.
	c.httpClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		got = captured{r.Method, r.URL.RequestURI(), string(b), r.Header.Clone()}
		r.Body = io.NopCloser(bytes.NewReader(b))
		return http.DefaultTransport.RoundTrip(r)
	})}
	body := &secretBody{Name: "张三", Phone: "13800138000"}
	enc := func(encrypt func(string) (string, error)) (any, error) {
		cp := *body
		var err error
		if cp.Name, err = encrypt(cp.Name); err != nil {
			return nil, err
		}
		return &cp, nil
	}
	if _, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/x", Body: body, EncryptSensitive: enc}, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if body.Name != "张三" {
		t.Errorf("caller's body changed: %+v", body)
	}
	var sent secretBody
	if err := json.Unmarshal([]byte(got.body), &sent); err != nil {
		t.Fatal(err)
	}
	key := parseRSAPrivate(t, testkeys.PlatformKeyPEM)
	if pt, err := decryptOAEP(key, sent.Name); err != nil || pt != "张三" || sent.Phone != body.Phone {
		t.Errorf("sent %+v: %q %v", sent, pt, err)
	}
	if got.header.Get("Wechatpay-Serial") != testkeys.PublicKeyID {
		t.Errorf("Wechatpay-Serial %q", got.header.Get("Wechatpay-Serial"))
	}
	// Validation sees the plaintext, not the (long) ciphertext.
	body.Name = "123456789"
	var ve *ValidationError
	if _, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/v3/x", Body: body, EncryptSensitive: enc}, nil); !errors.As(err, &ve) {
		t.Errorf("invalid plaintext: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func decryptOAEP(key *rsa.PrivateKey, b64 string) (string, error) {
	c := &credentials{privateKey: key}
	return c.decryptSensitive(b64)
}

// An operation declaring a Wechatpay-Serial header gets one in every mode:
// in certificate mode (which sends none otherwise) the serial of the
// certificate sensitive data would be encrypted with.
func TestSendSerial(t *testing.T) {
	certCfg := func(url string) Config {
		cfg := testConfig(url)
		cfg.WechatPayPublicKeyID, cfg.WechatPayPublicKeyPEM = "", nil
		cfg.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
		return cfg
	}
	for _, tc := range []struct {
		name       string
		cfg        func(string) Config
		sendSerial bool
		want       string
	}{
		{"public key", testConfig, false, testkeys.PublicKeyID},
		{"public key, declared", testConfig, true, testkeys.PublicKeyID},
		{"certificate", certCfg, false, ""},
		{"certificate, declared", certCfg, true, testkeys.PlatformSerial},
	} {
		var got captured
		srv := httptest.NewServer(recordingHandler(&got, 204, ""))
		c, err := NewClient(tc.cfg(srv.URL), InsecureSkipResponseVerification())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x", SendSerial: tc.sendSerial}, nil); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if s := got.header.Get("Wechatpay-Serial"); s != tc.want {
			t.Errorf("%s: Wechatpay-Serial %q, want %q", tc.name, s, tc.want)
		}
		srv.Close()
	}
}
