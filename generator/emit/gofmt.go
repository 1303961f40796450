package emit

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/scanner"
	"slices"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"
)

// The files are formatted as jennifer's File.Render formats them, by
// go/format.Source over the whole file, but a large file is cut into chunks
// of whole top-level declarations that are formatted concurrently and
// joined. gofmt is most of emit's time and the files are very unequal
// (types.gen.go is a third of the output), so whole-file formatting left a
// core idle at the end; small chunks also keep each format call's buffers
// small. The output is byte-identical: the tests compare it with
// format.Source on every golden case and on the synthetic spec.

// cutMark is the comment line cut adds. The NUL makes go/format reject it,
// so a mark left in by mistake fails the generation instead of reaching the
// output; and no other line of ours starts with "//\x00": note starts every
// comment line with "// " and literals are quoted.
const cutMark = "//\x00cut"

// cutLine is a cut mark as jennifer renders it: each top-level item of a
// File is written after a newline.
var cutLine = []byte("\n" + cutMark)

// chunkSize is the amount of source after which gofmt may start a new
// chunk. On the 100-copy spec, chunks of 16, 32 and 64 KB gave the same
// wall time (both cores busy to the end); 16 KB allocated the least, each
// format call's buffers being sized to its chunk. A chunk's parse and
// printer setup are still small next to its formatting.
const chunkSize = 16 << 10

// cut marks a place where f may be split for formatting. Call it between two
// top-level declarations, before one that has a doc comment: there gofmt
// always writes exactly one blank line (go/printer's declList), and the
// comment and blank line end every alignment block, so the declarations on
// each side format the same apart as together. safeCut checks this.
func cut(f *jen.File) {
	f.Comment(cutMark)
}

// gofmt returns what format.Source returns for src with its cut marks
// removed, formatting chunks of at least size bytes concurrently. If any
// chunk fails, the whole file is formatted in one piece, so that an error
// has the whole file's positions.
func gofmt(src []byte, size int) ([]byte, error) {
	chunks := split(src, size)
	if len(chunks) == 1 {
		return format.Source(chunks[0])
	}
	outs := make([][]byte, len(chunks))
	oks := make([]bool, len(chunks))
	var wg sync.WaitGroup
	for i := 1; i < len(chunks); i++ {
		wg.Go(func() { outs[i], oks[i] = formatDecls(chunks[i]) })
	}
	out, err := format.Source(chunks[0])
	wg.Wait()
	if err != nil || slices.Contains(oks[1:], false) {
		return format.Source(unmark(src))
	}
	n := len(out)
	for _, o := range outs[1:] {
		n += 1 + len(o)
	}
	joined := make([]byte, 0, n)
	joined = append(joined, out...)
	for _, o := range outs[1:] {
		joined = append(joined, '\n')
		joined = append(joined, o...)
	}
	return joined, nil
}

// declPackage is the package clause split puts before a chunk of
// declarations, and declPrefix what gofmt makes of it: the clause and the
// blank line go/printer always writes before the first declaration.
const (
	declPackage = "package p\n"
	declPrefix  = "package p\n\n"
)

// formatDecls formats a chunk of declarations that split gave a package
// clause, and returns the declarations alone (ending in a newline).
func formatDecls(chunk []byte) ([]byte, bool) {
	out, err := format.Source(chunk)
	if err != nil || !bytes.HasPrefix(out, []byte(declPrefix)) {
		return nil, false
	}
	return out[len(declPrefix):], true
}

// split cuts src at marks into chunks of at least size bytes (the last may
// be smaller), skipping marks where safeCut says a cut could change the
// formatting. The first chunk is a whole file (header, package clause,
// imports, declarations); each other chunk is declarations after
// declPackage. Without a usable mark it returns one chunk, src unmarked.
func split(src []byte, size int) [][]byte {
	pieces := bytes.Split(src, cutLine)
	if len(pieces) == 1 {
		return pieces
	}
	// go/printer moves //go:build and // +build lines to the top of the
	// file it prints; a chunk is not the file.
	if bytes.Contains(src, []byte("go:build")) || bytes.Contains(src, []byte("+build")) {
		return [][]byte{bytes.Join(pieces, nil)}
	}
	var chunks [][]byte
	start, n := 0, 0
	for i, p := range pieces {
		n += len(p)
		last := i == len(pieces)-1
		if !last && (n < size || !safeCut(p, pieces[i+1])) {
			continue
		}
		chunk := make([]byte, 0, n+len(declPackage))
		if start > 0 {
			chunk = append(chunk, declPackage...)
		}
		for _, q := range pieces[start : i+1] {
			chunk = append(chunk, q...)
		}
		chunks = append(chunks, chunk)
		start, n = i+1, 0
	}
	return chunks
}

// safeCut reports whether a chunk may end with before and the next begin
// with after: before does not end in a comment (which would otherwise join
// the doc comment that follows), and after starts with a doc comment, that
// is comment lines directly followed by a declaration.
func safeCut(before, after []byte) bool {
	lastLine := bytes.TrimSpace(before[bytes.LastIndexByte(before, '\n')+1:])
	if bytes.HasPrefix(lastLine, []byte("//")) || bytes.HasSuffix(lastLine, []byte("*/")) {
		return false
	}
	rest, ok := bytes.CutPrefix(after, []byte("\n//"))
	if !ok {
		return false
	}
	for {
		_, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return false
		}
		if !bytes.HasPrefix(rest, []byte("//")) {
			return len(rest) > 0 && rest[0] != '\n' && rest[0] != ' ' && rest[0] != '\t'
		}
	}
}

// unmark returns src without its cut marks.
func unmark(src []byte) []byte {
	return bytes.ReplaceAll(src, cutLine, nil)
}

// withSource adds to a format.Source error on src the lines around its
// first position, numbered: the chunk boundaries are gone from src, so the
// numbers are the unformatted file's.
func withSource(err error, src []byte) error {
	var list scanner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return err
	}
	at := list[0].Pos.Line
	var b strings.Builder
	line := 0
	for l := range bytes.Lines(src) {
		line++
		if line < at-2 {
			continue
		}
		if line > at+2 {
			break
		}
		marker := "  "
		if line == at {
			marker = "> "
		}
		fmt.Fprintf(&b, "\n%s%6d | %s", marker, line, bytes.TrimRight(l, "\n"))
	}
	return fmt.Errorf("%w; unformatted source:%s", err, b.String())
}
