package apiv3

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// gzipBomb is a gzip body inflating to members MiB of zeros: one member
// (1 MiB of zeros, about 1 KiB compressed) repeated, which gzip.Reader reads
// as one stream. It costs nothing to build, unlike compressing the zeros.
func gzipBomb(members int) []byte {
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(one.Bytes(), members)
}

// sha1Hex is the SHA1 digest of b, as WeChat Pay announces it.
func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

// A gzip download is inflated no further than WithMaxInflatedBytes, even
// when its content would match the digest: the bound is what a bill can
// be, and a body past it is refused, saying so.
func TestDownloadInflatesNoMoreThanTheBound(t *testing.T) {
	body := gzipBomb(3) // 3 MiB inflated
	digest := &Digest{Type: "SHA1", Value: sha1Hex(make([]byte, 3<<20))}
	serve := func(w http.ResponseWriter, r *http.Request) { w.Write(body) }
	req := &Request{Method: "GET", Path: "/v3/billdownload/file", UnsignedResponse: true, Digest: digest}

	c, _, _ := newFakeClient(t, serve)
	if _, err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatalf("3 MiB inflated under the default bound: %v", err)
	}
	c, _, _ = newFakeClient(t, serve, WithMaxInflatedBytes(2<<20))
	_, err := c.Do(context.Background(), req, nil)
	if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), "inflates to more than 2097152 bytes") || !strings.Contains(err.Error(), "WithMaxInflatedBytes") {
		t.Fatalf("3 MiB inflated with a 2 MiB bound: %v, want ErrDigestMismatch saying the bound", err)
	}
	if _, err := NewClient(testConfig(""), WithMaxInflatedBytes(-1)); err == nil {
		t.Error("a negative bound is accepted")
	}
}

// BenchmarkDigestMismatchGzipBomb is the work a hostile answer can cause:
// a 1 MiB body inflating to 1 GiB, with a wrong digest. The bound
// (DefaultMaxInflatedBytes) caps it; before it was 4 GiB.
func BenchmarkDigestMismatchGzipBomb(b *testing.B) {
	body := gzipBomb(1024)
	d := Digest{Type: "SHA1", Value: strings.Repeat("0", 40)}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := d.verify(body, DefaultMaxInflatedBytes); !errors.Is(err, ErrDigestMismatch) {
			b.Fatal(err)
		}
	}
}
