package wechatpay

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// newClient serves files without any Wechatpay-* signature header, the way
// WeChat Pay serves downloads. The client verifies responses as usual: the
// download is accepted because the operation is unsigned, not because
// verification is off.
func newClient(t *testing.T, files map[string][]byte) (*Client, func() []http.Header) {
	t.Helper()
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		b, ok := files[strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v3/files/"), "/v3/receipts/")]
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"NOT_FOUND","message":"no such file"}`))
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(apiv3.Config{
		BaseURL: srv.URL, MchID: testkeys.MchID, MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM: testkeys.MerchantKeyPEM, APIv3Key: testkeys.APIv3Key,
		WechatPayPublicKeyID: testkeys.PublicKeyID, WechatPayPublicKeyPEM: testkeys.PlatformPublicKeyPEM,
	}, apiv3.WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

func sha1Hex(b []byte) string   { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }
func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// The bytes come back exactly when they match the digest (SHA1 or SHA256,
// type and value case-insensitive), and the request asks for any type.
func TestDownloadMatchingDigest(t *testing.T) {
	file := []byte("交易时间,金额\r\n2024-01-01,1.00\r\n")
	c, seen := newClient(t, map[string][]byte{"bill.csv": file})
	for _, d := range []apiv3.Digest{
		{Type: "SHA1", Value: sha1Hex(file)},
		{Type: "sha256", Value: strings.ToUpper(sha256Hex(file))},
	} {
		data, resp, err := c.V3.Files.Name("bill.csv").Get(context.Background(), d)
		if err != nil || !bytes.Equal(data, file) || resp.StatusCode != 200 {
			t.Errorf("%+v: %q %v", d, data, err)
		}
	}
	if got := seen()[0].Get("Accept"); got != "*/*" {
		t.Errorf("Accept %q, want */*", got)
	}
	if seen()[0].Get("Authorization") == "" {
		t.Error("the download request is not signed")
	}
}

// A file changed on its way (one byte) is refused with ErrDigestMismatch and
// no bytes.
func TestDownloadTamperedRefused(t *testing.T) {
	file := []byte("the original file")
	tampered := bytes.Clone(file)
	tampered[4] ^= 1
	c, _ := newClient(t, map[string][]byte{"a": tampered})
	data, resp, err := c.V3.Files.Name("a").Get(context.Background(), apiv3.Digest{Type: "SHA1", Value: sha1Hex(file)})
	if !errors.Is(err, apiv3.ErrDigestMismatch) || data != nil {
		t.Errorf("tampered: %q %v", data, err)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Errorf("resp %+v, want the 200 that arrived", resp)
	}
	if _, _, err := c.V3.Files.Name("a").Get(context.Background(), apiv3.Digest{Type: "SHA1", Value: "00"}); !errors.Is(err, apiv3.ErrDigestMismatch) {
		t.Errorf("wrong digest: %v", err)
	}
}

// A gzip archive (tar_type=GZIP) is returned still compressed, and matches
// the digest of its content.
func TestDownloadGzipKeptCompressed(t *testing.T) {
	file := []byte("a bill, once decompressed")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(file)
	zw.Close()
	c, _ := newClient(t, map[string][]byte{"bill.gz": gz.Bytes()})
	data, _, err := c.V3.Files.Name("bill.gz").Get(context.Background(), apiv3.Digest{Type: "SHA1", Value: sha1Hex(file)})
	if err != nil || !bytes.Equal(data, gz.Bytes()) {
		t.Errorf("gzip: %v, %d bytes (want the %d compressed bytes)", err, len(data), gz.Len())
	}
}

// An error answer is an *apiv3.APIError, not a digest mismatch.
func TestDownloadErrorAnswer(t *testing.T) {
	c, _ := newClient(t, nil)
	_, _, err := c.V3.Files.Name("missing").Get(context.Background(), apiv3.Digest{Type: "SHA1", Value: "00"})
	var ae *apiv3.APIError
	if !errors.As(err, &ae) || ae.Code != "NOT_FOUND" || errors.Is(err, apiv3.ErrDigestMismatch) {
		t.Errorf("404: %v", err)
	}
}

// Without x-wechatpay-unsigned-response, a file download is still unsigned
// and checked against its digest (the fake server signs nothing).
func TestDownloadInferredUnsigned(t *testing.T) {
	file := []byte("%PDF-1.4 receipt")
	c, _ := newClient(t, map[string][]byte{"file": file})
	data, _, err := c.V3.Receipts.File.Get(context.Background(), &V3ReceiptsFileGetParams{Token: "t"}, apiv3.Digest{Type: "SHA256", Value: sha256Hex(file)})
	if err != nil || !bytes.Equal(data, file) {
		t.Fatalf("download: %q %v", data, err)
	}
	if _, _, err := c.V3.Receipts.File.Get(context.Background(), &V3ReceiptsFileGetParams{Token: "t"}, apiv3.Digest{Type: "SHA256", Value: sha256Hex([]byte("other"))}); !errors.Is(err, apiv3.ErrDigestMismatch) {
		t.Errorf("wrong digest: %v", err)
	}
}
