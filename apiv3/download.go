package apiv3

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
)

// Digest is the hash of a file that a signed response announced for a
// download whose own response is not signed (x-wechatpay-unsigned-response),
// e.g. hash_type and hash_value of 申请交易账单 (GET /v3/bill/tradebill) for
// its download_url. Set on a Request, the runtime refuses the downloaded
// bytes unless they match it; generated download leaves take one as an
// argument.
type Digest struct {
	Type  string // "SHA1" or "SHA256", case-insensitive
	Value string // hexadecimal, case-insensitive
}

// ErrDigestMismatch is wrapped by the error of a download whose bytes do not
// match their Digest: the file was damaged or replaced on its way.
var ErrDigestMismatch = errors.New("apiv3: downloaded content does not match its digest")

// DefaultMaxInflatedBytes is how far a gzip download (tar_type=GZIP) is
// inflated by default to check it against its digest: 128 MiB. Bills are
// CSV text, which gzip shrinks 5 to 10 times, so a body within the default
// response limit (8 MiB) inflates to well under it; a body that inflates
// further is a compression bomb or a bill too big for that limit anyway.
// Raise both with WithMaxResponseBytes and WithMaxInflatedBytes.
const DefaultMaxInflatedBytes = 128 << 20

// WithMaxInflatedBytes bounds how many bytes a gzip download is inflated
// to when checking its digest (default DefaultMaxInflatedBytes); one that
// inflates further fails with ErrDigestMismatch. It bounds the work an
// unsigned answer can cause before its digest refuses it. It must be
// positive.
func WithMaxInflatedBytes(n int64) Option {
	return optionFunc(func(s *settings) { s.maxInflatedBytes = n })
}

// Verify checks body against the digest. WeChat Pay hashes the original
// file: a gzip body (tar_type=GZIP) is also accepted when its decompressed
// content matches, inflated at most DefaultMaxInflatedBytes (a client's
// downloads use WithMaxInflatedBytes). The body itself is never changed.
func (d Digest) Verify(body []byte) error { return d.verify(body, DefaultMaxInflatedBytes) }

// verify is Verify inflating at most maxInflated bytes.
func (d Digest) verify(body []byte, maxInflated int64) error {
	want, err := hex.DecodeString(strings.TrimSpace(d.Value))
	if err != nil || len(want) == 0 {
		return fmt.Errorf("apiv3: digest value %q is not hexadecimal", printable(d.Value))
	}
	newHash, err := d.hash()
	if err != nil {
		return err
	}
	h := newHash()
	h.Write(body)
	if bytes.Equal(h.Sum(nil), want) {
		return nil
	}
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			h.Reset()
			n, err := io.Copy(h, io.LimitReader(zr, maxInflated+1))
			if err == nil && n > maxInflated {
				return fmt.Errorf("%w (%s %s): the gzip body inflates to more than %d bytes (WithMaxInflatedBytes)", ErrDigestMismatch, strings.ToUpper(d.Type), strings.ToLower(d.Value), maxInflated)
			}
			if err == nil && bytes.Equal(h.Sum(nil), want) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w (%s %s)", ErrDigestMismatch, strings.ToUpper(d.Type), strings.ToLower(d.Value))
}

func (d Digest) hash() (func() hash.Hash, error) {
	switch strings.ToUpper(d.Type) {
	case "SHA1":
		return sha1.New, nil
	case "SHA256":
		return sha256.New, nil
	}
	return nil, fmt.Errorf("apiv3: digest type %q is not supported (SHA1, SHA256)", printable(d.Type))
}

// checkDigest verifies a download against r.Digest, when set, inflating a
// gzip body at most maxInflated bytes.
func checkDigest(r *Request, res *Response, maxInflated int64) error {
	if r.Digest == nil || res == nil {
		return nil
	}
	if err := r.Digest.verify(res.Body, maxInflated); err != nil {
		return fmt.Errorf("apiv3: %s %s (Request-ID %q): %w", r.Method, orDefault(r.Template, r.Path), res.RequestID, err)
	}
	return nil
}
