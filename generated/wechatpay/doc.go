// Package wechatpay is the WeChat Pay APIv3 client that wxpaygen generates
// from the OpenAPI documents in spec/. Only this file, generate.go and the
// tests are written by hand; every *.gen.go file and docs/ are generated.
//
// Calls mirror the PHP SDK's property chain, with types:
//
//	client, err := wechatpay.NewClient(cfg)
//	card, _, err := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctx)
//
// Every request is validated against the spec's constraints and signed, and
// every response is verified before it is decoded; see package apiv3.
// docs/README.md lists the operations with their fields and a Go call each.
package wechatpay
