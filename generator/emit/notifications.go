package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// genNotificationsFile declares the event types, NotificationHandlers, its
// Dispatch and Client.NotificationHandler.
func genNotificationsFile(f *jen.File, api *model.API) bool {
	if len(api.Notifications) == 0 {
		return false
	}
	genEventTypes(f, api.Notifications)
	genHandlers(f, api.Notifications)
	genDispatch(f, api.Notifications)
	genServe(f)
	return true
}

// genServe declares Client.NotificationHandler, which forwards the
// runtime's notification options (a shared deduper, limits, an error hook),
// variadic so that calls without options keep compiling.
func genServe(f *jen.File) {
	f.Add(note("NotificationHandler serves notifications: the runtime verifies, checks the time of\nand decrypts each one, and dispatches it through h once: a redelivery of a\nnotification already handled is acknowledged without calling h, and one that\narrives while another delivery of it is being handled is answered 409 so that\nWeChat Pay retries it later. It answers 204 when the handler returns nil and\n500 otherwise (WeChat Pay then retries). opts are the runtime's notification\noptions, e.g. apiv3.WithDeduper with a store shared by every instance behind\nthe notify URL (the default remembers ids in this process only)."))
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("NotificationHandler").Params(
		jen.Id("h").Id("NotificationHandlers"),
		jen.Id("opts").Op("...").Qual(runtime, "NotificationOption"),
	).Qual("net/http", "Handler").Block(
		jen.Return(jen.Id("c").Dot("rt").Dot("NotificationHandler").Call(jen.Id("h").Dot("Dispatch"), jen.Id("opts").Op("..."))),
	)
}

func genEventTypes(f *jen.File, ns []*model.Notification) {
	f.Add(note("Event types of the notifications the spec declares."))
	f.Const().DefsFunc(func(g *jen.Group) {
		for _, n := range ns {
			g.Add(doc(n.ConstName, "is the event type of "+n.Key+": "+n.Summary+".", ""))
			g.Id(n.ConstName).Op("=").Lit(n.EventType)
		}
	})
}

func genHandlers(f *jen.File, ns []*model.Notification) {
	f.Add(note("NotificationHandlers routes verified, decrypted notifications to typed handlers\nby event type. Serve them with Client.NotificationHandler."))
	f.Type().Id("NotificationHandlers").StructFunc(func(g *jen.Group) {
		for _, n := range ns {
			g.Add(doc(n.Handler, "handles "+n.EventType+", "+n.Summary+"; the resource decrypts to a "+n.Payload.Name+".", ""))
			g.Id(n.Handler).Func().Params(handlerArgs(jen.Op("*").Id(n.Payload.Name))...).Error()
		}
		g.Add(note("OnUnknown handles event types the spec does not declare, and declared ones\nwhose handler is nil. When it is nil too, Dispatch returns an error, so the\nnotification is answered with a failure and WeChat Pay sends it again later."))
		g.Id("OnUnknown").Func().Params(handlerArgs()...).Error()
	})
}

func handlerArgs(extra ...jen.Code) []jen.Code {
	args := []jen.Code{jen.Id("ctx").Qual("context", "Context"), jen.Id("n").Op("*").Qual(runtime, "Notification")}
	for _, e := range extra {
		args = append(args, jen.Id("r").Add(e))
	}
	return args
}

func genDispatch(f *jen.File, ns []*model.Notification) {
	f.Add(note("Dispatch decodes n's plaintext into the payload of its event type and calls\nthat event's handler; see OnUnknown for the rest."))
	f.Func().Params(jen.Id("h").Op("*").Id("NotificationHandlers")).Id("Dispatch").Params(handlerArgs()...).Error().Block(
		jen.Switch(jen.Id("n").Dot("EventType")).BlockFunc(func(g *jen.Group) {
			for _, n := range ns {
				g.Case(jen.Id(n.ConstName)).Block(dispatchCase(n))
			}
		}),
		jen.If(jen.Id("h").Dot("OnUnknown").Op("!=").Nil()).Block(jen.Return(jen.Id("h").Dot("OnUnknown").Call(jen.Id("ctx"), jen.Id("n")))),
		jen.Return(jen.Qual("errors", "New").Call(jen.Lit("wechatpay: no handler for notification event type ").Op("+").Id("n").Dot("EventType"))),
	)
}

func dispatchCase(n *model.Notification) jen.Code {
	return jen.If(jen.Id("h").Dot(n.Handler).Op("!=").Nil()).Block(
		jen.Var().Id("r").Id(n.Payload.Name),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("n").Dot("Plaintext"), jen.Op("&").Id("r")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("wechatpay: decode "+n.EventType+" resource: %w"), jen.Err())),
		),
		jen.Return(jen.Id("h").Dot(n.Handler).Call(jen.Id("ctx"), jen.Id("n"), jen.Op("&").Id("r"))),
	)
}
