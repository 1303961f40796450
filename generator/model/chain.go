package model

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// child finds or makes n's child for one segment.
func (b *builder) child(n *Node, seg string, op *Operation) *Node {
	param, isParam := paramName(seg)
	if !isParam && strings.ContainsAny(seg, "{}") {
		b.diags.Errorf(op.Pos, "put each parameter in a segment of its own", "path segment %q of %s mixes text and a parameter; not supported", seg, op.describe())
		return nil
	}
	for _, c := range n.Children {
		if c.Segment == seg {
			b.checkParamType(c, op)
			return c
		}
		if isParam && c.Kind == NodeParam {
			b.diags.Errorf(op.Pos, "use one parameter name at one place of all paths",
				"parameter {%s} of %s sits where {%s} of %s does", param, op.describe(), c.Param, c.firstOp.describe())
			return nil
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
	c.firstOp = op
	n.Children = append(n.Children, c)
	return c
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

// nameNodes gives the nodes their final Go names and types, top down: a
// parameter method whose name a static sibling already has gets the prefix
// "By"; remaining clashes among siblings, or with leaf methods, are errors.
func (b *builder) nameNodes(n *Node) {
	statics := map[string]*Node{}
	for _, c := range n.Children {
		if c.Kind == NodeStatic {
			statics[c.GoName] = c
		}
	}
	for _, c := range n.Children {
		if c.Kind == NodeParam && statics[c.GoName] != nil {
			c.GoName = "By" + c.GoName
		}
	}
	slices.SortStableFunc(n.Children, func(a, c *Node) int { return cmp.Compare(a.GoName, c.GoName) })
	slices.SortStableFunc(n.Operations, func(a, c *Operation) int { return cmp.Compare(a.Method, c.Method) })
	b.checkSiblings(n)
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

func (n *Node) typePrefix() string {
	if n.Kind == NodeRoot {
		return ""
	}
	return n.TypeName
}

// checkSiblings reports children sharing a Go name, or taking the name of
// one of the node's methods.
func (b *builder) checkSiblings(n *Node) {
	methods := map[string]bool{"Chain": n.Kind == NodeRoot, "Runtime": n.Kind == NodeRoot, "NotificationHandler": n.Kind == NodeRoot}
	for m := MethodGet; m <= MethodDelete; m++ {
		methods[m.GoName()], methods["New"+m.GoName()+"Request"] = true, true
	}
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
	seen := map[string]*Param{}
	for _, p := range slices.Concat(op.QueryParams, op.HeaderParams) {
		if prev := seen[p.GoName]; prev != nil {
			b.diags.Errorf(p.Pos, "rename one of them with x-go-name", "parameters %q and %q of %s both map to Go field %s", prev.Name, p.Name, op.describe(), p.GoName)
			continue
		}
		seen[p.GoName] = p
		t.Fields = append(t.Fields, &Field{JSONName: p.Name, GoName: p.GoName, Type: p.Type, Required: p.Required,
			Pointer: p.Pointer, Doc: p.Doc, Deprecated: p.Deprecated, Example: p.Example, Pos: p.Pos})
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
			hop += "(" + exampleArg(op.pathParam(n.Param), n.ArgName) + ")"
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

// exampleArg is a Go literal of the parameter's example, or its name.
func exampleArg(p *Param, name string) string {
	if p == nil || p.Example == nil {
		return name
	}
	if p.Type.Kind == KindString || p.Type.Kind == KindEnum {
		return strconv.Quote(fmt.Sprint(p.Example))
	}
	return fmt.Sprint(p.Example)
}

// checkParamType reports an operation whose parameter at a shared node has
// another Go type than the one the node was made with.
func (b *builder) checkParamType(c *Node, op *Operation) {
	if c.Kind != NodeParam {
		return
	}
	p := op.pathParam(c.Param)
	if p != nil && (p.Type.Kind != c.Type.Kind || p.Type.Name != c.Type.Name) {
		b.diags.Errorf(p.Pos, "give the parameter one schema in all paths",
			"path parameter {%s} of %s is a %s here but a %s in %s", c.Param, op.describe(), p.Type.Kind, c.Type.Kind, c.firstOp.describe())
	}
}

// checkCarried reports a parameter whose Go name an ancestor parameter
// already carries.
func (b *builder) checkCarried(c *Node) {
	for _, a := range c.Carried {
		if a.ArgName == c.ArgName {
			b.diags.errorAt(culprit{node: c}, c.Pos, "rename one of them with x-go-name", "path parameters {%s} and {%s} of %s both map to %s", a.Param, c.Param, c.path(), c.ArgName)
		}
	}
}
