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

// maxGunzipBytes bounds the decompressed size hashed for a gzip download.
const maxGunzipBytes = 4 << 30

// Verify checks body against the digest. WeChat Pay hashes the original
// file: a gzip body (tar_type=GZIP) is also accepted when its decompressed
// content matches. The body itself is never changed.
func (d Digest) Verify(body []byte) error {
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
			n, err := io.Copy(h, io.LimitReader(zr, maxGunzipBytes+1))
			if err == nil && n <= maxGunzipBytes && bytes.Equal(h.Sum(nil), want) {
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

// checkDigest verifies a download against r.Digest, when set.
func checkDigest(r *Request, res *Response) error {
	if r.Digest == nil || res == nil {
		return nil
	}
	if err := r.Digest.Verify(res.Body); err != nil {
		return fmt.Errorf("apiv3: %s %s (Request-ID %q): %w", r.Method, orDefault(r.Template, r.Path), res.RequestID, err)
	}
	return nil
}
