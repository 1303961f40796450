package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genClientFile declares the version guard, Client, NewClient, Chain and
// Runtime.
func genClientFile(f *jen.File, api *model.API) bool {
	f.Const().Id("_").Op("=").Qual(runtime, "SupportPackageIsVersion4").Comment("compile error here: regenerate with a wxpaygen matching your apiv3 (go generate), or update apiv3")
	f.Line()
	genClientType(f, api.Root)
	genNewClient(f, api.Root)
	f.Add(note("Chain returns the untyped endpoint of a path template, e.g.\nc.Chain(\"v3/discount-card/cards/{out_card_code}\"): the same escaping,\nvalidation of path values, signing and verification as the typed chain."))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("Chain").Params(jen.Id("template").String()).Op("*").Qual(runtime, "Endpoint").Block(
		jen.Return(jen.Id("c").Dot("rt").Dot("Chain").Call(jen.Id("template"))),
	)
	f.Add(note("Runtime returns the runtime client the chain calls through."))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("Runtime").Params().Op("*").Qual(runtime, "Client").Block(
		jen.Return(jen.Id("c").Dot("rt")),
	)
	return true
}

func genClientType(f *jen.File, root *model.Node) {
	f.Add(note("Client calls the WeChat Pay API: walk the chain from its fields, e.g.\nc.V3.DiscountCard.Cards.Post(ctx, req). It is safe for concurrent use."))
	f.Type().Id("Client").StructFunc(func(g *jen.Group) {
		childFields(g, root)
		g.Id("rt").Op("*").Qual(runtime, "Client")
	})
}

func genNewClient(f *jen.File, root *model.Node) {
	f.Add(note("NewClient makes a Client from cfg and options; see apiv3.NewClient."))
	f.Func().Id("NewClient").Params(jen.Id("cfg").Qual(runtime, "Config"), jen.Id("opts").Op("...").Qual(runtime, "Option")).Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		jen.List(jen.Id("rt"), jen.Err()).Op(":=").Qual(runtime, "NewClient").Call(jen.Id("cfg"), jen.Id("opts").Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Op("&").Add(nodeLiteral(root, jen.Id("rt"), nil)), jen.Nil()),
	)
}
