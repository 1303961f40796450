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
	"reflect"
	"sync"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// received is a request as the server got it.
type received struct {
	header http.Header
	body   []byte
}

// modes are the two ways a client knows WeChat Pay's key, and the serial
// that must then name the key sensitive fields are encrypted with.
var modes = []struct {
	name   string
	cfg    func(*apiv3.Config)
	serial string
}{
	{"public key", func(c *apiv3.Config) {
		c.WechatPayPublicKeyID, c.WechatPayPublicKeyPEM = testkeys.PublicKeyID, testkeys.PlatformPublicKeyPEM
	}, testkeys.PublicKeyID},
	{"platform certificate", func(c *apiv3.Config) {
		c.PlatformCertificatesPEM = [][]byte{testkeys.PlatformCertPEM}
	}, testkeys.PlatformSerial},
}

// newClient records requests and answers with reply, its sensitive fields
// encrypted the way WeChat Pay does: with the merchant's public key.
// Response signatures are not this case's business: verification is off.
func newClient(t *testing.T, mode func(*apiv3.Config), reply *Person) (*Client, func() []received) {
	t.Helper()
	merchant := &parseKey(t, testkeys.MerchantKeyPEM).PublicKey
	enc := func(s string) string {
		ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, merchant, []byte(s), nil)
		if err != nil {
			t.Error(err)
		}
		return base64.StdEncoding.EncodeToString(ct)
	}
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), b})
		mu.Unlock()
		out := *reply
		out.Name = enc(reply.Name)
		out.Friends = nil
		for _, f := range reply.Friends {
			out.Friends = append(out.Friends, Friend{IDCard: apiv3.Ptr(enc(*f.IDCard))})
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	cfg := apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
	}
	mode(&cfg)
	c, err := NewClient(cfg, apiv3.InsecureSkipResponseVerification(), apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// decrypter decrypts what the client encrypted, with WeChat Pay's private
// key (the one PlatformPublicKeyPEM and PlatformCertPEM carry).
func decrypter(t *testing.T) func(string) string {
	platform := parseKey(t, testkeys.PlatformKeyPEM)
	return func(s string) string {
		t.Helper()
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Errorf("ciphertext %q is not Base64", s)
			return ""
		}
		pt, err := rsa.DecryptOAEP(sha1.New(), nil, platform, b, nil)
		if err != nil {
			t.Errorf("decrypt %q: %v", s, err)
		}
		return string(pt)
	}
}

// Sent: every sensitive field, nested ones in arrays included, encrypted
// with WeChat Pay's key (RSA-OAEP), Wechatpay-Serial naming that key; other
// fields and empty sensitive ones as they were. The caller's value is not
// touched. Received: the sensitive fields decrypted.
func TestSensitiveFields(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			reply := &Person{Name: "李四", Note: apiv3.Ptr("n"), Friends: []Friend{{IDCard: apiv3.Ptr("110")}}}
			c, got := newClient(t, m.cfg, reply)
			in := &Person{Name: "张三", Phone: apiv3.Ptr("13800138000"), Note: apiv3.Ptr("plain"),
				Friends: []Friend{{IDCard: apiv3.Ptr("4401")}, {IDCard: apiv3.Ptr("")}, {}}}
			keep := &Person{Name: "张三", Phone: apiv3.Ptr("13800138000"), Note: apiv3.Ptr("plain"),
				Friends: []Friend{{IDCard: apiv3.Ptr("4401")}, {IDCard: apiv3.Ptr("")}, {}}}
			out, _, err := c.V3.People.Post(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			rec := got()[0]
			if s := rec.header.Get("Wechatpay-Serial"); s != m.serial {
				t.Errorf("Wechatpay-Serial %q, want %q", s, m.serial)
			}
			var sent Person
			if err := json.Unmarshal(rec.body, &sent); err != nil {
				t.Fatal(err)
			}
			dec := decrypter(t)
			if dec(sent.Name) != "张三" || dec(*sent.Phone) != "13800138000" || dec(*sent.Friends[0].IDCard) != "4401" {
				t.Errorf("sent %s", rec.body)
			}
			if *sent.Note != "plain" || *sent.Friends[1].IDCard != "" || sent.Friends[2].IDCard != nil {
				t.Errorf("plain or empty fields changed: %s", rec.body)
			}
			if !reflect.DeepEqual(in, keep) {
				t.Errorf("caller's value changed: %+v", in)
			}
			if out.Name != "李四" || *out.Note != "n" || *out.Friends[0].IDCard != "110" {
				t.Errorf("decrypted %+v", out)
			}
		})
	}
}

// The request twin encrypts the same way.
func TestSensitiveFieldsTwin(t *testing.T) {
	c, _ := newClient(t, modes[0].cfg, &Person{})
	r, err := c.V3.People.NewPostRequest(context.Background(), &Person{Name: "王五"})
	if err != nil {
		t.Fatal(err)
	}
	var sent Person
	if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
		t.Fatal(err)
	}
	if dec := decrypter(t); dec(sent.Name) != "王五" || r.Header.Get("Wechatpay-Serial") != testkeys.PublicKeyID {
		t.Errorf("twin: %+v %v", sent, r.Header)
	}
}

// The plaintext is validated (4 characters at most), not the much longer
// ciphertext, and nothing is sent when it is invalid.
func TestSensitivePlaintextValidated(t *testing.T) {
	c, got := newClient(t, modes[0].cfg, &Person{Name: "x"})
	if _, _, err := c.V3.People.Post(context.Background(), &Person{Name: "四个汉字"}); err != nil {
		t.Errorf("4 characters: %v", err)
	}
	_, _, err := c.V3.People.Post(context.Background(), &Person{Name: "五个字太长"})
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) || ve.Violations[0].Field != "name" || ve.Violations[0].Rule != "maxLength" {
		t.Errorf("5 characters: %v", err)
	}
	if n := len(got()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}

func parseKey(t *testing.T, b []byte) *rsa.PrivateKey {
	t.Helper()
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// The spec declares Wechatpay-Serial: the leaf has no parameter for it, and
// the runtime sends it in every mode, also when nothing was encrypted.
func TestSerialHeaderIsTheRuntimes(t *testing.T) {
	for _, m := range modes {
		c, got := newClient(t, m.cfg, &Person{})
		// SkipValidation: the required name is left empty, so nothing is
		// encrypted.
		if _, _, err := c.V3.People.Post(context.Background(), &Person{Note: apiv3.Ptr("nothing sensitive")}, apiv3.SkipValidation()); err != nil {
			t.Fatal(err)
		}
		if s := got()[0].header.Get("Wechatpay-Serial"); s != m.serial {
			t.Errorf("%s: Wechatpay-Serial %q, want %q", m.name, s, m.serial)
		}
	}
}
