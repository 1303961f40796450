package apiv3

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// logSafe returns text received from the network in a form that cannot
// forge or garble a log line: printable characters (Chinese included) stay
// as they are; line breaks, escape sequences, direction overrides and other
// invisible characters, invalid UTF-8 and U+FFFD are written as Go escapes
// (\n, \x1b, \u202e, \xff), a backslash as \\; and the result is cut after
// max characters. printable (verify.go) quotes whole for ASCII-only header
// values; server messages are often Chinese, so this keeps them readable.
func logSafe(s string, max int) string {
	clean := true
	for _, r := range s {
		if !safeRune(r) {
			clean = false
			break
		}
	}
	if clean && utf8.RuneCountInString(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if n == max {
			b.WriteString("...")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\\':
			b.WriteString(`\\`)
		case safeRune(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
		n++
	}
	return b.String()
}

// safeRune is a character that shows as itself in a log line.
func safeRune(r rune) bool {
	return r != '\\' && r != utf8.RuneError && unicode.IsPrint(r)
}
