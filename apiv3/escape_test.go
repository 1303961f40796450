package apiv3

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestEscapePathParam(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a/b c%?#é", "a%2Fb%20c%25%3F%23%C3%A9"},
		{"a|b", "a%7Cb"},
		{"a*b", "a%2Ab"},
		{"6e8369071cd942c0476613f9d1ce9ca3", "6e8369071cd942c0476613f9d1ce9ca3"},
		{"AZaz09-._~", "AZaz09-._~"},
		{"", ""},
		{"..", ".."},
		{":@!$&'()+,;=", "%3A%40%21%24%26%27%28%29%2B%2C%3B%3D"},
		{"先享卡", "%E5%85%88%E4%BA%AB%E5%8D%A1"},
		{"\x00\x7f\xff", "%00%7F%FF"},
		{"[]{}<>\"\\^`", "%5B%5D%7B%7D%3C%3E%22%5C%5E%60"},
	}
	for _, tt := range tests {
		if got := EscapePathParam(tt.in); got != tt.want {
			t.Errorf("EscapePathParam(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := checkRequestPath("/" + EscapePathParam(tt.in)); err != nil {
			t.Errorf("escaped %q is not a valid path: %v", tt.in, err)
		}
	}
	// Every byte: unreserved ones pass, the rest become %XX.
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		got := EscapePathParam(s)
		if strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", rune(c)) && c < 128 {
			if got != s {
				t.Errorf("byte %#x escaped to %q", c, got)
			}
		} else if len(got) != 3 || got[0] != '%' {
			t.Errorf("byte %#x escaped to %q", c, got)
		}
	}
}

func TestEscapePathParamNoAlloc(t *testing.T) {
	s := strings.Repeat("out_card-code.0~", 4)
	var got string
	if n := testing.AllocsPerRun(100, func() { got = EscapePathParam(s) }); n != 0 {
		t.Errorf("EscapePathParam allocated %v times on a clean value", n)
	}
	if got != s {
		t.Errorf("got %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { got = EscapePathParam("a|b") }); n != 1 {
		t.Errorf("EscapePathParam allocated %v times on a value to escape, want 1", n)
	}
}

func TestCheckRequestPath(t *testing.T) {
	for _, ok := range []string{"/", "/v3/a%7Cb", "/v3/a:b@c!$&'()*+,;=~", "/%aF"} {
		if err := checkRequestPath(ok); err != nil {
			t.Errorf("checkRequestPath(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"/a b", "/a|b", "/a?b", "/a#b", "/%", "/%a", "/%zz", "/é", "/a\nb", "/a\"b", "/[x]"} {
		if err := checkRequestPath(bad); err == nil {
			t.Errorf("checkRequestPath(%q) accepted", bad)
		}
	}
	if err := checkQuery("a=1&b=%2F/?x"); err != nil {
		t.Errorf("checkQuery: %v", err)
	}
	if err := checkQuery("a=1 2"); err == nil {
		t.Errorf("checkQuery accepted a space")
	}
}

// TestDecodePathAcceptsEveryCheckedPath shows that the check in decodePath
// holds for every path checkRequestPath lets through, so that building the
// request URL from a checked base path and a checked request path (see
// newHTTPRequest) always sends what was signed: every allowed byte and
// every percent-encoding (upper and lower case), one per path and all in one.
func TestDecodePathAcceptsEveryCheckedPath(t *testing.T) {
	var pieces []string
	for c := 0; c < 256; c++ {
		if s := string([]byte{byte(c)}); checkRequestPath(s) == nil {
			pieces = append(pieces, s)
		}
		pieces = append(pieces, fmt.Sprintf("%%%02X", c), fmt.Sprintf("%%%02x", c))
	}
	for _, raw := range append(pieces, strings.Join(pieces, "")) {
		raw = "/v3/" + raw + "/x"
		path, err := decodePath(raw)
		if err != nil {
			t.Errorf("decodePath(%q): %v", raw, err)
			continue
		}
		if want, _ := url.PathUnescape(raw); path != want {
			t.Errorf("decodePath(%q) = %q, want %q", raw, path, want)
		}
		u := url.URL{Scheme: "https", Host: "h", Path: path, RawPath: raw, RawQuery: "q=1"}
		if got := u.RequestURI(); got != raw+"?q=1" {
			t.Errorf("path %q is sent as %q", raw, got)
		}
	}
	if _, err := decodePath("/%zz"); err == nil {
		t.Error("decodePath accepted a bad escape")
	}
}

// FuzzEscapePathParam: escaping is reversible, yields a valid path segment
// with no "/" and changes nothing that needs no escaping.
func FuzzEscapePathParam(f *testing.F) {
	for _, s := range []string{"a/b c%?#é", "6e8369071cd942c0476613f9d1ce9ca3", "|*", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapePathParam(s)
		if u, err := url.PathUnescape(e); err != nil || u != s {
			t.Fatalf("PathUnescape(%q) = %q, %v; want %q", e, u, err, s)
		}
		if strings.Contains(e, "/") || checkRequestPath("/"+e) != nil {
			t.Fatalf("EscapePathParam(%q) = %q is not one valid segment", s, e)
		}
	})
}
