package wxpaytest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

// TestOutcomeUnknownIsNeverResent: the kit processes a refund and then
// drops the connection (a lost answer, as a timeout after sending is). The
// client must not send the refund again: the error says the outcome is
// unknown and names the refund query, and the kit saw one request. The
// query then answers.
func TestOutcomeUnknownIsNeverResent(t *testing.T) {
	kit := wxpaytest.Start(t, wxpaytest.FS(spec.FS))
	kit.Inject(wxpaytest.Fault{Kind: wxpaytest.FaultDropAfter, Operation: "createRefund", Times: 1})
	c := newClient(t, kit.Config())
	ctx := context.Background()

	refund := &wechatpay.CreateRefundRequest{OutTradeNo: apiv3.Ptr("T-1"), OutRefundNo: "R-1",
		Amount: wechatpay.CreateRefundRequestAmount{Refund: 1, Total: 1, Currency: "CNY"}}
	_, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, refund)
	var oe *apiv3.OutcomeUnknownError
	if !errors.Is(err, apiv3.ErrOutcomeUnknown) || !errors.As(err, &oe) ||
		oe.SettledBy != "queryRefundByOutRefundNo (GET /v3/refund/domestic/refunds/{out_refund_no})" {
		t.Fatalf("refund with a lost answer: %v", err)
	}
	calls := kit.Calls("createRefund")
	if len(calls) != 1 || !calls[0].Dropped || !calls[0].Verified {
		t.Fatalf("the kit saw %d refund requests (%+v), want one, dropped after it was processed", len(calls), calls)
	}
	if _, _, err := c.V3.Refund.Domestic.Refunds.OutRefundNo(refund.OutRefundNo).Get(ctx); err != nil {
		t.Errorf("the settling query: %v", err)
	}
}
