package model

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"
	"github.com/iancoleman/strcase"
)

// maxEntryWords is the most words an initialisms entry spans.
const maxEntryWords = 3

// splitWords splits a spec name into lower-case words: on every character
// that is not an ASCII letter or digit (so "_ - . / { }" and non-ASCII
// text), before an upper-case letter that follows a lower-case letter or a
// digit, and before the last upper-case letter of a run followed by a
// lower-case one ("HTTPServer" -> "http", "server").
func splitWords(s string) []string {
	var words []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isASCIIAlnum(c) {
			flush()
			continue
		}
		if isUpper(c) && len(cur) > 0 && startsWord(cur[len(cur)-1], s, i) {
			flush()
		}
		cur = append(cur, c)
	}
	flush()
	return words
}

// startsWord reports whether the upper-case letter s[i], following prev,
// begins a new word.
func startsWord(prev byte, s string, i int) bool {
	if !isUpper(prev) {
		return true
	}
	return i+1 < len(s) && isLower(s[i+1])
}

func isUpper(c byte) bool      { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool      { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isASCIIAlnum(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) }

// caseWords spells each word in Go style: entries of the initialisms table
// (longest match first), else strcase's camel case. used, when not nil, is
// told each table entry matched.
func caseWords(words []string, used func(entry string)) []string {
	return caseWordsWith(initialisms, words, used)
}

// caseWordsWith is caseWords with a given table.
func caseWordsWith(table map[string]string, words []string, used func(entry string)) []string {
	var parts []string
	for i := 0; i < len(words); {
		n, spelled := matchEntry(table, words[i:])
		if n == 0 {
			parts = append(parts, strcase.ToCamel(words[i]))
			i++
			continue
		}
		if used != nil {
			used(strings.Join(words[i:i+n], "_"))
		}
		parts = append(parts, spelled)
		i += n
	}
	return parts
}

// matchEntry finds the longest initialisms entry at the start of words and
// returns how many words it spans and its spelling; 0 when none matches.
func matchEntry(table map[string]string, words []string) (int, string) {
	for n := min(maxEntryWords, len(words)); n > 0; n-- {
		if s, ok := table[strings.Join(words[:n], "_")]; ok {
			return n, s
		}
	}
	return 0, ""
}

// camelParts splits and cases a spec name.
func camelParts(s string) []string { return caseWords(splitWords(s), nil) }

// joinedName is the cased words of s joined, possibly starting with a digit.
func joinedName(s string) string { return strings.Join(camelParts(s), "") }

// GoName turns a spec name into an exported Go identifier:
// "card_template_id" -> "CardTemplateID", "notify_url" -> "NotifyURL",
// "add-user-records" -> "AddUserRecords". A name starting with a digit gets
// the prefix "X". It returns "" when the name has no ASCII letter or digit
// (such names need x-go-name).
func GoName(s string) string {
	return exported(joinedName(s))
}

// exported prefixes a name starting with a digit with "X".
func exported(name string) string {
	if name != "" && isDigit(name[0]) {
		name = "X" + name
	}
	return name
}

// ArgName turns a spec name into an unexported Go identifier for arguments
// and unexported fields: "out_card_code" -> "outCardCode", "appid" ->
// "appID", "id" -> "id". Go keywords, predeclared names and the generated
// code's own locals get the suffix "_".
func ArgName(s string) string {
	parts := camelParts(s)
	if len(parts) == 0 {
		return ""
	}
	parts[0] = lowerFirst(parts[0])
	name := strings.Join(parts, "")
	if isDigit(name[0]) {
		name = "x" + name
	}
	if jen.IsReservedWord(name) || token.IsKeyword(name) || generatedLocals[name] {
		name += "_"
	}
	return name
}

// generatedLocals are the names generated methods use for their receiver,
// arguments and locals; arguments must not shadow them.
var generatedLocals = map[string]bool{
	"n": true, "ctx": true, "opts": true, "body": true, "params": true,
	"v": true, "rt": true, "req": true, "resp": true, "out": true, "path": true,
	"query": true, "header": true, "apiv3": true, "strconv": true, "parsed": true, "ok": true,
}

// lowerFirst lower-cases a leading initialism whole ("URL" -> "url",
// "ID" -> "id") and otherwise the leading upper-case run but the last
// letter before a lower-case one ("AppID" -> "appID", "Out" -> "out").
func lowerFirst(s string) string {
	b := []byte(s)
	for i := 0; i < len(b) && isUpper(b[i]); i++ {
		if i > 0 && i+1 < len(b) && isLower(b[i+1]) {
			break
		}
		b[i] = byte(unicode.ToLower(rune(b[i])))
	}
	return string(b)
}

// validGoName reports whether an x-go-name is an exported Go identifier.
func validGoName(s string) bool {
	return token.IsIdentifier(s) && token.IsExported(s)
}

// uniqueName is base, or base followed by the first number from 2 up that
// taken does not report: the last resort of the collision rules.
func uniqueName(base string, taken func(string) bool) string {
	name := base
	for i := 2; taken(name); i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}
