package docsnippet

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// longToken is what differs between two runs of a program and is
	// long: ids, tokens, nonces, signatures, URLs' random parts.
	longToken = regexp.MustCompile(`[A-Za-z0-9+/\-]{16,}`)
	number    = regexp.MustCompile(`[0-9]+`)
)

// Shape is a line of a program's output with what differs between runs
// (long tokens, then numbers: ids, times, ports, amounts) replaced by #,
// so that the output a README shows can be compared with a fresh run.
func Shape(line string) string {
	return number.ReplaceAllString(longToken.ReplaceAllString(strings.TrimRight(line, " "), "#"), "#")
}

// ShownOutput returns the lines of the first ``` block of readme (Markdown)
// under the heading section ("## Quickstart") that contains the line
// from, from the line after it up to the line until (both excluded): the
// output a README shows for one step of a script.
func ShownOutput(readme, section, from, until string) ([]string, error) {
	_, rest, ok := strings.Cut(readme, "\n"+section+"\n")
	if !ok {
		return nil, fmt.Errorf("no section %q", section)
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	for _, lines := range fencedBlocks(rest) {
		start := -1
		for i, l := range lines {
			switch {
			case start < 0 && strings.HasPrefix(l, from):
				start = i + 1
			case start >= 0 && strings.HasPrefix(l, until):
				return lines[start:i], nil
			}
		}
	}
	return nil, fmt.Errorf("section %q: no ``` block with a line %q followed by %q", section, from, until)
}

// fencedBlocks returns the lines of each fenced code block of markdown.
func fencedBlocks(markdown string) [][]string {
	var blocks [][]string
	var cur []string
	in := false
	for _, l := range strings.Split(markdown, "\n") {
		switch {
		case strings.HasPrefix(l, "```") && !in:
			in, cur = true, nil
		case strings.HasPrefix(l, "```"):
			in = false
			blocks = append(blocks, cur)
		case in:
			cur = append(cur, l)
		}
	}
	return blocks
}
