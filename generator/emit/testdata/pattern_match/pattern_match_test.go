package wechatpay

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

type matcher interface{ MatchString(string) bool }

// patterns are the spec's patterns, the variables generated for them and
// whether each is matched by a loop (apiv3.ClassPattern) or by regexp.
var patterns = []struct {
	expr string
	m    matcher
	loop bool
}{
	{`^[0-9A-Za-z_\-|*]{1,32}$`, &patternPutCodeCode, true},
	{`^[0-9A-Za-z]{1,32}$`, &patternCodeSerial, true},
	{`^[0-9a-f]{8}$`, &patternCodeDigest, true},
	{`^[a-z_-]+$`, &patternCodeTags, true},
	{`^[\]\\^|*]*$`, &patternCodeNote, true},
	{`^\d{1,6}$`, &patternCodeDigits, true},
	{`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, patternPutCodeDay, false},
	{`\.(png|jpg)$`, patternCodeFile, false},
	{`^[a-zé]+$`, patternCodeName, false},
	{`(?i)^[a-z]+$`, patternCodeFolded, false},
}

// inputs are values around every pattern above: each byte value alone and
// after or inside good values, lengths around the bounds, non-ASCII and
// invalid UTF-8, and newlines at the end.
func inputs() []string {
	goods := []string{"", "a", "ab", "0", "abc-_|*", `]\^|*`, "123456", "1234567", "deadbeef", "deadbeef0",
		"2024-01-31", "x.png", "x.jpg", "x.gif", "é", "abcé", "K", "k", "\u212a", "\u017f", "ſ",
		strings.Repeat("a", 31), strings.Repeat("a", 32), strings.Repeat("a", 33), strings.Repeat("Z9", 16)}
	var in []string
	for _, g := range goods {
		in = append(in, g, g+"\n", "\n"+g, g+"\r\n", g+"😀", g+"\xff", "\xc3"+g)
		for b := range 256 {
			x := string([]byte{byte(b)})
			in = append(in, x, g+x, x+g, g[:len(g)/2]+x+g[len(g)/2:])
		}
	}
	return in
}

// TestPatternsMatchAsRegexp: each generated pattern is of the expected
// kind and answers as regexp does on every input.
func TestPatternsMatchAsRegexp(t *testing.T) {
	in := inputs()
	for _, p := range patterns {
		if _, loop := p.m.(*apiv3.ClassPattern); loop != p.loop {
			t.Errorf("%s: matched by a loop %v, want %v", p.expr, loop, p.loop)
		}
		re := regexp.MustCompile(p.expr)
		for _, s := range in {
			if got, want := p.m.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: %v, regexp %v", p.expr, s, got, want)
			}
		}
	}
}

// TestPatternViolations: the message names the pattern as the spec writes
// it, whichever way it is matched.
func TestPatternViolations(t *testing.T) {
	c := &Code{
		Serial: "no spaces", Digest: apiv3.Ptr("DEADBEEF"), Tags: []string{"ok", "Not"},
		Note: apiv3.Ptr("a"), Digits: apiv3.Ptr("1234567"), File: apiv3.Ptr("x.gif"),
		Name: apiv3.Ptr("abc1"), Folded: apiv3.Ptr("\u212a"),
	}
	var ve *apiv3.ValidationError
	if !errors.As(c.Validate(), &ve) {
		t.Fatal("want a *apiv3.ValidationError")
	}
	want := []struct{ field, message string }{
		{"serial", `must match ^[0-9A-Za-z]{1,32}$`},
		{"digest", `must match ^[0-9a-f]{8}$`},
		{"tags[1]", `must match ^[a-z_-]+$`},
		{"note", `must match ^[\]\\^|*]*$`},
		{"digits", `must match ^\d{1,6}$`},
		{"file", `must match \.(png|jpg)$`},
		{"name", `must match ^[a-zé]+$`},
	}
	if len(ve.Violations) != len(want) {
		t.Fatalf("violations %+v", ve.Violations)
	}
	for i, w := range want {
		if v := ve.Violations[i]; v.Field != w.field || v.Rule != "pattern" || v.Message != w.message {
			t.Errorf("violation %d = %+v, want %+v", i, v, w)
		}
	}
	if _, err := pathPutCode("a b"); err == nil || !strings.Contains(err.Error(), `path code: must match ^[0-9A-Za-z_\-|*]{1,32}$`) {
		t.Errorf("pathPutCode(%q) = %v", "a b", err)
	}
	if _, err := (&V3CodesCodePostParams{Day: apiv3.Ptr("2024-1-31")}).query(); err == nil || !strings.Contains(err.Error(), "query day: must match ^[0-9]{4}-[0-9]{2}-[0-9]{2}$") {
		t.Errorf("query() = %v", err)
	}
}

func TestValidCodeAllocatesNothing(t *testing.T) {
	c := &Code{Serial: "S1", Digest: apiv3.Ptr("deadbeef"), Tags: []string{"a_b"}, Note: apiv3.Ptr(""), Digits: apiv3.Ptr("42")}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.Validate() }); n != 0 {
		t.Errorf("Validate of a valid value allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = pathPutCode("out_card-01") }); n > 1 {
		t.Errorf("pathPutCode allocates %v times", n)
	}
}
