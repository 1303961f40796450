package model

import (
	"fmt"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// report collects a Build's diagnostics and, for each error, what it costs:
// the operation being built and the named type being filled when it was
// found (its culprit). Build turns the errors whose culprits it can leave
// out into warnings and builds again without them (degrade.go), so that a
// problem confined to one operation, or to schemas only it uses, costs that
// operation alone.
type report struct {
	list diag.List
	// culprits[i] is what list[i] costs (the zero culprit for a warning,
	// or for an error nothing can be left out for).
	culprits []culprit
	// current is what is being built now.
	current culprit
}

// culprit is what an error costs: an operation, a named type (and every
// operation that reaches it), a chain node (and every operation under it),
// or a component schema that has no type yet. The zero culprit is the whole
// run.
type culprit struct {
	op     *Operation
	typ    *Type
	node   *Node
	schema string // a component schema's name
}

func (c culprit) zero() bool { return c.op == nil && c.typ == nil && c.node == nil && c.schema == "" }

// Errorf appends an error at pos, costing what is being built.
func (r *report) Errorf(pos diag.Position, hint string, format string, args ...any) {
	r.list = append(r.list, diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: fmt.Sprintf(format, args...), Hint: hint})
	r.culprits = append(r.culprits, r.current)
}

// Warnf appends a warning at pos.
func (r *report) Warnf(pos diag.Position, hint string, format string, args ...any) {
	r.list = append(r.list, diag.Diagnostic{Pos: pos, Severity: diag.Warning, Message: fmt.Sprintf(format, args...), Hint: hint})
	r.culprits = append(r.culprits, culprit{})
}

// errorAt appends an error costing c rather than what is being built (a
// clash found after the fact, which costs the place that lost it).
func (r *report) errorAt(c culprit, pos diag.Position, hint string, format string, args ...any) {
	saved := r.current
	r.current = c
	r.Errorf(pos, hint, format, args...)
	r.current = saved
}

// blame makes c what errors cost until the returned function restores the
// previous culprit; an operation being built stays blamed while one of its
// inline types is filled.
func (r *report) blame(c culprit) (restore func()) {
	saved := r.current
	if c.op == nil {
		c.op = saved.op
	}
	r.current = c
	return func() { r.current = saved }
}

// hasErrors reports whether any diagnostic is an error.
func (r *report) hasErrors() bool { return r.list.HasErrors() }
