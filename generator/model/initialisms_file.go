package model

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// namer spells spec names with one initialisms table (the built-in one,
// maybe merged with a user's file) and remembers which file entries matched,
// so that an entry no name uses is reported.
type namer struct {
	table map[string]string
	// fromFile maps a file entry to its line, for the unused-entry warning.
	fromFile map[string]int
	file     string
	used     map[string]bool
}

func newNamer() *namer {
	return &namer{table: initialisms, used: map[string]bool{}}
}

// goName is GoName with the namer's table.
func (n *namer) goName(s string) string {
	return exported(n.joined(s))
}

// joined is the cased words of s joined, possibly starting with a digit.
func (n *namer) joined(s string) string {
	return strings.Join(caseWordsWith(n.table, splitWords(s), func(e string) { n.used[e] = true }), "")
}

// underscored is the Go name of s that keeps its underscores: each
// "_"-separated part cased on its own ("mch_id" -> Mch_ID,
// "policy_periods" -> Policy_Periods). It is the second name of two that
// camel-case alike (the first keeps the plain name).
func (n *namer) underscored(s string) string {
	var parts []string
	for _, part := range strings.Split(s, "_") {
		if p := n.joined(part); p != "" {
			parts = append(parts, p)
		}
	}
	return exported(strings.Join(parts, "_"))
}

// useInitialismsFile merges a file of "word Spelling" lines over the table.
// A line that cannot be read is a warning at its line of the file (a
// position relative to the spec folder, like every other).
func (b *builder) useInitialismsFile(path string) {
	if path == "" {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		b.diags.Errorf(diag.Position{}, "pass an existing file to -initialisms", "initialisms file: %v", err)
		return
	}
	defer f.Close()
	n := b.names
	n.table, n.fromFile, n.file = maps.Clone(initialisms), map[string]int{}, path
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		b.initialismLine(sc.Text(), line)
	}
	if err := sc.Err(); err != nil {
		b.diags.Errorf(b.initialismsAt(0), "", "initialisms file: %v", err)
	}
}

// initialismsAt is line of the initialisms file (the file as a whole for 0).
func (b *builder) initialismsAt(line int) diag.Position {
	if b.fileAt == nil {
		return diag.Position{File: b.names.file, Line: line}
	}
	return b.fileAt(b.names.file, max(line, 1))
}

// initialismLine reads one "word Spelling" or "word: Spelling" line.
func (b *builder) initialismLine(text string, line int) {
	text, _, _ = strings.Cut(text, "#")
	fields := strings.Fields(strings.Replace(text, ":", " ", 1))
	if len(fields) == 0 {
		return
	}
	n := b.names
	words := splitWords(fields[0])
	if len(fields) != 2 || len(words) == 0 || len(words) > maxEntryWords || !validGoName(fields[1]) {
		b.diags.Warnf(b.initialismsAt(line), fmt.Sprintf("write `word Spelling`: up to %d words joined by _, then an exported Go spelling", maxEntryWords),
			"initialisms file: cannot read %q; line ignored", strings.TrimSpace(text))
		return
	}
	key := strings.Join(words, "_")
	n.table[key], n.fromFile[key] = fields[1], line
}

// reportUnusedInitialisms warns about file entries no name of the spec used.
func (b *builder) reportUnusedInitialisms() {
	n := b.names
	for _, key := range slices.Sorted(maps.Keys(n.fromFile)) {
		if !n.used[key] {
			b.diags.Warnf(b.initialismsAt(n.fromFile[key]), "remove the entry, or check its spelling",
				"initialisms file: entry %q is used by no name of the spec", key)
		}
	}
}
