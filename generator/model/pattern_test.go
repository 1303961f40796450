package model

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generator/load"
)

const (
	alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower = "abcdefghijklmnopqrstuvwxyz"
)

// classRepeatCases are expressions with the ClassRepeat classRepeatOf must
// find, nil when the expression must stay with regexp.
var classRepeatCases = []struct {
	expr string
	want *ClassRepeat
}{
	// The bundled spec's shapes.
	{`^[0-9A-Za-z_\-|*]{1,32}$`, &ClassRepeat{"*-" + "0123456789" + upper + "_" + lower + "|", 1, 32}},
	{`^[0-9A-Za-z_\-|*@]{1,64}$`, &ClassRepeat{"*-0123456789@" + upper + "_" + lower + "|", 1, 64}},
	{`^[0-9A-Za-z]{1,32}$`, &ClassRepeat{alnum, 1, 32}},
	{`^[0-9a-fA-F]{64}$`, &ClassRepeat{"0123456789ABCDEFabcdef", 64, 64}},
	{`^[0-9A-Za-z_-]+$`, &ClassRepeat{"-0123456789" + upper + "_" + lower, 1, -1}},
	// Repetitions.
	{`^[ab]*$`, &ClassRepeat{"ab", 0, -1}},
	{`^[ab]?$`, &ClassRepeat{"ab", 0, 1}},
	{`^[ab]{0,3}$`, &ClassRepeat{"ab", 0, 3}},
	{`^[ab]{0}$`, &ClassRepeat{"ab", 0, 0}},
	{`^[ab]{3}$`, &ClassRepeat{"ab", 3, 3}},
	{`^[ab]{2,}$`, &ClassRepeat{"ab", 2, -1}},
	{`^[ab]+?$`, &ClassRepeat{"ab", 1, -1}},         // laziness does not change what matches
	{`^[ab]{1,1000}$`, &ClassRepeat{"ab", 1, 1000}}, // RE2's largest count
	// Tricky members.
	{`^[\-]+$`, &ClassRepeat{"-", 1, -1}},
	{`^[a-]+$`, &ClassRepeat{"-a", 1, -1}},
	{`^[-a]+$`, &ClassRepeat{"-a", 1, -1}},
	{`^[|]+$`, &ClassRepeat{"|", 1, -1}},
	{`^[*]+$`, &ClassRepeat{"*", 1, -1}},
	{`^[\]]+$`, &ClassRepeat{"]", 1, -1}},
	{`^[]a]+$`, &ClassRepeat{"]a", 1, -1}},
	{`^[a^]+$`, &ClassRepeat{"^a", 1, -1}},
	{`^[\^]+$`, &ClassRepeat{"^", 1, -1}},
	{`^[\\]+$`, &ClassRepeat{`\`, 1, -1}},
	{`^[$.]+$`, &ClassRepeat{"$.", 1, -1}},
	{`^[a-cx-z]{2,4}$`, &ClassRepeat{"abcxyz", 2, 4}},
	{`^[\x00-\x7f]*$`, &ClassRepeat{asciiAll(), 0, -1}}, // newline included
	{`^[ \t]+$`, &ClassRepeat{"\t ", 1, -1}},
	{`^[a]+$`, &ClassRepeat{"a", 1, -1}}, // parsed as a literal
	{`^x{2}$`, &ClassRepeat{"x", 2, 2}},
	// Shorthands and flags, read as regexp reads them (ASCII-only in RE2).
	{`^\d{6}$`, &ClassRepeat{"0123456789", 6, 6}},
	{`^\w+$`, &ClassRepeat{"0123456789" + upper + "_" + lower, 1, -1}},
	{`^\s*$`, &ClassRepeat{"\t\n\f\r ", 0, -1}},
	{`^[[:xdigit:]]{8}$`, &ClassRepeat{"0123456789ABCDEFabcdef", 8, 8}},
	{`(?i)^[a-c]+$`, &ClassRepeat{"ABCabc", 1, -1}},
	{`(?i)^a+$`, &ClassRepeat{"Aa", 1, -1}},
	{`^(?:[ab]+)$`, &ClassRepeat{"ab", 1, -1}},
	{`^([ab]+)$`, &ClassRepeat{"ab", 1, -1}},
	{`^(?:[ab]){2}$`, &ClassRepeat{"ab", 2, 2}},
	{`\A[ab]+\z`, &ClassRepeat{"ab", 1, -1}},
	{`(?s)^[ab]+$`, &ClassRepeat{"ab", 1, -1}},
	// Kept with regexp.
	{`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, nil},
	{`\.([Jj][Pp][Ee]?[Gg]|[Bb][Mm][Pp]|[Pp][Nn][Gg])$`, nil},
	{`^[ab]+`, nil},
	{`[ab]+$`, nil},
	{`[ab]+`, nil},
	{`^[ab]$`, nil}, // one character, not repeated; rare, and regexp is right
	{`(?m)^[ab]+$`, nil},
	{`^[ab]+$\n`, nil},
	{`^[ab]+$|^$`, nil},
	{`^[^ab]+$`, nil},
	{`^[a-zé]+$`, nil},
	{`^\pL+$`, nil},
	{`(?i)^k+$`, nil}, // also U+212A KELVIN SIGN
	{`(?i)^[a-z]+$`, nil},
	{`^.+$`, nil},
	{`(?s)^.*$`, nil},
	{`^(?:ab)+$`, nil},
	{`^(?:[ab]{2}){3}$`, nil},
	{`^[ab]+[cd]+$`, nil},
	{`^^[ab]+$`, nil},
	{`^[ab]+$$`, nil},
	{`^\b[ab]+$`, nil},
	{`^[ab]{1001}$`, nil}, // not RE2
	{`^[ab`, nil},
	{``, nil},
}

func asciiAll() string {
	b := make([]byte, 128)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

func TestClassRepeatOf(t *testing.T) {
	for _, tt := range classRepeatCases {
		if got := classRepeatOf(tt.expr); !cmp.Equal(got, tt.want) {
			t.Errorf("classRepeatOf(%q) = %+v, want %+v", tt.expr, got, tt.want)
		}
	}
}

// TestClassRepeatMatchesRegexp: the loop apiv3.ClassPattern runs for a
// recognised expression answers as regexp does, on every byte value in
// every position, boundary lengths, non-ASCII and invalid UTF-8, and a
// newline at the end.
func TestClassRepeatMatchesRegexp(t *testing.T) {
	for _, tt := range classRepeatCases {
		if tt.want != nil {
			checkClassRepeat(t, tt.expr, tt.want)
		}
	}
}

// TestBundledPatterns: every pattern of spec/ is matched by the loop or
// regexp as expected, and the loops agree with regexp.
func TestBundledPatterns(t *testing.T) {
	spec, err := load.Load("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	api, diags := Build(spec, Options{})
	if api == nil || diags.HasErrors() {
		t.Fatalf("build: %v", diags)
	}
	var loops, kept []string
	for _, p := range api.Patterns {
		if p.Class == nil {
			kept = append(kept, p.Expr)
			continue
		}
		loops = append(loops, p.Expr)
		checkClassRepeat(t, p.Expr, p.Class)
	}
	wantKept := []string{`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, `\.([Jj][Pp][Ee]?[Gg]|[Bb][Mm][Pp]|[Pp][Nn][Gg])$`}
	if d := cmp.Diff(wantKept, kept); d != "" {
		t.Errorf("patterns kept with regexp (-want +got):\n%s", d)
	}
	if len(loops) < 5 {
		t.Errorf("only %d bundled patterns are loops: %q", len(loops), loops)
	}
}

func checkClassRepeat(t *testing.T, expr string, c *ClassRepeat) {
	t.Helper()
	re := regexp.MustCompile(expr)
	p := apiv3.NewClassPattern(c.Chars, c.Min, c.Max)
	bad := 0
	for _, s := range matchInputs(c) {
		if got, want := p.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("%s: loop %v, regexp %v on %q", expr, got, want, s)
			if bad++; bad == 5 {
				return
			}
		}
	}
}

// matchInputs are values at and around a class's limits: members at lengths
// min-1 to max+1 (or min+40 when unbounded), then each byte value alone,
// appended, prepended and in the middle of a value of length min (at least
// 1) and max, and non-ASCII characters, invalid UTF-8 and newlines.
func matchInputs(c *ClassRepeat) []string {
	run := func(n int) string {
		if n < 0 {
			return ""
		}
		var b strings.Builder
		for i := range n {
			b.WriteByte(c.Chars[i%len(c.Chars)])
		}
		return b.String()
	}
	hi := c.Max
	if hi < 0 {
		hi = c.Min + 40
	}
	in := []string{""}
	for n := max(c.Min-1, 0); n <= hi+1; n++ {
		in = append(in, run(n))
	}
	lengths := []int{max(c.Min, 1), max(c.Min-1, 0), hi}
	for b := range 256 {
		x := string([]byte{byte(b)})
		in = append(in, x)
		for _, n := range lengths {
			s := run(n)
			in = append(in, s+x, x+s, s[:len(s)/2]+x+s[len(s)/2:])
			if n > 0 {
				in = append(in, s[:n-1]+x) // the same length, last byte changed
			}
		}
	}
	for _, x := range []string{"é", "日", "😀", "\u212a", "\u017f", "\ufffd", "\xff", "\xc3", "\xe6\x97", "\xed\xa0\x80", "\n", "\r\n", "\x00"} {
		for _, n := range lengths {
			s := run(n)
			in = append(in, x, s+x, x+s, s[:len(s)/2]+x+s[len(s)/2:])
			if len(x) <= n {
				in = append(in, s[:n-len(x)]+x) // as many bytes as a good value
			}
			if n > 0 && len(x) > 1 {
				in = append(in, s[:n-1]+x) // as many characters as a good value
			}
		}
	}
	return in
}

// FuzzClassRepeat: for any expression classRepeatOf recognises, the loop
// agrees with regexp on any input.
func FuzzClassRepeat(f *testing.F) {
	for _, tt := range classRepeatCases {
		f.Add(tt.expr, "")
		f.Add(tt.expr, "ab-|*]^\\0\n")
		f.Add(tt.expr, "Aa9_😀")
	}
	f.Fuzz(func(t *testing.T, expr, s string) {
		c := classRepeatOf(expr)
		if c == nil {
			return
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			t.Fatalf("classRepeatOf(%q) recognised an expression regexp refuses: %v", expr, err)
		}
		p := apiv3.NewClassPattern(c.Chars, c.Min, c.Max)
		if got, want := p.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("%q on %q: loop %v, regexp %v", expr, s, got, want)
		}
	})
}
