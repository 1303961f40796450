package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genChainFile declares every chain node type below the Client, the
// parameter methods and the leaves.
func genChainFile(f *jen.File, api *model.API) bool {
	walk(api.Root, func(n *model.Node) {
		if n.Kind != model.NodeRoot {
			genNodeType(f, n)
		}
		for _, c := range n.Children {
			if c.Kind == model.NodeParam {
				genParamMethod(f, n, c)
			}
		}
		for _, op := range n.Operations {
			genLeaf(f, n, op)
		}
	})
	return len(api.Root.Children) > 0
}

// walk visits nodes depth first, parents before children.
func walk(n *model.Node, visit func(*model.Node)) {
	visit(n)
	for _, c := range n.Children {
		walk(c, visit)
	}
}

// genNodeType declares a node: its static children as fields, and for a
// stateful node the runtime client and the parameter values so far.
func genNodeType(f *jen.File, n *model.Node) {
	cut(f)
	f.Add(doc(n.TypeName, "is the chain node of "+nodePath(n)+".", ""))
	f.Type().Id(n.TypeName).StructFunc(func(g *jen.Group) {
		childFields(g, n)
		if n.Stateful {
			g.Id("rt").Op("*").Qual(runtime, "Client")
			for _, c := range n.Carried {
				g.Id(c.ArgName).Add(typeExpr(c.Type))
			}
		}
	})
}

func childFields(g *jen.Group, n *model.Node) {
	for _, c := range n.Children {
		if c.Kind == model.NodeStatic {
			g.Add(doc(c.GoName, "leads to "+nodePath(c)+".", ""))
			g.Id(c.GoName).Id(c.TypeName)
		}
	}
}

// nodePath is the node's path template prefix.
func nodePath(n *model.Node) string {
	if n.Kind == model.NodeRoot {
		return ""
	}
	return nodePath(n.Parent) + "/" + n.Segment
}

// receiver is the receiver of a node's methods.
func receiver(n *model.Node) *jen.Statement {
	if n.Kind == model.NodeRoot {
		return jen.Id("n").Op("*").Id("Client")
	}
	return jen.Id("n").Id(n.TypeName)
}

// genParamMethod declares the method selecting a parameter's value.
func genParamMethod(f *jen.File, parent, c *model.Node) {
	cut(f)
	values := map[*model.Node]jen.Code{c: jen.Id(c.ArgName)}
	for _, p := range parent.Carried {
		values[p] = jen.Id("n").Dot(p.ArgName)
	}
	text := "selects {" + c.Param + "} of " + nodePath(c) + ". The value is validated and escaped when a request is made."
	if c.Loose {
		text += " The operations under it give the parameter different schemas, so it takes a string that each checks against its own."
	}
	f.Add(doc(c.GoName, text, ""))
	f.Func().Params(receiver(parent)).Id(c.GoName).Params(jen.Id(c.ArgName).Add(typeExpr(c.Type))).Id(c.TypeName).Block(
		jen.Return(nodeLiteral(c, jen.Id("n").Dot("rt"), values)),
	)
}

// nodeLiteral is the composite literal of a node and its static
// descendants, holding rt and the carried values.
func nodeLiteral(n *model.Node, rt jen.Code, values map[*model.Node]jen.Code) *jen.Statement {
	d := jen.Dict{}
	for _, c := range n.Children {
		if c.Kind == model.NodeStatic {
			d[jen.Id(c.GoName)] = nodeLiteral(c, rt, values)
		}
	}
	if n.Stateful || n.Kind == model.NodeRoot {
		d[jen.Id("rt")] = rt
		for _, c := range n.Carried {
			d[jen.Id(c.ArgName)] = values[c]
		}
	}
	return jen.Id(n.TypeName).Values(d)
}
