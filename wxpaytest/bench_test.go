package wxpaytest_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/spec"
	"github.com/wxpaygen/wxpaygen/wxpaytest"
)

// BenchmarkKitCall is what one call costs a user's test: the generated
// client signs (RSA), the kit verifies (RSA), routes, validates, answers
// with the example, signs (RSA), and the client verifies (RSA) and decodes.
func BenchmarkKitCall(b *testing.B) {
	for _, op := range []string{"getCard", "createRefund"} {
		b.Run(op, func(b *testing.B) {
			kit := wxpaytest.Start(b, wxpaytest.FS(spec.FS))
			c := newClient(b, kit.Config())
			call := benchCall(b, kit, c, op)
			call() // the example is built once, on first use
			b.ResetTimer()
			cpu := processCPU()
			for b.Loop() {
				if err := call(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/call")
		})
	}
}

// BenchmarkKitParallel: many tests calling one kit at once (goroutines =
// parallelism x GOMAXPROCS); calls/s is the kit's throughput for them.
func BenchmarkKitParallel(b *testing.B) {
	for _, p := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("goroutines=%dxGOMAXPROCS", p), func(b *testing.B) {
			kit := wxpaytest.Start(b, wxpaytest.FS(spec.FS))
			c := newClient(b, kit.Config())
			call := benchCall(b, kit, c, "getCard")
			call()
			b.SetParallelism(p)
			b.ResetTimer()
			cpu := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call(); err != nil {
						b.Error(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/call")
		})
	}
}

// processCPU is the CPU time of the test process so far: on a shared,
// busy machine a steadier measure of cost than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchCall is one call of op: getCard's example, or the repeat of a
// refund of a paid order (the payment core's idempotent answer).
func benchCall(b *testing.B, kit *wxpaytest.Kit, c *wechatpay.Client, op string) func() error {
	ctx := context.Background()
	if op == "createRefund" {
		prepay(b, c, "T1", 1)
		kit.Pay("T1")
		return func() error {
			_, _, err := c.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{
				OutTradeNo: new("T1"), OutRefundNo: "R1", Amount: wechatpay.CreateRefundRequestAmount{Refund: 1, Total: 1, Currency: "CNY"}})
			return err
		}
	}
	card := c.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3")
	return func() error { _, _, err := card.Get(ctx); return err }
}
