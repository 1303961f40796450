package specvalue

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MatchingString returns a string that the pattern expr (RE2, as
// kin-openapi compiles it) matches, of lo to hi code points (hi < 0: no
// upper limit), without 4-byte UTF-8. It walks the parsed expression,
// sharing the wanted length among its parts; n > 0 picks a different
// character at the n-th choice, for another value of the same shape. ok is
// false when no length it tried gave such a string.
func MatchingString(expr string, lo, hi, n int) (string, bool) {
	re, err := regexp.Compile(GoRegexp(expr))
	if err != nil {
		return "", false
	}
	tree, err := syntax.Parse(GoRegexp(expr), syntax.Perl)
	if err != nil {
		return "", false
	}
	tree = tree.Simplify()
	for _, target := range targets(lo, hi) {
		p := &patternGen{variant: n}
		var b strings.Builder
		p.gen(&b, tree, target)
		s := b.String()
		if l := lengthOf(s); re.MatchString(s) && l >= lo && (hi < 0 || l <= hi) && !hasFourByte(s) {
			return s, true
		}
	}
	return "", false
}

// GoRegexp is the expression as kin-openapi compiles it: \uXXXX escapes
// (upper-case hex, as kin-openapi matches them) become \x{XXXX}.
func GoRegexp(expr string) string {
	return rewriteCodepoints.ReplaceAllString(expr, `\x{${code}}`)
}

var rewriteCodepoints = regexp.MustCompile(`\\u(?P<code>[0-9A-F]{4})`)

// targets are the lengths tried: the lower limit (at least 1), a short
// readable length within the limits, the upper limit.
func targets(lo, hi int) []int {
	ts := []int{max(lo, 1), clamp(8, lo, hi), clamp(16, lo, hi)}
	if hi >= 0 {
		ts = append(ts, hi, (lo+hi)/2)
	}
	return append(ts, lo)
}

func hasFourByte(s string) bool {
	for _, r := range s {
		if utf8.RuneLen(r) == 4 {
			return true
		}
	}
	return false
}

type patternGen struct {
	variant int
	choice  int
}

// length range of an expression in code points; max -1 is unbounded.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return minLen(re.Sub[0])
	case syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := minLen(s); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return maxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if maxLen(re.Sub[0]) == 0 {
			return 0
		}
		return -1
	case syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		m := maxLen(re.Sub[0])
		if re.Max < 0 || m < 0 {
			if m == 0 {
				return 0
			}
			return -1
		}
		return re.Max * m
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			m := maxLen(s)
			if m < 0 {
				return -1
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			m := maxLen(s)
			if m < 0 {
				return -1
			}
			n = max(n, m)
		}
		return n
	}
	return 0
}

// gen writes a string re matches, of about target code points.
func (p *patternGen) gen(b *strings.Builder, re *syntax.Regexp, target int) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(p.pick(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune(p.pick([]rune{'a', 'z', '0', '9'}))
	case syntax.OpCapture:
		p.gen(b, re.Sub[0], target)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		p.repeat(b, re, target)
	case syntax.OpConcat:
		p.concat(b, re.Sub, target)
	case syntax.OpAlternate:
		best := re.Sub[0]
		for _, s := range re.Sub {
			lo, hi := minLen(s), maxLen(s)
			if lo <= target && (hi < 0 || target <= hi) {
				best = s
				break
			}
		}
		p.gen(b, best, target)
	}
}

// repeat writes enough copies of the sub-expression to come near target.
func (p *patternGen) repeat(b *strings.Builder, re *syntax.Regexp, target int) {
	lo, hi := 0, -1
	switch re.Op {
	case syntax.OpPlus:
		lo = 1
	case syntax.OpQuest:
		hi = 1
	case syntax.OpRepeat:
		lo, hi = re.Min, re.Max
	}
	sub := re.Sub[0]
	each := max(minLen(sub), 1)
	count := clamp(target/each, lo, hi)
	left := target
	for i := range count {
		share := max(left/(count-i), 0)
		p.gen(b, sub, share)
		left -= share
	}
}

// concat shares target among the parts: each its minimum, the rest to the
// parts that can grow, in order.
func (p *patternGen) concat(b *strings.Builder, subs []*syntax.Regexp, target int) {
	shares := make([]int, len(subs))
	extra := target
	for i, s := range subs {
		shares[i] = minLen(s)
		extra -= shares[i]
	}
	for i, s := range subs {
		if extra <= 0 {
			break
		}
		room := extra
		if m := maxLen(s); m >= 0 {
			room = min(room, m-shares[i])
		}
		shares[i] += room
		extra -= room
	}
	for i, s := range subs {
		p.gen(b, s, shares[i])
	}
}

// pick chooses a character of a class (pairs of lo, hi): a letter or digit
// when it has one, never a 4-byte one or a control character; the
// variant-th choice takes the next one.
func (p *patternGen) pick(ranges []rune) rune {
	p.choice++
	skip := 0
	if p.choice == 1 {
		skip = p.variant
	}
	var fallback rune = -1
	for _, pref := range []func(rune) bool{isAlnum, unicode.IsPrint} {
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := ranges[i]; r <= ranges[i+1] && r <= 0xFFFF; r++ {
				if !pref(r) || utf8.RuneLen(r) == 4 {
					continue
				}
				if fallback < 0 {
					fallback = r
				}
				if skip == 0 {
					return r
				}
				skip--
				if r-ranges[i] > 256 {
					break
				}
			}
		}
	}
	if fallback >= 0 {
		return fallback
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}

func isAlnum(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
