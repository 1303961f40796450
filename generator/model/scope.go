package model

import (
	"fmt"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// scope is the set of package-level Go names, each with what declared it.
type scope map[string]claim

type claim struct {
	what string // e.g. "schema Card", "chain node /v3/discount-card"
	pos  diag.Position
}

// claim takes name for what; a name already taken is a located error naming
// both places, which costs the later claimant (by).
func (b *builder) claim(name, what string, pos diag.Position, by culprit) {
	if prev, ok := b.scope[name]; ok {
		at := ""
		if prev.pos.File != "" {
			at = " at " + describe(prev.pos) // a name of the generated package has no place in the spec
		}
		b.diags.errorAt(by, pos, "rename one of them with x-go-name",
			"Go name %s of %s is already used by %s%s", name, what, prev.what, at)
		return
	}
	b.scope[name] = claim{what: what, pos: pos}
}

// describe formats a position for a message: file:line (#/pointer).
func describe(p diag.Position) string {
	s := p.String()
	if p.Pointer != "" {
		s = fmt.Sprintf("%s (#%s)", s, p.Pointer)
	}
	return s
}

// runtimeNames are package-level names the emitter always declares.
var runtimeNames = []string{"Client", "NewClient", "NotificationHandlers", "addQuery"}

// claimNames claims every package-level name of the model, in a fixed
// order, so that two spec names mapping to one Go name are reported.
func (b *builder) claimNames() {
	for _, n := range runtimeNames {
		b.claim(n, "the generated package", diag.Position{}, culprit{})
	}
	b.claimTypes()
	b.claimChain(b.api.Root)
	for _, op := range b.api.Operations {
		by := culprit{op: op}
		b.claim(op.PathConst, "the path constant of "+op.describe(), op.Pos, by)
		b.claim(op.PathFunc, "the path builder of "+op.describe(), op.Pos, by)
		b.claim(op.NewFunc, "the request builder of "+op.describe(), op.Pos, by)
		if op.Params != nil {
			b.claim(op.Params.Name, "the parameters of "+op.describe(), op.Pos, by)
		}
	}
	for _, n := range b.api.Notifications {
		b.claim(n.ConstName, "the event type of callback "+n.Key, n.Pos, culprit{op: n.Operation})
	}
	for _, p := range b.api.Patterns {
		b.claim(p.GoName, "a pattern", p.Pos, p.owner)
	}
}

func (b *builder) claimTypes() {
	for _, t := range b.api.Types {
		b.claim(t.Name, t.describe(), t.Pos, culprit{typ: t})
		for _, v := range t.Values {
			b.claim(v.GoName, fmt.Sprintf("enum value %q of %s", v.Value, t.Name), v.Pos, culprit{typ: t})
		}
	}
}

func (b *builder) claimChain(n *Node) {
	if n.clash {
		return // reported as a segment clash
	}
	if n.Kind != NodeRoot {
		b.claim(n.TypeName, "chain node "+n.path(), n.Pos, culprit{node: n})
	}
	for _, c := range n.Children {
		b.claimChain(c)
	}
}

// describe names a type for messages.
func (t *Type) describe() string {
	if t.SchemaName != "" {
		return "schema " + t.SchemaName
	}
	return "inline schema " + t.Name
}

// Label names an operation for people: "getCard (GET /v3/...)", or
// "GET /v3/..." when it has no operationId. Doc comments and the runtime's
// errors (apiv3.Request.SettledBy) use it.
func (op *Operation) Label() string {
	s := op.describe()
	if op.ID != "" {
		s = op.ID + " (" + s + ")"
	}
	return s
}

// describe names an operation for messages.
func (op *Operation) describe() string {
	return op.Method.String() + " " + op.Path
}
