package sandbox_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

var modes = []sandbox.Mode{sandbox.ModePublicKey, sandbox.ModeCertificate, sandbox.ModeBoth}

// TestCardLifecycle drives every discount-card operation and both simulated
// user actions through the generated client, in every key mode.
func TestCardLifecycle(t *testing.T) {
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withMode(mode))
			ctx := ctxT(t)
			cards := e.client.V3.DiscountCard.Cards
			tmpl := e.cfg.Template
			objective := tmpl.Objectives[0].ObjectiveID
			limited, unlimited := tmpl.Rewards[0], tmpl.Rewards[1]

			// prepareCard: a token; the same request again: the same token.
			token := e.prepare("card-1")
			if token == "" {
				t.Fatal("empty prepare_card_token")
			}
			if again := e.prepare("card-1"); again != token {
				t.Errorf("repeated prepareCard: token %q, want %q", again, token)
			}
			// The same out_card_code with another body is refused.
			_, _, err := cards.Post(ctx, &wechatpay.PrepareCardRequest{
				OutCardCode: "card-1", CardTemplateID: tmpl.CardTemplateID, AppID: "wx0000000000000001", NotifyURL: e.notifyURL,
			})
			apiErr(t, err, 400, "RESOURCE_ALREADY_EXISTS")

			// Not claimed yet: no card to show or record on.
			_, _, err = cards.OutCardCode("card-1").Get(ctx)
			apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")

			// The user claims it: USER_ACCEPTED with the template.
			if _, err := e.srv.Accept(ctx, "card-1", sandbox.AcceptOptions{OpenID: "oUser1"}); err != nil {
				t.Fatal(err)
			}
			n := e.next()
			if n.eventType != wechatpay.EventTypeUserAccepted || n.accepted.State != wechatpay.CardStateOngoing ||
				n.accepted.OpenID != "oUser1" || len(n.accepted.Objectives) != 1 || len(n.accepted.Rewards) != 2 ||
				n.accepted.Rewards[0].RewardID != limited.RewardID || n.accepted.Rewards[0].Amount != limited.Amount {
				t.Fatalf("USER_ACCEPTED: %+v", n.accepted)
			}
			if _, err := e.srv.Accept(ctx, "card-1", sandbox.AcceptOptions{}); err == nil {
				t.Error("a second accept succeeded")
			}

			// add-user-records, then the same request again (idempotent).
			records := &wechatpay.AddUserRecordsRequest{
				CardTemplateID:             tmpl.CardTemplateID,
				ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{completion(objective, "obj1", wechatpay.CompletionTypeIncrease, 1)},
				RewardUsageRecords: []wechatpay.RewardUsageRecord{
					usage(limited.RewardID, "use1", wechatpay.UsageTypeIncrease, 2, 600),
					usage(unlimited.RewardID, "use2", wechatpay.UsageTypeIncrease, 1, 500),
				},
			}
			addRecords := cards.OutCardCode("card-1").AddUserRecords
			for i := 0; i < 2; i++ {
				resp, err := addRecords.Post(ctx, records)
				if err != nil || resp.StatusCode != 204 {
					t.Fatalf("add-user-records #%d: %v %v", i, resp, err)
				}
			}
			// A reversal.
			if _, err := addRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
				CardTemplateID:     tmpl.CardTemplateID,
				RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(unlimited.RewardID, "use3", wechatpay.UsageTypeDecrease, 1, 200)},
			}); err != nil {
				t.Fatal(err)
			}

			// Business refusals, each leaving the card as it was.
			refused := []struct {
				name   string
				body   wechatpay.AddUserRecordsRequest
				status int
				code   string
				field  string
			}{
				{"unknown reward", wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
					RewardUsageRecords: []wechatpay.RewardUsageRecord{usage("999", "x1", wechatpay.UsageTypeIncrease, 1, 1)}},
					400, "PARAM_ERROR", "/reward_usage_records/0/reward_id"},
				{"unknown objective", wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
					ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{completion("999", "x2", wechatpay.CompletionTypeIncrease, 1)}},
					400, "PARAM_ERROR", "/objective_completion_records/0/objective_id"},
				{"beyond the reward's amount", wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
					RewardUsageRecords: []wechatpay.RewardUsageRecord{
						usage(unlimited.RewardID, "x3", wechatpay.UsageTypeIncrease, 1, 100),
						usage(unlimited.RewardID, "x4", wechatpay.UsageTypeIncrease, 1, unlimited.Amount)}},
					400, "PARAM_ERROR", "/reward_usage_records/1/amount"},
				{"beyond the reward's count", wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
					RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(limited.RewardID, "x5", wechatpay.UsageTypeIncrease, 3, 30)}},
					400, "PARAM_ERROR", "/reward_usage_records/0/usage_count"},
				{"reversing more than used", wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
					ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{completion(objective, "x6", wechatpay.CompletionTypeDecrease, 2)}},
					400, "PARAM_ERROR", "/objective_completion_records/0/completion_count"},
				{"another template", wechatpay.AddUserRecordsRequest{CardTemplateID: "0000",
					RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(limited.RewardID, "x7", wechatpay.UsageTypeIncrease, 1, 1)}},
					400, "PARAM_ERROR", "/card_template_id"},
			}
			for _, tc := range refused {
				_, err := addRecords.Post(ctx, &tc.body)
				ae := apiErr(t, err, tc.status, tc.code)
				var d struct{ Field, Location string }
				if json.Unmarshal(ae.Detail, &d); d.Field != tc.field || d.Location != "body" {
					t.Errorf("%s: detail %s, want field %s in body", tc.name, ae.Detail, tc.field)
				}
			}

			// getCard: records under their objective and reward, the total.
			card, _, err := cards.OutCardCode("card-1").Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if card.State != wechatpay.CardStateOngoing || card.OpenID != "oUser1" || card.MchID != e.cfg.MchID ||
				card.TotalAmount == nil || *card.TotalAmount != 600+500-200 {
				t.Errorf("card: %+v", card)
			}
			if got := len(card.Objectives[0].ObjectiveCompletionRecords); got != 1 {
				t.Errorf("%d objective records, want 1", got)
			}
			if a, b := len(card.Rewards[0].RewardUsageRecords), len(card.Rewards[1].RewardUsageRecords); a != 1 || b != 2 {
				t.Errorf("reward records %d and %d, want 1 and 2", a, b)
			}
			if r := card.Rewards[0].RewardUsageRecords[0]; r.RewardUsageSerialNo != "use1" || r.Amount != 600 || !r.UsageTime.Equal(records.RewardUsageRecords[0].UsageTime.Time) {
				t.Errorf("record %+v", r)
			}

			// The agreement ends unfinished: AGREEMENT_ENDED, then USER_PAID.
			if _, err := e.srv.End(ctx, "card-1", sandbox.EndOptions{State: "UNFINISHED", Reason: "EARLY_QUIT"}); err != nil {
				t.Fatal(err)
			}
			ended, paid := e.next(), e.next()
			if ended.eventType != wechatpay.EventTypeAgreementEnded || ended.ended.State != wechatpay.CardStateUnfinished ||
				*ended.ended.UnfinishedReason != wechatpay.UnfinishedReasonEarlyQuit || *ended.ended.TotalAmount != 900 ||
				len(ended.ended.Rewards[1].RewardUsageRecords) != 2 {
				t.Errorf("AGREEMENT_ENDED: %+v", ended.ended)
			}
			if paid.eventType != wechatpay.EventTypeUserPaid || paid.paid.PayInformation.PayAmount != 900 ||
				paid.paid.PayInformation.PayState != wechatpay.PayInformationPayStatePaid || paid.paid.PayInformation.TransactionID == nil {
				t.Errorf("USER_PAID: %+v", paid.paid)
			}
			card, _, err = cards.OutCardCode("card-1").Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if card.State != wechatpay.CardStateUnfinished || card.PayInformation == nil || card.PayInformation.PayAmount != 900 {
				t.Errorf("ended card: %+v", card)
			}
			if _, err := e.srv.End(ctx, "card-1", sandbox.EndOptions{State: "FINISHED"}); err == nil {
				t.Error("ending twice succeeded")
			}
			// Final: new records refused, a repeat of old ones still answers 204.
			_, err = addRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{CardTemplateID: tmpl.CardTemplateID,
				RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(limited.RewardID, "late", wechatpay.UsageTypeIncrease, 1, 1)}})
			apiErr(t, err, 400, "INVALID_REQUEST")
			if _, err := addRecords.Post(ctx, records); err != nil {
				t.Errorf("repeating old records on an ended card: %v", err)
			}

			// A card that finishes: AGREEMENT_ENDED only, no pay information.
			e.claim("card-2")
			if _, err := e.srv.End(ctx, "card-2", sandbox.EndOptions{State: "FINISHED"}); err != nil {
				t.Fatal(err)
			}
			if n := e.next(); n.eventType != wechatpay.EventTypeAgreementEnded || n.ended.State != wechatpay.CardStateFinished {
				t.Errorf("FINISHED: %+v", n)
			}
			// UNFINISHED with nothing to pay: no USER_PAID.
			e.claim("card-3")
			if _, err := e.srv.End(ctx, "card-3", sandbox.EndOptions{State: "UNFINISHED"}); err != nil {
				t.Fatal(err)
			}
			if n := e.next(); n.eventType != wechatpay.EventTypeAgreementEnded || *n.ended.UnfinishedReason != wechatpay.UnfinishedReasonDueToQuit {
				t.Errorf("UNFINISHED: %+v", n)
			}
			if err := e.srv.WaitNotifications(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case n := <-e.notes:
				t.Errorf("unexpected notification %s", n.eventType)
			default:
			}

			// Unknown cards.
			_, _, err = cards.OutCardCode("nope").Get(ctx)
			apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
			_, err = cards.OutCardCode("nope").AddUserRecords.Post(ctx, records)
			apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
			if _, err := e.srv.Accept(ctx, "nope", sandbox.AcceptOptions{}); err == nil {
				t.Error("accepting an unknown card succeeded")
			}

			// The legacy orders API: no such orders.
			orders := e.client.V3.DiscountCard.Orders
			_, _, err = orders.OutOrderNo("o1").Get(ctx)
			apiErr(t, err, 404, "ORDER_NOT_EXIST")
			_, _, err = orders.OutOrderNo("o1").Patch(ctx, &wechatpay.UpdateOrderRequest{})
			apiErr(t, err, 404, "ORDER_NOT_EXIST")
			_, _, err = orders.OutTradeNo.OutTradeNo("t1").Get(ctx)
			apiErr(t, err, 404, "ORDER_NOT_EXIST")

			// Platform certificates: served when the mode has them.
			list, _, err := e.client.V3.Certificates.Get(ctx, nil)
			if mode == sandbox.ModePublicKey {
				apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
			} else if err != nil || len(list.Data) != 1 || list.Data[0].SerialNo != e.cfg.PlatformSerial {
				t.Errorf("certificates: %+v %v", list, err)
			}

			// Notifications: signed with the public key, the certificate, or
			// (both) one and the other in turn.
			wantSerials := map[string]bool{e.cfg.PublicKeyID: true}
			switch mode {
			case sandbox.ModeCertificate:
				wantSerials = map[string]bool{e.cfg.PlatformSerial: true}
			case sandbox.ModeBoth:
				wantSerials[e.cfg.PlatformSerial] = true
			}
			e.mu.Lock()
			if !reflect.DeepEqual(e.serials, wantSerials) {
				t.Errorf("notification serials %v, want %v", e.serials, wantSerials)
			}
			e.mu.Unlock()

			if e.checked.Load() < 20 {
				t.Errorf("only %d answers validated", e.checked.Load())
			}
		})
	}
}

// TestResponseSerial checks the Wechatpay-Serial of answers per mode, with a
// client that has both kinds of material and one that has only certificates.
func TestResponseSerial(t *testing.T) {
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withMode(mode))
			certOnly := e.clientCfg
			certOnly.WechatPayPublicKeyID, certOnly.WechatPayPublicKeyFile = "", ""
			clients := map[string]*wechatpay.Client{"both": e.client}
			if mode != sandbox.ModePublicKey {
				clients["cert-only"] = e.newClient(certOnly)
			}
			for name, c := range clients {
				_, resp, err := c.V3.DiscountCard.Cards.OutCardCode("nope").Get(ctxT(t))
				apiErr(t, err, 404, "RESOURCE_NOT_EXISTS")
				_ = resp
				var ae *apiv3.APIError
				errors.As(err, &ae)
				want := e.cfg.PublicKeyID
				if mode == sandbox.ModeCertificate || (mode == sandbox.ModeBoth && name == "cert-only") {
					want = e.cfg.PlatformSerial
				}
				if got := ae.Header.Get("Wechatpay-Serial"); got != want {
					t.Errorf("%s client: Wechatpay-Serial %s, want %s", name, got, want)
				}
			}
		})
	}
}

// TestRequestErrors covers the checks before the business rules: the
// signature, the timestamp, the headers and the document.
func TestRequestErrors(t *testing.T) {
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withMode(mode))
			ctx := ctxT(t)
			get := func(c *wechatpay.Client) error {
				_, _, err := c.V3.DiscountCard.Cards.OutCardCode("card").Get(ctx)
				return err
			}

			// Signed with another key.
			other := e.clientCfg
			other.MerchantPrivateKeyFile = ""
			other.MerchantCertificateFile = ""
			other.MerchantPrivateKeyPEM = testkeys.MerchantKeyPEM // not the setup's key
			ae := apiErr(t, get(e.newClient(other)), 401, "SIGN_ERROR")
			var d struct {
				Field, Location string
				SignInformation struct {
					URL string `json:"url"`
				} `json:"sign_information"`
			}
			json.Unmarshal(ae.Detail, &d)
			if d.Field != "signature" || d.Location != "authorization" || d.SignInformation.URL != "/v3/discount-card/cards/card" {
				t.Errorf("SIGN_ERROR detail %s", ae.Detail)
			}
			// Another merchant serial, another mchid.
			wrongSerial := e.clientCfg
			wrongSerial.MerchantCertificateFile = ""
			wrongSerial.MerchantCertificateSerial = "0123456789ABCDEF0123456789ABCDEF01234567"
			apiErr(t, get(e.newClient(wrongSerial)), 401, "SIGN_ERROR")
			wrongMch := e.clientCfg
			wrongMch.MchID = "1900000000"
			apiErr(t, get(e.newClient(wrongMch)), 401, "SIGN_ERROR")
			// A clock 10 minutes behind: the timestamp is refused. The
			// answer is then itself 10 minutes ahead of that clock, so the
			// client may refuse it as skewed; accept either.
			late := e.newClient(e.clientCfg, apiv3.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }), apiv3.WithMaxSkew(time.Hour))
			ae = apiErr(t, get(late), 401, "SIGN_ERROR")
			if !strings.Contains(string(ae.Detail), "timestamp") {
				t.Errorf("stale timestamp detail %s", ae.Detail)
			}

			// The document: an invalid body (client-side validation skipped).
			_, _, err := e.client.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{
				OutCardCode: "bad code!", CardTemplateID: e.cfg.Template.CardTemplateID, AppID: "wxd678efh567hg6787", NotifyURL: e.notifyURL,
			}, apiv3.SkipValidation())
			ae = apiErr(t, err, 400, "PARAM_ERROR")
			json.Unmarshal(ae.Detail, &d)
			if d.Field != "/out_card_code" || d.Location != "body" {
				t.Errorf("PARAM_ERROR detail %s", ae.Detail)
			}
			// Two objective records in one call (maxItems 1).
			_, err = e.client.V3.DiscountCard.Cards.OutCardCode("card").AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
				CardTemplateID: e.cfg.Template.CardTemplateID,
				ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{
					completion("1", "a", wechatpay.CompletionTypeIncrease, 1), completion("1", "b", wechatpay.CompletionTypeIncrease, 1)},
			}, apiv3.SkipValidation())
			ae = apiErr(t, err, 400, "PARAM_ERROR")
			json.Unmarshal(ae.Detail, &d)
			if d.Field != "/objective_completion_records" {
				t.Errorf("maxItems detail %s", ae.Detail)
			}
			// A 4-byte character.
			_, err = e.client.V3.DiscountCard.Cards.OutCardCode("card").AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
				CardTemplateID: e.cfg.Template.CardTemplateID,
				RewardUsageRecords: []wechatpay.RewardUsageRecord{func() wechatpay.RewardUsageRecord {
					r := usage("1", "c", wechatpay.UsageTypeIncrease, 1, 1)
					r.Description = "买😀"
					return r
				}()},
			}, apiv3.SkipValidation())
			ae = apiErr(t, err, 400, "PARAM_ERROR")
			json.Unmarshal(ae.Detail, &d)
			if d.Field != "/reward_usage_records/0/description" {
				t.Errorf("4-byte detail %s", ae.Detail)
			}
			// A template the sandbox does not know, a notify_url it cannot reach.
			_, _, err = e.client.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{
				OutCardCode: "c1", CardTemplateID: "unknown", AppID: "wxd678efh567hg6787", NotifyURL: e.notifyURL})
			apiErr(t, err, 400, "PARAM_ERROR")
			for _, u := range []string{"https://example.com/notify", e.notifyURL + "?a=1", "ftp://127.0.0.1/x"} {
				_, _, err = e.client.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{
					OutCardCode: "c1", CardTemplateID: e.cfg.Template.CardTemplateID, AppID: "wxd678efh567hg6787", NotifyURL: u})
				ae = apiErr(t, err, 400, "PARAM_ERROR")
				if json.Unmarshal(ae.Detail, &d); d.Field != "/notify_url" {
					t.Errorf("notify_url %s: detail %s", u, ae.Detail)
				}
			}

			// Raw requests: no Accept, an unknown path, a wrong method.
			raw := func(method, path string, drop string) *http.Response {
				req, err := e.client.Runtime().NewRequest(ctx, &apiv3.Request{Method: method, Template: path, Path: path})
				if err != nil {
					t.Fatal(err)
				}
				if drop != "" {
					req.Header.Del(drop)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			if r := raw("GET", "/v3/discount-card/cards/card", "Accept"); r.StatusCode != 400 {
				t.Errorf("without Accept: %d", r.StatusCode)
			}
			if r := raw("GET", "/v3/discount-card/unknown", ""); r.StatusCode != 404 || r.Header.Get("Wechatpay-Signature") == "" {
				t.Errorf("unknown path: %d", r.StatusCode)
			}
			if r := raw("DELETE", "/v3/discount-card/cards/card", ""); r.StatusCode != 405 {
				t.Errorf("DELETE: %d", r.StatusCode)
			}
		})
	}
}
