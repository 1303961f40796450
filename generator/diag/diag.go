// Package diag carries the generator's located messages: every problem found
// in a spec names the file, line, column and JSON Pointer where it is, what is
// wrong and what to do about it.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity tells an error, which stops generation, from a warning, which does
// not unless the generator runs in strict mode.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Position is a place in a spec file. File is relative to the spec folder
// (slash-separated); Line and Column are 1-based and zero when unknown;
// Pointer is the JSON Pointer of the element inside its file.
type Position struct {
	File    string
	Line    int
	Column  int
	Pointer string
}

// String formats the position as file:line:col, leaving out what is unknown.
func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	return b.String()
}

// Diagnostic is one located message.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	// Message says what is wrong, Hint what to do; Hint may be empty.
	Message string
	Hint    string
}

// String renders "file:line:col: error: message at #/pointer; hint".
func (d Diagnostic) String() string {
	var b strings.Builder
	if s := d.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Pos.Pointer != "" {
		b.WriteString(" (at #")
		b.WriteString(d.Pos.Pointer)
		b.WriteString(")")
	}
	if d.Hint != "" {
		b.WriteString("; ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// List is a set of diagnostics. As an error it prints one diagnostic a line.
type List []Diagnostic

// Errorf appends an error at pos.
func (l *List) Errorf(pos Position, hint string, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Error, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos Position, hint string, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Warning, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns only the errors.
func (l List) Errors() List {
	return slices.DeleteFunc(slices.Clone(l), func(d Diagnostic) bool { return d.Severity != Error })
}

// Warnings returns only the warnings.
func (l List) Warnings() List {
	return slices.DeleteFunc(slices.Clone(l), func(d Diagnostic) bool { return d.Severity != Warning })
}

// Sort orders the list by file, line, column, pointer and message, so that
// output is the same on every run.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Pos.Pointer, b.Pos.Pointer),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Err returns the list as an error when it holds an error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
