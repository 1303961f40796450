package apiv3

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// classRegexp is the regular expression a ClassPattern stands for, each
// member written as \xHH so that no member is special.
func classRegexp(chars string, min, max int) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^[")
	for i := 0; i < len(chars); i++ {
		fmt.Fprintf(&b, `\x%02x`, chars[i])
	}
	b.WriteString("]")
	if max < 0 {
		fmt.Fprintf(&b, "{%d,}", min)
	} else {
		fmt.Fprintf(&b, "{%d,%d}", min, max)
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func TestClassPatternMatchesRegexp(t *testing.T) {
	classes := []struct {
		chars    string
		min, max int
	}{
		{"*-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz|", 1, 32},
		{"0123456789ABCDEFabcdef", 64, 64},
		{"ab", 0, -1},
		{"ab", 1, -1},
		{"ab", 0, 0},
		{"ab", 0, 1},
		{"\x00\n\x7f", 2, 3},
	}
	inputs := []string{"", "a", "b", "ab", "aab", "abc", "a\n", "\na", "é", "a😀", "\xff", "\xc3", "\x00\x00", "\n\n", "\x7f\n\x00", "\x80"}
	for b := range 256 {
		inputs = append(inputs, string(rune(b)), string([]byte{byte(b)}), "a"+string([]byte{byte(b)}))
	}
	for _, c := range classes {
		p, re := NewClassPattern(c.chars, c.min, c.max), classRegexp(c.chars, c.min, c.max)
		for _, s := range append(inputs, c.chars, c.chars[:len(c.chars)/2], c.chars+"\n", strings.Repeat(c.chars, 3)) {
			if got, want := p.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: %v, regexp %v", re, s, got, want)
			}
		}
	}
}

func TestNewClassPatternPanics(t *testing.T) {
	for _, tt := range []struct {
		chars    string
		min, max int
	}{{"é", 1, 1}, {"\x80", 1, 1}, {"a", 2, 1}, {"a", -1, 3}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewClassPattern(%q, %d, %d) did not panic", tt.chars, tt.min, tt.max)
				}
			}()
			NewClassPattern(tt.chars, tt.min, tt.max)
		}()
	}
}

func TestClassPatternAllocatesNothing(t *testing.T) {
	p := NewClassPattern("abc", 1, 32)
	if n := testing.AllocsPerRun(100, func() { _ = p.MatchString("abcabc") }); n != 0 {
		t.Errorf("MatchString allocates %v times", n)
	}
}

// FuzzClassPattern compares a ClassPattern of any ASCII members and bounds
// with the regular expression it stands for.
func FuzzClassPattern(f *testing.F) {
	f.Add([]byte("*-09AZ_az|"), uint8(1), int16(32), "out_card-01|*")
	f.Add([]byte("ab"), uint8(0), int16(-1), "ab\n")
	f.Add([]byte("\x00\x7f"), uint8(2), int16(2), "\x00\xc0\x80")
	f.Fuzz(func(t *testing.T, members []byte, min uint8, max int16, s string) {
		var chars []byte
		for _, c := range members {
			if c < 0x80 {
				chars = append(chars, c)
			}
		}
		lo, hi := int(min)%40, int(max)%40
		if len(chars) == 0 || (hi >= 0 && hi < lo) {
			return
		}
		if hi < 0 {
			hi = -1
		}
		p, re := NewClassPattern(string(chars), lo, hi), classRegexp(string(chars), lo, hi)
		if got, want := p.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("%s on %q: %v, regexp %v", re, s, got, want)
		}
	})
}

var matchSink bool

// BenchmarkClassPattern matches a 32-character out_card_code, by the loop
// and by regexp.
func BenchmarkClassPattern(b *testing.B) {
	const chars = "*-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz|"
	s := "0123456789abcdefghijABCDEFGHIJ_-"
	b.Run("loop", func(b *testing.B) {
		p := NewClassPattern(chars, 1, 32)
		for b.Loop() {
			matchSink = p.MatchString(s)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		re := regexp.MustCompile(`^[0-9A-Za-z_\-|*]{1,32}$`)
		for b.Loop() {
			matchSink = re.MatchString(s)
		}
	})
}
