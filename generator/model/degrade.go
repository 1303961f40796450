package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Degrade, never refuse the whole client (DESIGN.md): an error found while
// building one operation, or while filling a schema only some operations
// use, costs those operations. Build leaves them out, turns their errors
// into located warnings that say so, and builds again from scratch without
// them (a rebuild, not a patch of the model, so that nothing of a left-out
// operation lingers: names it claimed, types only it made). An error that
// costs the whole run (the initialisms file, a name the runtime needs), or
// one that would leave every operation out, fails the run as before.

// exclusions are what later rounds of Build leave out.
type exclusions struct {
	// ops are operations by "METHOD /path"; schemas component schemas by name.
	ops     map[string]bool
	schemas map[string]bool
	// described lists the left-out operations, in the order they were left out.
	described []string
}

func (e *exclusions) op(o *Operation) bool { return e.ops[o.describe()] }

// degrade decides what the errors of this round cost. It adds the culprits
// to b.excluded and returns the errors as warnings naming what is left out;
// ok is false when an error costs the whole run.
func (b *builder) degrade() (warnings diag.List, ok bool) {
	reach := map[*Operation]map[*Type]bool{}
	for _, op := range b.api.Operations {
		reach[op] = opReach(op)
	}
	ex := b.excluded
	before := len(ex.ops) + len(ex.schemas)
	for i, d := range b.diags.list {
		if d.Severity != diag.Error {
			continue
		}
		c := b.diags.culprits[i]
		if c.zero() {
			return nil, false
		}
		ops := b.costOf(c, reach)
		schemas := b.schemasCostOf(c)
		for _, op := range ops {
			if !ex.ops[op.describe()] {
				ex.ops[op.describe()] = true
				ex.described = append(ex.described, op.describe())
			}
		}
		for _, s := range schemas {
			ex.schemas[s] = true
		}
		warnings = append(warnings, leftOutWarning(d, ops, schemas))
	}
	if len(ex.ops)+len(ex.schemas) == before {
		return nil, false // nothing new to leave out: building again would find the same
	}
	if len(b.api.Operations) > 0 && !slices.ContainsFunc(b.api.Operations, func(op *Operation) bool { return !ex.op(op) }) {
		return nil, false // a problem shared by everything
	}
	return warnings, true
}

// costOf lists the operations an error costs: the one being built, and every
// one that reaches the type being filled.
func (b *builder) costOf(c culprit, reach map[*Operation]map[*Type]bool) []*Operation {
	var ops []*Operation
	for _, op := range b.api.Operations {
		if op == c.op || (c.typ != nil && reach[op][c.typ]) || (c.node != nil && op.Node != nil && op.Node.under(c.node)) {
			ops = append(ops, op)
		}
	}
	if c.op != nil && !slices.Contains(ops, c.op) {
		ops = append(ops, c.op)
	}
	return ops
}

// schemasCostOf lists the component schemas an error costs: the culprit's
// own component, and every component whose type reaches the culprit's type
// (left in, such a component would meet the same error when it types the
// culprit's schema inline).
func (b *builder) schemasCostOf(c culprit) []string {
	var names []string
	if c.schema != "" {
		names = append(names, c.schema)
	}
	if c.typ == nil {
		return names
	}
	for _, t := range b.api.Types {
		if t.SchemaName != "" && typeReach(t, map[*Type]bool{})[c.typ] {
			names = append(names, t.SchemaName)
		}
	}
	return names
}

// leftOutWarning restates an error as a warning saying what is left out.
func leftOutWarning(d diag.Diagnostic, ops []*Operation, schemas []string) diag.Diagnostic {
	d.Severity = diag.Warning
	var what []string
	for _, op := range ops {
		what = append(what, op.describe())
	}
	switch {
	case len(what) == 1:
		d.Message = what[0] + " is left out: " + d.Message
	case len(what) > 1:
		d.Message = fmt.Sprintf("%d operations are left out (%s): %s", len(what), strings.Join(what, ", "), d.Message)
	default:
		d.Message = fmt.Sprintf("schema %s is left out: %s", strings.Join(schemas, ", "), d.Message)
	}
	return d
}

// opReach is every named type an operation's Go API uses.
func opReach(op *Operation) map[*Type]bool {
	seen := map[*Type]bool{}
	for _, t := range []*Type{op.Body, op.Response, op.Params, op.Error} {
		walkTypes(t, seen)
	}
	for _, p := range slices.Concat(op.PathParams, op.QueryParams, op.HeaderParams) {
		walkTypes(p.Type, seen)
	}
	for _, n := range op.Notifications {
		walkTypes(n.Payload, seen)
	}
	return seen
}

// typeReach is every type t reaches, t included.
func typeReach(t *Type, seen map[*Type]bool) map[*Type]bool {
	walkTypes(t, seen)
	return seen
}

func walkTypes(t *Type, seen map[*Type]bool) {
	if t == nil || seen[t] {
		return
	}
	seen[t] = true
	walkTypes(t.Elem, seen)
	for _, f := range t.Fields {
		walkTypes(f.Type, seen)
	}
	for _, v := range t.Variants {
		walkTypes(v.Type, seen)
	}
}

// under reports whether n is a or one of its descendants.
func (n *Node) under(a *Node) bool {
	for ; n != nil; n = n.Parent {
		if n == a {
			return true
		}
	}
	return false
}
