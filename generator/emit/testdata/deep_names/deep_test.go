package wechatpay

import "testing"

// The names chain parent and field, so a deep inline type reads like the
// path to it.
func TestDeepNames(t *testing.T) {
	r := CreateOrderRequest{Detail: &CreateOrderRequestDetail{GoodsList: []CreateOrderRequestDetailGoodsList{{
		Promotion: &CreateOrderRequestDetailGoodsListPromotion{Rule: &CreateOrderRequestDetailGoodsListPromotionRule{
			Kind: new(CreateOrderRequestDetailGoodsListPromotionRuleKind), X3RdParty: new(string), Type: new(string),
		}},
	}}}}
	*r.Detail.GoodsList[0].Promotion.Rule.Kind = CreateOrderRequestDetailGoodsListPromotionRuleKindFullReduction
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
}
