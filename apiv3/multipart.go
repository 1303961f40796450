package apiv3

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
)

// Multipart is a multipart/form-data request body, such as the image upload
// of /v3/merchant/media/upload. The runtime writes the parts in order (every
// line ending in CRLF) and signs only the content of the part named Sign —
// the bytes exactly as they are sent in that part — instead of the whole
// body (x-wechatpay-sign-part in the spec). Set Request.Multipart instead of
// Request.Body.
type Multipart struct {
	// Parts are sent in this order.
	Parts []Part
	// Sign names the part whose content is the signed message body. It must
	// name exactly one part.
	Sign string
	// Value is the request value the parts were made from: when it
	// implements interface{ Validate() error } it is validated first, unless
	// the call has SkipValidation().
	Value any
}

// Part is one part of a Multipart body. Its content is Content; when
// Content is nil and JSON is not, JSON encoded as a request body is (HTML
// characters not escaped).
type Part struct {
	Name string
	// Filename is sent in Content-Disposition when not "".
	Filename string
	// ContentType of the part: "" means application/json for JSON and, for
	// Content, the type http.DetectContentType finds (image/jpeg, image/png,
	// image/bmp, ...).
	ContentType string
	Content     []byte
	JSON        any
}

// encodeMultipart validates m.Value and writes the parts. It returns the
// body, the signed part's content and the Content-Type with its boundary.
func encodeMultipart(m *Multipart, skipValidation bool) (body, signed []byte, contentType string, err error) {
	if err := validateValue(m.Value, skipValidation); err != nil {
		return nil, nil, "", err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	found := 0
	for _, p := range m.Parts {
		content, ctype, err := p.encode()
		if err != nil {
			return nil, nil, "", err
		}
		h := textproto.MIMEHeader{}
		disposition := `form-data; name="` + escapeQuotes(p.Name) + `"`
		if p.Filename != "" {
			disposition += `; filename="` + escapeQuotes(p.Filename) + `"`
		}
		h.Set("Content-Disposition", disposition)
		h.Set("Content-Type", ctype)
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, nil, "", fmt.Errorf("apiv3: multipart part %q: %w", p.Name, err)
		}
		pw.Write(content) // writes to a bytes.Buffer do not fail
		if p.Name == m.Sign {
			signed, found = content, found+1
		}
	}
	if err := w.Close(); err != nil {
		return nil, nil, "", fmt.Errorf("apiv3: multipart body: %w", err)
	}
	if found != 1 {
		return nil, nil, "", fmt.Errorf("apiv3: Multipart.Sign %q names %d parts, want exactly one", m.Sign, found)
	}
	return buf.Bytes(), signed, w.FormDataContentType(), nil
}

func (p Part) encode() ([]byte, string, error) {
	if p.Name == "" {
		return nil, "", errors.New("apiv3: a multipart part has no name")
	}
	if p.Content == nil && p.JSON != nil {
		b, err := encodeBody(p.JSON, true)
		if err != nil {
			return nil, "", fmt.Errorf("apiv3: multipart part %q: %w", p.Name, err)
		}
		return b, orDefault(p.ContentType, "application/json"), nil
	}
	if p.ContentType != "" {
		return p.Content, p.ContentType, nil
	}
	return p.Content, http.DetectContentType(p.Content), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
