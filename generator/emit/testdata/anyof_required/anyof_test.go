package wechatpay

import (
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestOneOfIsRequired(t *testing.T) {
	r := CreateRefundRequest{OutRefundNo: "r1", SubMchID: apiv3.Ptr("m")}
	var ve *apiv3.ValidationError
	if !errors.As(r.Validate(), &ve) || len(ve.Violations) != 1 {
		t.Fatalf("got %v", r.Validate())
	}
	v := ve.Violations[0]
	if v.Rule != "required" || v.Field != "transaction_id" || v.Message != "one of transaction_id, out_trade_no, sub_mchid + sub_order_no is required" {
		t.Errorf("violation = %+v", v)
	}
	for _, ok := range []CreateRefundRequest{
		{OutRefundNo: "r1", TransactionID: apiv3.Ptr("t")},
		{OutRefundNo: "r1", OutTradeNo: apiv3.Ptr("o")},
		{OutRefundNo: "r1", SubMchID: apiv3.Ptr("m"), SubOrderNo: apiv3.Ptr("s")},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}
