package wechatpay_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// seedRequest is the add-user-records request of the seed page: valid.
func seedRequest() *wechatpay.AddUserRecordsRequest {
	return &wechatpay.AddUserRecordsRequest{
		CardTemplateID: "87789b2f25177433bcbf407e8e471f95",
		ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "578354545",
			ObjectiveID:                 "123456",
			CompletionTime:              apiv3.MustParseTime("2015-05-20T13:29:35.120+08:00"),
			CompletionType:              wechatpay.CompletionTypeIncrease,
			Description:                 "购买商品",
			CompletionCount:             1,
			Remark:                      apiv3.Ptr("特价商品"),
		}},
		RewardUsageRecords: []wechatpay.RewardUsageRecord{{
			RewardUsageSerialNo: "578354",
			RewardID:            "123456",
			UsageTime:           apiv3.MustParseTime("2015-05-20T13:29:35.120+08:00"),
			UsageType:           wechatpay.UsageTypeIncrease,
			Description:         "购买商品",
			UsageCount:          1,
			Amount:              100,
			Remark:              apiv3.Ptr("特价商品"),
		}},
	}
}

func TestValidateSeedRequestIsValid(t *testing.T) {
	if err := seedRequest().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateEveryConstraintKind breaks one constraint at a time and
// expects exactly that violation, with its dotted path and JSON Pointer.
func TestValidateEveryConstraintKind(t *testing.T) {
	cases := []struct {
		name          string
		mutate        func(r *wechatpay.AddUserRecordsRequest)
		field, ptr    string
		rule          string
		alsoViolation bool // a second rule may fire on the same value (pattern after length)
	}{
		{"required string left empty", func(r *wechatpay.AddUserRecordsRequest) { r.CardTemplateID = "" },
			"card_template_id", "/card_template_id", "required", false},
		{"required time left zero", func(r *wechatpay.AddUserRecordsRequest) {
			r.ObjectiveCompletionRecords[0].CompletionTime = apiv3.Time{}
		},
			"objective_completion_records[0].completion_time", "/objective_completion_records/0/completion_time", "required", false},
		{"maxLength in code points", func(r *wechatpay.AddUserRecordsRequest) { r.CardTemplateID = strings.Repeat("卡", 65) },
			"card_template_id", "/card_template_id", "maxLength", false},
		{"64 Chinese characters are within 64", func(r *wechatpay.AddUserRecordsRequest) { r.CardTemplateID = strings.Repeat("卡", 64) },
			"", "", "", false},
		{"enum", func(r *wechatpay.AddUserRecordsRequest) { r.ObjectiveCompletionRecords[0].CompletionType = "INCREASED" },
			"objective_completion_records[0].completion_type", "/objective_completion_records/0/completion_type", "enum", false},
		{"pattern", func(r *wechatpay.AddUserRecordsRequest) {
			r.ObjectiveCompletionRecords[0].ObjectiveCompletionSerialNo = "578-354"
		},
			"objective_completion_records[0].objective_completion_serial_no", "/objective_completion_records/0/objective_completion_serial_no", "pattern", false},
		{"minimum", func(r *wechatpay.AddUserRecordsRequest) { r.RewardUsageRecords[0].Amount = 0 },
			"reward_usage_records[0].amount", "/reward_usage_records/0/amount", "minimum", false},
		{"maxItems", func(r *wechatpay.AddUserRecordsRequest) {
			r.ObjectiveCompletionRecords = append(r.ObjectiveCompletionRecords, r.ObjectiveCompletionRecords[0])
		}, "objective_completion_records", "/objective_completion_records", "maxItems", false},
		{"4-byte UTF-8", func(r *wechatpay.AddUserRecordsRequest) { r.RewardUsageRecords[0].Description = "买😀" },
			"reward_usage_records[0].description", "/reward_usage_records/0/description", "utf8mb4", false},
		{"optional pointer checked when set", func(r *wechatpay.AddUserRecordsRequest) { r.RewardUsageRecords[0].Remark = apiv3.Ptr("") },
			"reward_usage_records[0].remark", "/reward_usage_records/0/remark", "minLength", false},
		{"optional pointer absent is fine", func(r *wechatpay.AddUserRecordsRequest) { r.RewardUsageRecords[0].Remark = nil },
			"", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := seedRequest()
			tc.mutate(r)
			err := r.Validate()
			if tc.rule == "" {
				if err != nil {
					t.Fatalf("unexpected violation: %v", err)
				}
				return
			}
			var ve *apiv3.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want *apiv3.ValidationError", err)
			}
			if len(ve.Violations) != 1 {
				t.Fatalf("violations %+v, want exactly one", ve.Violations)
			}
			v := ve.Violations[0]
			if v.In != "body" || v.Field != tc.field || v.Pointer != tc.ptr || v.Rule != tc.rule {
				t.Errorf("violation %+v, want body %s %s %s", v, tc.field, tc.ptr, tc.rule)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name %s", err, tc.field)
			}
		})
	}
}

func TestValidateReportsEveryViolation(t *testing.T) {
	r := seedRequest()
	r.CardTemplateID = ""
	r.ObjectiveCompletionRecords[0].CompletionType = "X"
	r.RewardUsageRecords[0].UsageCount = -1
	var ve *apiv3.ValidationError
	if !errors.As(r.Validate(), &ve) || len(ve.Violations) != 3 {
		t.Fatalf("want 3 violations, got %v", r.Validate())
	}
}

func TestPrepareCardRequestValidation(t *testing.T) {
	r := &wechatpay.PrepareCardRequest{OutCardCode: "a/b", CardTemplateID: "t", AppID: "wx123", NotifyURL: "https://example.com/notify"}
	var ve *apiv3.ValidationError
	if !errors.As(r.Validate(), &ve) {
		t.Fatal("want violations")
	}
	rules := map[string]string{}
	for _, v := range ve.Violations {
		rules[v.Field] = v.Rule
	}
	if rules["out_card_code"] != "pattern" || rules["appid"] != "minLength" {
		t.Errorf("violations %+v", ve.Violations)
	}
}

// TestInvalidBodyIsNotSent: a request that fails Validate never reaches the
// server; SkipValidation sends it anyway and the server refuses it.
func TestInvalidBodyIsNotSent(t *testing.T) {
	srv, client := newServerAndClient(t, "discount-card.yaml", wxtest.Options{})
	r := seedRequest()
	r.ObjectiveCompletionRecords[0].CompletionType = "SIDEWAYS"
	leaf := client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").AddUserRecords
	_, err := leaf.Post(ctxT(t), r)
	var ve *apiv3.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Post = %v, want a validation error", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("server saw %d requests", n)
	}
	_, err = leaf.Post(ctxT(t), r, apiv3.SkipValidation())
	var apiErr *apiv3.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "PARAM_ERROR" {
		t.Fatalf("with SkipValidation: %v, want the server's 400 PARAM_ERROR", err)
	}
}

// TestPathInjectionIsRefused: values that could change the endpoint are
// refused before any byte is sent, with an error naming the parameter.
func TestPathInjectionIsRefused(t *testing.T) {
	srv, client := newServerAndClient(t, "discount-card.yaml", wxtest.Options{})
	for _, code := range []string{"", ".", "..", "../orders/x", "a/b", "a?b=1", "a#b", "a b", "a\x00b", "a\nb", "a%2Fb", "卡号", "😀", strings.Repeat("a", 33)} {
		_, _, err := client.V3.DiscountCard.Cards.OutCardCode(code).Get(ctxT(t))
		var ve *apiv3.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("OutCardCode(%q): %v, want a validation error", code, err)
			continue
		}
		for _, v := range ve.Violations {
			if v.In != "path" || v.Field != "out_card_code" {
				t.Errorf("OutCardCode(%q): violation %+v, want path out_card_code", code, v)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("server saw %d requests", n)
	}
}

func TestChainWalkAllocatesNothing(t *testing.T) {
	client, err := wechatpay.NewClient(testConfig("https://api.mch.weixin.qq.com"))
	if err != nil {
		t.Fatal(err)
	}
	var sink wechatpay.V3DiscountCardCardsOutCardCodeAddUserRecords
	allocs := testing.AllocsPerRun(100, func() {
		sink = client.V3.DiscountCard.Cards.OutCardCode("6e8369071cd942c0476613f9d1ce9ca3").AddUserRecords
	})
	_ = sink
	if allocs != 0 {
		t.Errorf("walking the chain allocates %.0f times, want 0", allocs)
	}
}

func TestValidateAllocatesNothingWhenValid(t *testing.T) {
	r := seedRequest()
	allocs := testing.AllocsPerRun(100, func() {
		if r.Validate() != nil {
			t.Fatal("invalid")
		}
	})
	if allocs != 0 {
		t.Errorf("Validate allocates %.0f times on a valid request, want 0", allocs)
	}
}

func TestEnumsAcceptUnknownValuesWhenDecoding(t *testing.T) {
	var c wechatpay.Card
	if err := jsonUnmarshal(`{"state":"SOMETHING_NEW"}`, &c); err != nil {
		t.Fatal(err)
	}
	if c.State != "SOMETHING_NEW" || c.State.Valid() {
		t.Errorf("state %q valid=%v", c.State, c.State.Valid())
	}
	if !wechatpay.CardStateOngoing.Valid() {
		t.Error("ONGOING not valid")
	}
}
