package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const discountCard = "../emit/testdata/discount_card/spec.yaml"

// dumpTree renders the chain: one node a line, indented, with its Go name,
// type, state and operations.
func dumpTree(n *Node, depth int, b *strings.Builder) {
	ops := make([]string, len(n.Operations))
	for i, op := range n.Operations {
		ops[i] = op.Method.String() + " " + op.GoName
	}
	fmt.Fprintf(b, "%s%s %s carried=%d stateful=%v %v\n", strings.Repeat("  ", depth), n.GoName, n.TypeName, len(n.Carried), n.Stateful, ops)
	for _, c := range n.Children {
		dumpTree(c, depth+1, b)
	}
}

func TestChainTree(t *testing.T) {
	api, diags := Build(loadSpec(t, discountCard), Options{})
	if api == nil {
		t.Fatal(diags)
	}
	var b strings.Builder
	dumpTree(api.Root, 0, &b)
	want := ` Client carried=0 stateful=false []
  V3 V3 carried=0 stateful=false []
    DiscountCard V3DiscountCard carried=0 stateful=false []
      Cards V3DiscountCardCards carried=0 stateful=true [POST PrepareCard]
        OutCardCode V3DiscountCardCardsOutCardCode carried=1 stateful=true [GET GetCard]
          AddUserRecords V3DiscountCardCardsOutCardCodeAddUserRecords carried=1 stateful=true [POST AddUserRecords]
      Orders V3DiscountCardOrders carried=0 stateful=true []
        OutOrderNo V3DiscountCardOrdersOutOrderNo carried=1 stateful=true [GET GetOrder PATCH UpdateOrder]
        OutTradeNo V3DiscountCardOrdersOutTradeNo carried=0 stateful=true []
          OutTradeNo V3DiscountCardOrdersOutTradeNoOutTradeNo carried=1 stateful=true [GET GetOrderByOutTradeNo]
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("chain tree (-want +got):\n%s", d)
	}
}

func TestOperationsForDocs(t *testing.T) {
	api, diags := Build(loadSpec(t, discountCard), Options{})
	if api == nil {
		t.Fatal(diags)
	}
	var got []string
	for _, op := range api.Operations {
		got = append(got, fmt.Sprintf("%s %s %s idem=%v dep=%v offline=%q status=%d %s", op.Method, op.Path, op.PathConst, op.Idempotent, op.Deprecated, op.OfflineSince, op.Status, op.Call))
	}
	want := []string{
		`POST /v3/discount-card/cards PathPrepareCard idem=false dep=false offline="" status=200 client.V3.DiscountCard.Cards.Post(ctx, req)`,
		`GET /v3/discount-card/cards/{out_card_code} PathGetCard idem=true dep=false offline="" status=200 client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").Get(ctx)`,
		`POST /v3/discount-card/cards/{out_card_code}/add-user-records PathAddUserRecords idem=true dep=false offline="" status=204 client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").AddUserRecords.Post(ctx, req)`,
		`GET /v3/discount-card/orders/out-trade-no/{out_trade_no} PathGetOrderByOutTradeNo idem=true dep=true offline="2020-03-26" status=200 client.V3.DiscountCard.Orders.OutTradeNo.OutTradeNo("6e8369071cd942c0476613f9d1ce9ca3").Get(ctx)`,
		`GET /v3/discount-card/orders/{out_order_no} PathGetOrder idem=true dep=true offline="" status=200 client.V3.DiscountCard.Orders.OutOrderNo("233bcbf407e87789b8e471f251774f95").Get(ctx)`,
		`PATCH /v3/discount-card/orders/{out_order_no} PathUpdateOrder idem=false dep=true offline="" status=200 client.V3.DiscountCard.Orders.OutOrderNo("233bcbf407e87789b8e471f251774f95").Patch(ctx, req)`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("operations (-want +got):\n%s", d)
	}
}

func TestNotificationsModel(t *testing.T) {
	api, _ := Build(loadSpec(t, discountCard), Options{})
	var got []string
	for _, n := range api.Notifications {
		got = append(got, n.Key+" "+n.GoName+" "+n.EventType+" "+n.ConstName+" "+n.Handler+" "+n.Payload.Name)
	}
	want := []string{
		"agreementEnded AgreementEnded DISCOUNT_CARD.AGREEMENT_ENDED EventTypeAgreementEnded OnAgreementEnded AgreementEndedResource",
		"userAccepted UserAccepted DISCOUNT_CARD.USER_ACCEPTED EventTypeUserAccepted OnUserAccepted UserAcceptedResource",
		"userPaid UserPaid DISCOUNT_CARD.USER_PAID EventTypeUserPaid OnUserPaid UserPaidResource",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("notifications (-want +got):\n%s", d)
	}
}
