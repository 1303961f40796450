// Command discountcard walks one 微信先享卡 (discount card) through its life
// against the local sandbox: prepare a card claim, let the user claim it,
// receive and decrypt the DISCOUNT_CARD.USER_ACCEPTED notification, record
// an objective completion and a reward usage, and read the card back.
//
//	go run ./cmd/wxpay-sandbox init ./sandbox
//	go run ./cmd/wxpay-sandbox serve -dir ./sandbox -addr 127.0.0.1:8780 &
//	go run ./examples/discountcard -dir ./sandbox -base-url http://127.0.0.1:8780
//
// Against WeChat Pay itself the calls are the same; only the claim, which
// the user makes in the 先享卡 mini program, is simulated here.
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
	verbose             bool
}

func main() {
	var o options
	var timeout time.Duration
	fs := newFlagSet(&o, &timeout)
	fs.Parse(os.Args[1:]) // ExitOnError

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "discountcard:", err)
		os.Exit(1)
	}
}

// newFlagSet is the command line. A back-quoted word of a usage string is
// the name -h shows for the flag's value: "`directory`", not
// "`wxpay-sandbox init`", which made -h print "-dir wxpay-sandbox init".
func newFlagSet(o *options, timeout *time.Duration) *flag.FlagSet {
	fs := flag.NewFlagSet("discountcard", flag.ExitOnError)
	fs.StringVar(&o.dir, "dir", "sandbox", "`directory` written by wxpay-sandbox init (wxpay.json, template.json)")
	fs.StringVar(&o.baseURL, "base-url", os.Getenv("WXPAY_BASE_URL"), "base `URL` of the sandbox (default $WXPAY_BASE_URL)")
	fs.StringVar(&o.appID, "appid", "wxd678efh567hg6787", "`AppID` bound to the merchant")
	fs.BoolVar(&o.verbose, "v", false, "print every HTTP attempt, retries included")
	fs.DurationVar(timeout, "timeout", 30*time.Second, "give up after this long")
	return fs
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
	templateID, err := cardTemplateID(o.dir)
	if err != nil {
		return err
	}
	var opts []apiv3.Option
	if o.verbose {
		opts = append(opts, apiv3.WithDebugHook(func(ev apiv3.DebugEvent) { printAttempt(w, ev) }))
	}
	client, err := wechatpay.NewClient(cfg, opts...)
	if err != nil {
		return err
	}

	// WeChat Pay POSTs the card's notifications to notify_url; the generated
	// handler verifies and decrypts them and calls the typed handler.
	accepted := make(chan *wechatpay.UserAcceptedResource, 1)
	handler := client.NotificationHandler(wechatpay.NotificationHandlers{
		OnUserAccepted: func(ctx context.Context, n *apiv3.Notification, r *wechatpay.UserAcceptedResource) error {
			select {
			case accepted <- r:
			default: // a repeated delivery
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
	fmt.Fprintln(w, "0. notifications  listening on", notifyURL)

	// 1. Prepare the claim; the token goes to the 先享卡 mini program.
	code := "demo-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	prepared, res, err := client.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{
		OutCardCode:    code,
		CardTemplateID: templateID,
		AppID:          o.appID,
		NotifyURL:      notifyURL,
	})
	if err != nil {
		return fmt.Errorf("prepareCard: %w", err)
	}
	fmt.Fprintf(w, "1. prepareCard    out_card_code=%s prepare_card_token=%s (Request-ID %s)\n", code, prepared.PrepareCardToken, res.RequestID)

	// 2. The user claims the card (simulated by the sandbox).
	if err := sandboxAccept(ctx, cfg.BaseURL, code); err != nil {
		return fmt.Errorf("accepting the card in the sandbox: %w", err)
	}
	fmt.Fprintf(w, "2. user claimed   the card (POST /sandbox/cards/%s/accept)\n", code)

	// 3. WeChat Pay tells us, with the objectives and rewards of the card.
	var card *wechatpay.UserAcceptedResource
	select {
	case card = <-accepted:
	case <-time.After(10 * time.Second):
		return errors.New("no DISCOUNT_CARD.USER_ACCEPTED notification within 10s")
	case <-ctx.Done():
		return fmt.Errorf("waiting for DISCOUNT_CARD.USER_ACCEPTED: %w", ctx.Err())
	}
	if len(card.Objectives) == 0 || len(card.Rewards) == 0 {
		return fmt.Errorf("USER_ACCEPTED for card %s lists no objective or no reward", card.CardID)
	}
	objective, reward := card.Objectives[0], card.Rewards[0]
	fmt.Fprintf(w, "3. USER_ACCEPTED  card_id=%s openid=%s objective %s %q, reward %s %q\n",
		card.CardID, card.OpenID, objective.ObjectiveID, objective.Name, reward.RewardID, reward.Name)

	// 4. The user bought something and used a coupon.
	cardAPI := client.V3.DiscountCard.Cards.OutCardCode(code)
	now := apiv3.NewTime(time.Now())
	serial := strconv.FormatInt(time.Now().UnixNano(), 36)
	res, err = cardAPI.AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
		CardTemplateID: templateID,
		ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "o" + serial,
			ObjectiveID:                 objective.ObjectiveID,
			CompletionTime:              now,
			CompletionType:              wechatpay.CompletionTypeIncrease,
			Description:                 "购买商品",
			CompletionCount:             1,
		}},
		RewardUsageRecords: []wechatpay.RewardUsageRecord{{
			RewardUsageSerialNo: "r" + serial,
			RewardID:            reward.RewardID,
			UsageTime:           now,
			UsageType:           wechatpay.UsageTypeIncrease,
			Description:         "使用优惠券",
			UsageCount:          1,
			Amount:              reward.Amount / max(reward.Count, 1),
		}},
	})
	if err != nil {
		return fmt.Errorf("addUserRecords: %w", err)
	}
	fmt.Fprintf(w, "4. addUserRecords HTTP %d (Request-ID %s)\n", res.StatusCode, res.RequestID)

	// 5. Read the card back.
	got, res, err := cardAPI.Get(ctx)
	if err != nil {
		return fmt.Errorf("getCard: %w", err)
	}
	fmt.Fprintf(w, "5. getCard        state=%s until %s (Request-ID %s)\n", got.State, got.TimeRange.EndTime.Format(time.DateOnly), res.RequestID)
	for _, obj := range got.Objectives {
		fmt.Fprintf(w, "   objective %s %q: %d record(s)\n", obj.ObjectiveID, obj.Name, len(obj.ObjectiveCompletionRecords))
	}
	for _, r := range got.Rewards {
		fmt.Fprintf(w, "   reward    %s %q: %d record(s)\n", r.RewardID, r.Name, len(r.RewardUsageRecords))
	}
	return nil
}

// printAttempt shows one HTTP attempt; retried calls show several.
func printAttempt(w io.Writer, ev apiv3.DebugEvent) {
	if ev.StatusCode == 0 {
		fmt.Fprintf(w, "   > %s %s: %v\n", ev.Method, ev.URL, ev.Err)
		return
	}
	fmt.Fprintf(w, "   > %s %s: HTTP %d in %v\n", ev.Method, ev.URL, ev.StatusCode, ev.Duration.Round(time.Millisecond))
}

// cardTemplateID reads the card template that `wxpay-sandbox init` wrote.
func cardTemplateID(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "template.json"))
	if err != nil {
		return "", err
	}
	var t struct {
		CardTemplateID string `json:"card_template_id"`
	}
	if err := json.Unmarshal(b, &t); err != nil || t.CardTemplateID == "" {
		return "", fmt.Errorf("%s: no card_template_id (%v)", filepath.Join(dir, "template.json"), err)
	}
	return t.CardTemplateID, nil
}

// sandboxAccept asks the sandbox to play the user claiming the card: an
// unsigned control endpoint that exists only there.
func sandboxAccept(ctx context.Context, baseURL, code string) error {
	url := strings.TrimSuffix(baseURL, "/") + "/sandbox/cards/" + apiv3.EscapePathParam(code) + "/accept"
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
