package apiv3

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// EscapePathParam escapes a path parameter value as RFC 6570 simple string
// expansion does: every byte of its UTF-8 form except A-Z a-z 0-9 - . _ ~ is
// percent-encoded with upper-case hex digits. So "a/b c%?#é" becomes
// "a%2Fb%20c%25%3F%23%C3%A9", "|" becomes "%7C" and "*" becomes "%2A".
// When nothing needs escaping it returns s itself, without allocating.
//
// It does not refuse anything: check values with Validator.CheckPathParam
// first ("", "." and ".." survive escaping and would change the path).
func EscapePathParam(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// pchar reports whether c may appear unescaped in a path segment (RFC 3986
// pchar without pct-encoded: unreserved, sub-delims, ":" and "@").
func pchar(c byte) bool {
	return unreserved(c) || strings.IndexByte("!$&'()*+,;=:@", c) >= 0
}

// checkEscaped checks that s holds only bytes accepted by ok and
// well-formed percent-encodings.
func checkEscaped(s string, ok func(byte) bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
				return errors.New("bad percent-encoding at byte " + fmt.Sprint(i))
			}
			i += 2
		case !ok(c):
			return fmt.Errorf("byte %q at %d must be percent-encoded", c, i)
		}
	}
	return nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkRequestPath checks an already-escaped path: only pchar, "/" and
// percent-encodings, so it can be signed and sent byte for byte.
func checkRequestPath(p string) error {
	return checkEscaped(p, func(c byte) bool { return c == '/' || pchar(c) })
}

// checkQuery checks an already-encoded query string (without "?").
func checkQuery(q string) error {
	return checkEscaped(q, func(c byte) bool { return c == '/' || c == '?' || pchar(c) })
}

// decodePath returns the decoded form of raw, an escaped path that passed
// checkRequestPath, for url.URL.Path; RawPath is raw itself. It also checks
// that net/url sends such a URL's path as raw, unchanged, so that what is
// signed is what goes on the wire.
//
// The check holds for concatenations too: EscapedPath accepts RawPath byte
// by byte and decodes it escape by escape, so a base path and a request
// path that each pass (NewClient checks the one, prepare the other) pass
// together. That is why the request-target is checked once per call, not
// once per attempt and host.
func decodePath(raw string) (string, error) {
	path, err := url.PathUnescape(raw)
	if err != nil {
		return "", err
	}
	u := url.URL{Path: path, RawPath: raw}
	if got := u.EscapedPath(); got != raw {
		return "", fmt.Errorf("net/url would send it as %q", got)
	}
	return path, nil
}
