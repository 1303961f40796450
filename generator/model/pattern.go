package model

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// ClassRepeat is a pattern that is one class of ASCII characters repeated
// between the anchors of the text: ^[0-9A-Za-z_\-|*]{1,32}$, ^[0-9a-f]{64}$,
// ^[a-z]+$, ^\d*$. Such a pattern is matched by a loop over the value's
// bytes (apiv3.ClassPattern) instead of regexp. The loop gives regexp's
// answer: with only ASCII members, any byte of a multi-byte character or of
// invalid UTF-8 fails the match, so a length in bytes is a length in
// characters whenever it matters; and Go's $ without (?m) matches only at
// the end of the text, never before a final newline.
type ClassRepeat struct {
	Chars string // the members, in byte order
	Min   int
	Max   int // -1: no upper bound
}

// classRepeatOf recognises a ClassRepeat in an RE2 expression, by its
// syntax tree as regexp.Compile parses it (so escapes, \d, [[:alpha:]],
// (?i) and non-capturing groups are read exactly as regexp reads them), and
// returns nil for every other expression.
func classRepeatOf(expr string) *ClassRepeat {
	re, err := syntax.Parse(expr, syntax.Perl) // the flags of regexp.Compile
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText {
		return nil
	}
	rep := unwrapCapture(re.Sub[1])
	var lo, hi int
	switch rep.Op {
	case syntax.OpRepeat:
		lo, hi = rep.Min, rep.Max
	case syntax.OpStar:
		lo, hi = 0, -1
	case syntax.OpPlus:
		lo, hi = 1, -1
	case syntax.OpQuest:
		lo, hi = 0, 1
	default:
		return nil
	}
	chars, ok := asciiMembers(unwrapCapture(rep.Sub[0]))
	if !ok {
		return nil
	}
	return &ClassRepeat{Chars: chars, Min: lo, Max: hi}
}

// unwrapCapture drops capturing groups, which do not change what matches.
func unwrapCapture(re *syntax.Regexp) *syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	return re
}

// asciiMembers lists the members of a one-character expression (a class,
// or a literal the parser made of a one-member class) when all are ASCII.
func asciiMembers(re *syntax.Regexp) (string, bool) {
	var set [utf8.RuneSelf]bool
	switch {
	case re.Op == syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0 || hi >= utf8.RuneSelf {
				return "", false
			}
			for r := lo; r <= hi; r++ {
				set[r] = true
			}
		}
	case re.Op == syntax.OpLiteral && len(re.Rune) == 1:
		r := re.Rune[0]
		if r < 0 || r >= utf8.RuneSelf {
			return "", false
		}
		set[r] = true
		if re.Flags&syntax.FoldCase != 0 { // (?i)k is also U+212A KELVIN SIGN
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f >= utf8.RuneSelf {
					return "", false
				}
				set[f] = true
			}
		}
	default:
		return "", false
	}
	var b []byte
	for c, in := range set {
		if in {
			b = append(b, byte(c))
		}
	}
	if len(b) == 0 {
		return "", false
	}
	return string(b), true
}
