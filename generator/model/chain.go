package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// buildChain makes the chain tree: one node per path segment, shared by
// every operation under it. A trailing slash adds no hop (the operation's
// Path keeps it on the wire).
func (b *builder) buildChain() {
	root := &Node{Kind: NodeRoot, TypeName: "Client"}
	b.api.Root = root
	for _, op := range b.api.Operations {
		restore := b.diags.blame(culprit{op: op})
		n := root
		for _, seg := range segments(op.Path) {
			if n = b.child(n, seg, op); n == nil {
				break
			}
		}
		if n != nil {
			n.Operations = append(n.Operations, op)
			op.Node = n
		}
		restore()
	}
	b.nameNodes(root)
	b.finishOperations()
}

// segments splits a path template into its non-empty segments.
func segments(path string) []string {
	return slices.DeleteFunc(strings.Split(path, "/"), func(s string) bool { return s == "" })
}

// child finds or makes n's child for one segment. A node may have several
// parameter children with different names: each is its own method leading
// to its own subtree.
func (b *builder) child(n *Node, seg string, op *Operation) *Node {
	param, isParam := paramName(seg)
	if !isParam && strings.ContainsAny(seg, "{}") {
		b.diags.Errorf(op.Pos, "put each parameter in a segment of its own", "path segment %q of %s mixes text and a parameter; not supported", seg, op.describe())
		return nil
	}
	for _, c := range n.Children {
		if c.Segment == seg {
			b.unifyParamType(c, op)
			c.seen(op)
			return c
		}
	}
	c := &Node{Kind: NodeStatic, Segment: seg, Parent: n, Pos: op.Pos, GoName: b.names.goName(seg)}
	if isParam {
		c.Kind, c.Param = NodeParam, param
		if p := op.pathParam(param); p != nil {
			c.GoName, c.ArgName, c.Type = p.GoName, p.ArgName, p.Type
		} else {
			b.diags.Errorf(op.Pos, "declare it in parameters with in: path", "path parameter {%s} of %s is not declared", param, op.describe())
			return nil
		}
	}
	c.firstOp, c.docPos = op, op.Pos
	n.Children = append(n.Children, c)
	return c
}

// seen notes that op passes through n, keeping the place of the first such
// operation in the document (files in name order, then lines).
func (n *Node) seen(op *Operation) {
	if earlier(op.Pos, n.docPos) {
		n.docPos = op.Pos
	}
}

func earlier(a, c diag.Position) bool {
	return cmp.Or(cmp.Compare(a.File, c.File), cmp.Compare(a.Line, c.Line), cmp.Compare(a.Column, c.Column)) < 0
}

// paramName returns the name of a "{name}" segment.
func paramName(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}") {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

func (op *Operation) pathParam(name string) *Param {
	for _, p := range op.PathParams {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// nameNodes gives the nodes their final Go names and types, top down, by
// the chain rules (DESIGN.md): static segments that camel-case alike keep
// the plain name for the first in the document and their underscores for
// the others; a static field named like one of the node's own methods gets
// a trailing underscore; a parameter method named like a static field or a
// method gets the prefix "By". A clash that remains is an error.
func (b *builder) nameNodes(n *Node) {
	methods := n.methodNames()
	b.nameStatics(n, methods)
	taken := maps.Clone(methods)
	for _, c := range n.Children {
		if c.Kind == NodeStatic {
			taken[c.GoName] = true
		}
	}
	for _, c := range n.Children {
		if c.Kind == NodeParam && taken[c.GoName] {
			c.GoName = "By" + c.GoName
		}
	}
	slices.SortStableFunc(n.Children, func(a, c *Node) int { return cmp.Compare(a.GoName, c.GoName) })
	slices.SortStableFunc(n.Operations, func(a, c *Operation) int { return cmp.Compare(a.Method, c.Method) })
	b.checkSiblings(n, methods)
	n.Stateful = len(n.Operations) > 0 || slices.ContainsFunc(n.Children, func(c *Node) bool { return c.Kind == NodeParam })
	for _, c := range n.Children {
		c.TypeName = n.typePrefix() + c.GoName
		c.Carried = slices.Clone(n.Carried)
		if c.Kind == NodeParam {
			b.checkCarried(c)
			c.Carried = append(c.Carried, c)
		}
		b.nameNodes(c)
	}
}

// methodNames are the Go methods a node really has: its leaves and their
// request builders, and the Client's own methods on the root.
func (n *Node) methodNames() map[string]bool {
	methods := map[string]bool{}
	if n.Kind == NodeRoot {
		methods["Chain"], methods["Runtime"], methods["NotificationHandler"] = true, true, true
	}
	for _, op := range n.Operations {
		methods[op.Method.GoName()], methods["New"+op.Method.GoName()+"Request"] = true, true
	}
	return methods
}

// nameStatics names the static children in document order: the first to
// take a Go name keeps it, a later one that camel-cases alike keeps its
// underscores ("policy_periods" -> Policy_Periods, with a warning naming
// both), then a number; a name one of the node's methods has gets a
// trailing underscore (Delete_), as protoc-gen-go does for fields that clash
// with generated methods.
func (b *builder) nameStatics(n *Node, methods map[string]bool) {
	var statics []*Node
	for _, c := range n.Children {
		if c.Kind == NodeStatic {
			statics = append(statics, c)
		}
	}
	slices.SortStableFunc(statics, func(a, c *Node) int {
		return cmp.Or(cmp.Compare(a.docPos.File, c.docPos.File), cmp.Compare(a.docPos.Line, c.docPos.Line), cmp.Compare(a.docPos.Column, c.docPos.Column))
	})
	first := map[string]*Node{}
	for _, c := range statics {
		plain := c.GoName
		if prev, ok := first[plain]; ok {
			c.GoName = uniqueName(b.names.underscored(c.Segment), func(s string) bool { return first[s] != nil })
			b.diags.Warnf(c.docPos, "both stay reachable; nothing to do unless you would rather rename a path", "path segments %s and %s both camel-case to %s: the field of %q is %s",
				prev.path(), c.path(), plain, c.Segment, c.GoName)
		}
		first[c.GoName] = c
		if methods[c.GoName] {
			c.GoName += "_"
		}
	}
}
func (n *Node) typePrefix() string {
	if n.Kind == NodeRoot {
		return ""
	}
	return n.TypeName
}

// checkSiblings reports children sharing a Go name, or taking the name of
// one of the node's methods, once the naming rules are applied.
func (b *builder) checkSiblings(n *Node, methods map[string]bool) {
	for i, c := range n.Children {
		if methods[c.GoName] {
			b.diags.errorAt(culprit{node: c}, c.Pos, "rename the segment", "path segment %q (%s) maps to %s, a method of %s", c.Segment, c.path(), c.GoName, n.TypeName)
		}
		if i > 0 && n.Children[i-1].GoName == c.GoName {
			prev := n.Children[i-1]
			b.diags.errorAt(culprit{node: c}, c.Pos, "rename one of the segments", "path segments %s and %s both map to Go name %s; first at %s",
				c.path(), prev.path(), c.GoName, describe(prev.Pos))
			c.clash = true
		}
	}
}

// path is the node's path template prefix, for messages.
func (n *Node) path() string {
	if n.Kind == NodeRoot {
		return ""
	}
	return n.Parent.path() + "/" + n.Segment
}

// finishOperations sets what depends on the chain: the parameter struct's
// name and the call expression.
func (b *builder) finishOperations() {
	for _, op := range b.api.Operations {
		if op.Node == nil {
			continue
		}
		restore := b.diags.blame(culprit{op: op})
		if len(op.QueryParams)+len(op.HeaderParams) > 0 {
			op.Params = b.paramsType(op)
		}
		op.Call = callOf(op)
		restore()
	}
}

// paramsType is the struct carrying query and header parameters.
func (b *builder) paramsType(op *Operation) *Type {
	t := &Type{Kind: KindStruct, Name: op.Node.TypeName + op.Method.GoName() + "Params", Pos: op.Pos,
		Doc: fmt.Sprintf("holds the query and header parameters of %s.", op.describe())}
	seen := map[string]*Field{}
	params := map[*Field]*Param{}
	for _, p := range slices.Concat(op.QueryParams, op.HeaderParams) {
		_, named := p.exts[extGoName]
		f := &Field{JSONName: p.Name, GoName: p.GoName, Type: p.Type, Required: p.Required,
			Pointer: p.Pointer, Doc: p.Doc, Deprecated: p.Deprecated, Example: p.Example, Pos: p.Pos, goNamed: named}
		params[f] = p
		if prev := seen[f.GoName]; prev != nil {
			moved := b.renameField("parameters", op.describe(), f, prev, func(n string) bool { return seen[n] != nil })
			if moved == nil {
				continue
			}
			params[moved].GoName = moved.GoName
			seen[prev.GoName] = prev
		}
		seen[f.GoName] = f
		t.Fields = append(t.Fields, f)
	}
	return t
}

// callOf spells the chain call of an operation, with example values for
// path parameters when the spec has them.
func callOf(op *Operation) string {
	var hops []string
	for n := op.Node; n.Kind != NodeRoot; n = n.Parent {
		hop := n.GoName
		if n.Kind == NodeParam {
			hop += "(" + exampleArg(op.pathParam(n.Param), n) + ")"
		}
		hops = append(hops, hop)
	}
	slices.Reverse(hops)
	args := []string{"ctx"}
	if op.Body != nil {
		args = append(args, "req")
	}
	if op.Params != nil {
		args = append(args, "params")
	}
	if op.UnsignedResponse && op.Download != nil {
		args = append(args, "digest")
	}
	return "client." + strings.Join(append(hops, op.Method.GoName()), ".") + "(" + strings.Join(args, ", ") + ")"
}

// exampleArg is a Go literal of the parameter's example as the node's
// method takes it, or the method's argument name.
func exampleArg(p *Param, n *Node) string {
	if p == nil || p.Example == nil {
		return n.ArgName
	}
	if n.Type.Kind == KindString || n.Type.Kind == KindEnum {
		return strconv.Quote(fmt.Sprint(p.Example))
	}
	return fmt.Sprint(p.Example)
}

// unifyParamType widens a parameter node to a string when an operation
// under it gives the parameter another Go type than the one the node was
// made with: the method then takes a string, and each leaf validates the
// value against its own operation's schema.
func (b *builder) unifyParamType(c *Node, op *Operation) {
	if c.Kind != NodeParam {
		return
	}
	p := op.pathParam(c.Param)
	if p != nil && (p.Type.Kind != c.Type.Kind || p.Type.Name != c.Type.Name) {
		c.Type, c.Loose = &Type{Kind: KindString}, true
	}
}

// checkCarried numbers a parameter's carried field whose name an ancestor
// parameter already carries ({out_no} under {outNo}): the field is
// unexported, so its name is the generator's to choose.
func (b *builder) checkCarried(c *Node) {
	taken := func(s string) bool {
		return slices.ContainsFunc(c.Carried, func(a *Node) bool { return a.ArgName == s })
	}
	if taken(c.ArgName) {
		c.ArgName = uniqueName(c.ArgName, taken)
	}
}
