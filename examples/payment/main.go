// Command payment takes one payment through its life against the local
// sandbox: a JSAPI prepay, the front-end parameters signed for
// wx.requestPayment, the user's payment (simulated by the sandbox), the
// TRANSACTION.SUCCESS notification received and decrypted by the
// generated handler, the order queried as SUCCESS, a partial refund, and
// its REFUND.SUCCESS.
//
//	go run ./cmd/wxpay-sandbox init ./sandbox
//	go run ./cmd/wxpay-sandbox serve -dir ./sandbox -addr 127.0.0.1:8780 &
//	go run ./examples/payment -dir ./sandbox -base-url http://127.0.0.1:8780
//
// Against WeChat Pay itself the calls are the same; only the payment,
// which the user makes in WeChat, and the bank's settling of the refund
// are simulated here (POST /sandbox/orders/{out_trade_no}/pay and
// /sandbox/refunds/{out_refund_no}/success, the wxpay-sandbox pay and
// refund-success commands).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
)

type options struct {
	dir, baseURL, appID string
	total, refund       int64
}

func main() {
	var o options
	var timeout time.Duration
	fs := newFlagSet(&o, &timeout)
	fs.Parse(os.Args[1:]) // ExitOnError

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "payment:", err)
		os.Exit(1)
	}
}

func newFlagSet(o *options, timeout *time.Duration) *flag.FlagSet {
	fs := flag.NewFlagSet("payment", flag.ExitOnError)
	fs.StringVar(&o.dir, "dir", "sandbox", "`directory` written by wxpay-sandbox init (wxpay.json)")
	fs.StringVar(&o.baseURL, "base-url", os.Getenv("WXPAY_BASE_URL"), "base `URL` of the sandbox (default $WXPAY_BASE_URL)")
	fs.StringVar(&o.appID, "appid", "wxd678efh567hg6787", "`AppID` of the official account or mini program")
	fs.Int64Var(&o.total, "total", 100, "order `amount` in fen")
	fs.Int64Var(&o.refund, "refund", 30, "refund `amount` in fen")
	fs.DurationVar(timeout, "timeout", 30*time.Second, "give up after this long")
	return fs
}

// notifications is what the merchant's notification endpoint received,
// decrypted by the generated handler.
type notifications struct {
	paid     chan *wechatpay.Transaction
	refunded chan *wechatpay.RefundResource
}

func run(ctx context.Context, w io.Writer, o options) error {
	cfg, err := apiv3.LoadConfigFile(filepath.Join(o.dir, "wxpay.json"))
	if err != nil {
		return err
	}
	if o.baseURL != "" {
		cfg.BaseURL = o.baseURL
	}
	if cfg.BaseURL == "" {
		return errors.New("no sandbox to talk to: pass -base-url or set WXPAY_BASE_URL")
	}
	if o.total <= 0 || o.refund <= 0 || o.refund >= o.total {
		return fmt.Errorf("-refund %d must be a part of -total %d", o.refund, o.total)
	}
	client, err := wechatpay.NewClient(cfg)
	if err != nil {
		return err
	}

	// WeChat Pay POSTs TRANSACTION.SUCCESS and REFUND.* to notify_url; the
	// generated handler verifies and decrypts them and calls the typed
	// handler. A repeated delivery is acknowledged and dropped.
	got := notifications{paid: make(chan *wechatpay.Transaction, 1), refunded: make(chan *wechatpay.RefundResource, 1)}
	handler := client.NotificationHandler(wechatpay.NotificationHandlers{
		OnTransactionSuccess: func(_ context.Context, _ *apiv3.Notification, tx *wechatpay.Transaction) error {
			select {
			case got.paid <- tx:
			default:
			}
			return nil
		},
		OnRefundSuccess: func(_ context.Context, _ *apiv3.Notification, r *wechatpay.RefundResource) error {
			select {
			case got.refunded <- r:
			default:
			}
			return nil
		},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	notifyURL := "http://" + ln.Addr().String() + "/wxpay/notify"
	fmt.Fprintln(w, "0. notifications     listening on", notifyURL)

	// 1. The order, paid by this user inside WeChat.
	no := "demo" + strconv.FormatInt(time.Now().UnixNano(), 36)
	req := &wechatpay.JsapiPrepayRequest{
		AppID:       o.appID,
		MchID:       cfg.MchID,
		Description: "Image形象店-深圳腾大-QQ公仔",
		OutTradeNo:  no,
		NotifyURL:   notifyURL,
		Amount:      wechatpay.PrepayAmount{Total: o.total},
		Payer:       wechatpay.PrepayPayer{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	}
	prepay, res, err := client.V3.Pay.Transactions.Jsapi.Post(ctx, req)
	if oe := (*apiv3.OutcomeUnknownError)(nil); errors.As(err, &oe) {
		// The answer was lost: the order may exist. The runtime sends a payment
		// once; this code may send it again because it is the very same request
		// (same out_trade_no, same body), which WeChat Pay answers with the same
		// prepay_id instead of a second order, unless the order is already paid
		// or closed: the query tells.
		fmt.Fprintf(w, "1. jsapiPrepay       outcome unknown: asking %s\n", oe.SettledBy)
		state, _, qerr := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo(no).Get(ctx, nil)
		switch {
		case qerr == nil && state.TradeState != wechatpay.TransactionTradeStateNotpay:
			return fmt.Errorf("jsapiPrepay: order %s is already %s", no, state.TradeState)
		case qerr != nil && !apiv3.IsCode(qerr, "ORDER_NOT_EXIST"):
			return fmt.Errorf("jsapiPrepay: %w; querying it: %w", err, qerr)
		}
		prepay, res, err = client.V3.Pay.Transactions.Jsapi.Post(ctx, req)
	}
	if err != nil {
		return fmt.Errorf("jsapiPrepay: %w", err)
	}
	fmt.Fprintf(w, "1. jsapiPrepay       out_trade_no=%s prepay_id=%s (Request-ID %s)\n", no, prepay.PrepayID, res.RequestID)

	// 2. What the page passes to wx.requestPayment, signed with the merchant key.
	params, err := client.Runtime().JSAPIPayParams(o.appID, prepay.PrepayID)
	if err != nil {
		return err
	}
	js, err := json.Marshal(params)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. front end         %s\n", js)

	// 3. The user pays (simulated by the sandbox).
	if err := sandboxControl(ctx, cfg.BaseURL, "/sandbox/orders/"+apiv3.EscapePathParam(no)+"/pay"); err != nil {
		return fmt.Errorf("paying in the sandbox: %w", err)
	}
	fmt.Fprintf(w, "3. user paid         (POST /sandbox/orders/%s/pay)\n", no)

	// 4. WeChat Pay tells us.
	var tx *wechatpay.Transaction
	if err := wait(ctx, got.paid, &tx, "TRANSACTION.SUCCESS"); err != nil {
		return err
	}
	if tx.OutTradeNo != no || tx.TransactionID == nil || tx.Amount == nil || tx.Amount.PayerTotal == nil {
		return fmt.Errorf("TRANSACTION.SUCCESS for %s lacks the payment: %+v", tx.OutTradeNo, tx)
	}
	fmt.Fprintf(w, "4. TRANSACTION.SUCCESS transaction_id=%s trade_state=%s payer_total=%d\n", *tx.TransactionID, tx.TradeState, *tx.Amount.PayerTotal)

	// 5. A notification is only a hint to act on: the query is the truth.
	order, res, err := client.V3.Pay.Transactions.OutTradeNo.OutTradeNo(no).Get(ctx, nil)
	if err != nil {
		return fmt.Errorf("queryOrderByOutTradeNo: %w", err)
	}
	if order.TradeState != wechatpay.TransactionTradeStateSuccess {
		return fmt.Errorf("order %s is %s, not SUCCESS", no, order.TradeState)
	}
	fmt.Fprintf(w, "5. queryOrder        trade_state=%s (%s) (Request-ID %s)\n", order.TradeState, order.TradeStateDesc, res.RequestID)

	// 6. Part of it goes back to the user.
	refundNo := no + "-r1"
	refund, res, err := client.V3.Refund.Domestic.Refunds.Post(ctx, &wechatpay.CreateRefundRequest{
		TransactionID: tx.TransactionID,
		OutRefundNo:   refundNo,
		Reason:        apiv3.Ptr("商品已售完"),
		Amount:        wechatpay.CreateRefundRequestAmount{Refund: o.refund, Total: o.total, Currency: "CNY"},
	})
	if err != nil {
		return fmt.Errorf("createRefund: %w", err)
	}
	fmt.Fprintf(w, "6. createRefund      out_refund_no=%s refund=%d of %d status=%s (Request-ID %s)\n", refundNo, refund.Amount.Refund, refund.Amount.Total, refund.Status, res.RequestID)

	// 7. The refund reaches the user (simulated by the sandbox).
	if err := sandboxControl(ctx, cfg.BaseURL, "/sandbox/refunds/"+apiv3.EscapePathParam(refundNo)+"/success"); err != nil {
		return fmt.Errorf("settling the refund in the sandbox: %w", err)
	}
	fmt.Fprintf(w, "7. refund settled    (POST /sandbox/refunds/%s/success)\n", refundNo)

	// 8. WeChat Pay tells us.
	var r *wechatpay.RefundResource
	if err := wait(ctx, got.refunded, &r, "REFUND.SUCCESS"); err != nil {
		return err
	}
	fmt.Fprintf(w, "8. REFUND.SUCCESS    refund_id=%s refund_status=%s refund=%d to %s\n", r.RefundID, r.RefundStatus, r.Amount.Refund, r.UserReceivedAccount)

	order, res, err = client.V3.Pay.Transactions.OutTradeNo.OutTradeNo(no).Get(ctx, nil)
	if err != nil {
		return fmt.Errorf("queryOrderByOutTradeNo: %w", err)
	}
	fmt.Fprintf(w, "9. queryOrder        trade_state=%s (%s) (Request-ID %s)\n", order.TradeState, order.TradeStateDesc, res.RequestID)
	return nil
}

// wait receives one notification's resource into out, within 10 s.
func wait[T any](ctx context.Context, c <-chan T, out *T, event string) error {
	select {
	case *out = <-c:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("no %s notification within 10s", event)
	case <-ctx.Done():
		return fmt.Errorf("waiting for %s: %w", event, ctx.Err())
	}
}

// sandboxControl asks the sandbox to play the user or the bank: an
// unsigned control endpoint that exists only there.
func sandboxControl(ctx context.Context, baseURL, path string) error {
	url := strings.TrimSuffix(baseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("{}")))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Code, Message string }
		json.NewDecoder(resp.Body).Decode(&e)
		return fmt.Errorf("%s: %s %s", resp.Status, e.Code, e.Message)
	}
	return nil
}
