package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// operation answers a request that passed authentication and validation.
type operation func(s *Server, ctx context.Context, rt *gateway.Route, body []byte) (*gateway.Response, *gateway.Error)

var operations = map[string]operation{
	"prepareCard":          (*Server).prepareCard,
	"getCard":              (*Server).getCard,
	"addUserRecords":       (*Server).addUserRecords,
	"updateOrder":          (*Server).legacyOrder,
	"getOrder":             (*Server).legacyOrder,
	"getOrderByOutTradeNo": (*Server).legacyOrder,
	"listCertificates":     (*Server).listCertificates,
}

func decodeBody(body []byte, v any) *gateway.Error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		// Validation passed, so this is a type the sandbox did not expect.
		return &gateway.Error{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: "参数错误：" + err.Error(),
			Detail: map[string]any{"field": "/", "location": "body", "issue": err.Error()}}
	}
	return nil
}

type prepareCardRequest struct {
	OutCardCode    string `json:"out_card_code"`
	CardTemplateID string `json:"card_template_id"`
	AppID          string `json:"appid"`
	NotifyURL      string `json:"notify_url"`
}

// prepareCard stores a pending card and returns its token. Repeating the
// request for a pending card with the same body returns the same token;
// any other reuse of an out_card_code is RESOURCE_ALREADY_EXISTS.
func (s *Server) prepareCard(ctx context.Context, _ *gateway.Route, body []byte) (*gateway.Response, *gateway.Error) {
	var req prepareCardRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	if req.CardTemplateID != s.cfg.Template.CardTemplateID {
		return nil, gateway.ParamError("/card_template_id", "body", "unknown card template",
			"参数错误：先享卡模板不存在："+req.CardTemplateID)
	}
	if e := checkNotifyURL(req.NotifyURL); e != nil {
		return nil, e
	}
	st := s.store
	st.mu.Lock()
	if c := st.cards[req.OutCardCode]; c != nil {
		st.mu.Unlock()
		if c.State == statePending && c.CardTemplateID == req.CardTemplateID && c.AppID == req.AppID && c.NotifyURL == req.NotifyURL {
			return gateway.JSONResponse(http.StatusOK, map[string]string{"prepare_card_token": c.Token}), nil
		}
		return nil, &gateway.Error{Status: http.StatusBadRequest, Code: "RESOURCE_ALREADY_EXISTS",
			Message: "商户领卡号已存在：" + req.OutCardCode,
			Detail:  map[string]any{"field": "/out_card_code", "location": "body", "issue": "out_card_code already used"}}
	}
	c := &card{
		OutCardCode:    req.OutCardCode,
		CardTemplateID: req.CardTemplateID,
		AppID:          req.AppID,
		NotifyURL:      req.NotifyURL,
		Token:          gateway.RandomString(32),
		PreparedAt:     formatTime(s.now()),
		State:          statePending,
	}
	c.index()
	st.cards[c.OutCardCode] = c
	st.order = append(st.order, c.OutCardCode)
	st.version++
	v := st.version
	token := c.Token
	st.mu.Unlock()
	if e := s.waitPersisted(ctx, v); e != nil {
		return nil, e
	}
	return gateway.JSONResponse(http.StatusOK, map[string]string{"prepare_card_token": token}), nil
}

// checkNotifyURL accepts http or https URLs on a loopback host without a
// query: the sandbox delivers nowhere else.
func checkNotifyURL(raw string) *gateway.Error {
	u, err := url.Parse(raw)
	issue := ""
	switch {
	case err != nil:
		issue = "not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		issue = "scheme must be http or https"
	case !IsLoopbackAddr(hostPort(u)):
		issue = "the sandbox delivers notifications to loopback hosts only"
	case u.RawQuery != "" || u.ForceQuery:
		issue = "notify_url may not carry query parameters"
	case u.Fragment != "":
		issue = "notify_url may not carry a fragment"
	}
	if issue == "" {
		return nil
	}
	return gateway.ParamError("/notify_url", "body", issue, "参数错误：notify_url："+issue)
}

func hostPort(u *url.URL) string {
	if u.Port() == "" {
		return u.Hostname() + ":0"
	}
	return u.Host
}

func (s *Server) getCard(_ context.Context, rt *gateway.Route, _ []byte) (*gateway.Response, *gateway.Error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	c, e := st.claimed(rt.PathParams["out_card_code"])
	if e != nil {
		return nil, e
	}
	return gateway.JSONResponse(http.StatusOK, s.cardView(c, true)), nil
}

type addUserRecordsRequest struct {
	CardTemplateID string            `json:"card_template_id"`
	Objectives     []objectiveRecord `json:"objective_completion_records"`
	Rewards        []rewardRecord    `json:"reward_usage_records"`
}

// addUserRecords appends the records whose serial numbers the card does not
// have yet, all or none: one refused record refuses the request.
func (s *Server) addUserRecords(ctx context.Context, rt *gateway.Route, body []byte) (*gateway.Response, *gateway.Error) {
	var req addUserRecordsRequest
	if e := decodeBody(body, &req); e != nil {
		return nil, e
	}
	code := rt.PathParams["out_card_code"]
	st := s.store
	st.mu.Lock()
	c, e := st.claimed(code)
	if e != nil {
		st.mu.Unlock()
		return nil, e
	}
	if req.CardTemplateID != c.CardTemplateID {
		st.mu.Unlock()
		return nil, gateway.ParamError("/card_template_id", "body", "card_template_id is not the card's template",
			"参数错误：先享卡模板ID与该卡不一致")
	}
	newObjectives, newRewards, e := s.checkRecords(c, &req)
	if e != nil {
		st.mu.Unlock()
		return nil, e
	}
	if len(newObjectives)+len(newRewards) == 0 { // every record already there: nothing to do
		st.mu.Unlock()
		return &gateway.Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
	}
	for _, r := range newObjectives {
		c.ObjectiveRecords = append(c.ObjectiveRecords, r)
		c.objectiveSerials[r.SerialNo] = true
	}
	for _, r := range newRewards {
		c.RewardRecords = append(c.RewardRecords, r)
		c.rewardSerials[r.SerialNo] = true
	}
	st.version++
	v := st.version
	st.mu.Unlock()
	if e := s.waitPersisted(ctx, v); e != nil {
		return nil, e
	}
	return &gateway.Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
}

// checkRecords returns the records of req that are new to c, or the reason
// to refuse the request. Caller holds the store lock.
func (s *Server) checkRecords(c *card, req *addUserRecordsRequest) ([]objectiveRecord, []rewardRecord, *gateway.Error) {
	var objectives []objectiveRecord
	var rewards []rewardRecord
	seen := map[string]bool{}
	objectiveDelta := map[string]int64{}
	for i, r := range req.Objectives {
		if c.objectiveSerials[r.SerialNo] || seen["o"+r.SerialNo] {
			continue
		}
		seen["o"+r.SerialNo] = true
		at := fmt.Sprintf("/objective_completion_records/%d", i)
		if findObjective(c, r.ObjectiveID) == nil {
			return nil, nil, gateway.ParamError(at+"/objective_id", "body", "unknown objective_id",
				"参数错误：目标ID不存在："+r.ObjectiveID)
		}
		d := r.CompletionCount
		if r.CompletionType == "DECREASE" {
			d = -d
		}
		objectiveDelta[r.ObjectiveID] += d
		if c.objectiveCount(r.ObjectiveID)+objectiveDelta[r.ObjectiveID] < 0 {
			return nil, nil, gateway.ParamError(at+"/completion_count", "body", "DECREASE exceeds the completions recorded",
				"参数错误：减少的目标完成数量超过已完成数量")
		}
		objectives = append(objectives, r)
	}
	countDelta, amountDelta := map[string]int64{}, map[string]int64{}
	for i, r := range req.Rewards {
		if c.rewardSerials[r.SerialNo] || seen["r"+r.SerialNo] {
			continue
		}
		seen["r"+r.SerialNo] = true
		at := fmt.Sprintf("/reward_usage_records/%d", i)
		rw := findReward(c, r.RewardID)
		if rw == nil {
			return nil, nil, gateway.ParamError(at+"/reward_id", "body", "unknown reward_id",
				"参数错误：优惠ID不存在："+r.RewardID)
		}
		dc, da := r.UsageCount, r.Amount
		if r.UsageType == "DECREASE" {
			dc, da = -dc, -da
		}
		countDelta[r.RewardID] += dc
		amountDelta[r.RewardID] += da
		usedCount, usedAmount := c.rewardUsage(r.RewardID)
		usedCount += countDelta[r.RewardID]
		usedAmount += amountDelta[r.RewardID]
		switch {
		case usedAmount > rw.Amount:
			return nil, nil, gateway.ParamError(at+"/amount", "body",
				fmt.Sprintf("usage of reward %s would reach %d, beyond its amount %d", rw.RewardID, usedAmount, rw.Amount),
				"参数错误：优惠累计使用金额超过优惠金额")
		case rw.CountType == "COUNT_LIMIT" && usedCount > rw.Count:
			return nil, nil, gateway.ParamError(at+"/usage_count", "body",
				fmt.Sprintf("usage of reward %s would reach %d, beyond its count %d", rw.RewardID, usedCount, rw.Count),
				"参数错误：优惠累计使用数量超过优惠数量")
		case usedAmount < 0 || usedCount < 0:
			return nil, nil, gateway.ParamError(at+"/amount", "body", "DECREASE exceeds the usage recorded",
				"参数错误：减少的优惠使用超过已使用")
		}
		rewards = append(rewards, r)
	}
	if len(objectives)+len(rewards) > 0 && c.final() {
		return nil, nil, &gateway.Error{Status: http.StatusBadRequest, Code: "INVALID_REQUEST",
			Message: "先享卡已结束（" + c.State + "），不能再增加用户记录"}
	}
	return objectives, rewards, nil
}

func findObjective(c *card, id string) *TemplateObjective {
	for i := range c.Objectives {
		if c.Objectives[i].ObjectiveID == id {
			return &c.Objectives[i]
		}
	}
	return nil
}

func findReward(c *card, id string) *TemplateReward {
	for i := range c.Rewards {
		if c.Rewards[i].RewardID == id {
			return &c.Rewards[i]
		}
	}
	return nil
}

// legacyOrder answers the three operations of the retired 支付分·先享卡
// product: the sandbox has no such orders.
func (s *Server) legacyOrder(_ context.Context, rt *gateway.Route, _ []byte) (*gateway.Response, *gateway.Error) {
	msg := "订单不存在"
	if rt.OperationID == "getOrderByOutTradeNo" {
		msg = "订单不存在（该接口已于2020-03-26下线）"
	}
	return nil, &gateway.Error{Status: http.StatusNotFound, Code: "ORDER_NOT_EXIST", Message: msg}
}

func (s *Server) listCertificates(context.Context, *gateway.Route, []byte) (*gateway.Response, *gateway.Error) {
	if s.cfg.Mode == ModePublicKey {
		return nil, &gateway.Error{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS",
			Message: "无可用的平台证书，请使用微信支付公钥验签"}
	}
	body, err := gateway.CertificatesBody(s.cfg.APIv3Key, s.cfg.PlatformCertificatePEM)
	if err != nil {
		return nil, &gateway.Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}
	}
	a := &gateway.Response{Status: http.StatusOK, Header: http.Header{}, Body: body}
	a.Header.Set("Content-Type", "application/json")
	return a, nil
}

// Wire shapes of a card (getCard and the notifications).

type timeRange struct {
	BeginTime string `json:"begin_time"`
	EndTime   string `json:"end_time"`
}

type objectiveView struct {
	TemplateObjective
	Records []objectiveRecord `json:"objective_completion_records,omitempty"`
}

type rewardView struct {
	TemplateReward
	Records []rewardRecord `json:"reward_usage_records,omitempty"`
}

type cardView struct {
	CardID           string          `json:"card_id"`
	CardTemplateID   string          `json:"card_template_id"`
	OpenID           string          `json:"openid"`
	OutCardCode      string          `json:"out_card_code"`
	AppID            string          `json:"appid"`
	MchID            string          `json:"mchid"`
	TimeRange        timeRange       `json:"time_range"`
	State            string          `json:"state"`
	UnfinishedReason string          `json:"unfinished_reason,omitempty"`
	TotalAmount      *int64          `json:"total_amount,omitempty"`
	PayInformation   *payInformation `json:"pay_information,omitempty"`
	CreateTime       string          `json:"create_time"`
	Objectives       []objectiveView `json:"objectives,omitempty"`
	Rewards          []rewardView    `json:"rewards,omitempty"`
	SharerOpenID     string          `json:"sharer_openid,omitempty"`
}

// cardView is the card as getCard shows it; withRecords false leaves out the
// records and the total (the USER_ACCEPTED payload). Caller holds the lock.
func (s *Server) cardView(c *card, withRecords bool) *cardView {
	v := &cardView{
		CardID: c.CardID, CardTemplateID: c.CardTemplateID, OpenID: c.OpenID,
		OutCardCode: c.OutCardCode, AppID: c.AppID, MchID: s.cfg.MchID,
		TimeRange:        timeRange{BeginTime: c.BeginTime, EndTime: c.EndTime},
		State:            c.State,
		UnfinishedReason: c.UnfinishedReason,
		CreateTime:       c.CreateTime,
		SharerOpenID:     c.SharerOpenID,
	}
	if c.PayInformation != nil {
		p := *c.PayInformation
		v.PayInformation = &p
	}
	for _, o := range c.Objectives {
		ov := objectiveView{TemplateObjective: o}
		if withRecords {
			for _, r := range c.ObjectiveRecords {
				if r.ObjectiveID == o.ObjectiveID {
					ov.Records = append(ov.Records, r)
				}
			}
		}
		v.Objectives = append(v.Objectives, ov)
	}
	for _, rw := range c.Rewards {
		rv := rewardView{TemplateReward: rw}
		if withRecords {
			for _, r := range c.RewardRecords {
				if r.RewardID == rw.RewardID {
					rv.Records = append(rv.Records, r)
				}
			}
		}
		v.Rewards = append(v.Rewards, rv)
	}
	if withRecords {
		total := c.totalAmount()
		v.TotalAmount = &total
	}
	return v
}

// userPaidView is the USER_PAID payload.
type userPaidView struct {
	AppID            string          `json:"appid"`
	MchID            string          `json:"mchid"`
	OpenID           string          `json:"openid"`
	CardID           string          `json:"card_id"`
	CardTemplateID   string          `json:"card_template_id"`
	OutCardCode      string          `json:"out_card_code"`
	State            string          `json:"state"`
	UnfinishedReason string          `json:"unfinished_reason,omitempty"`
	TotalAmount      int64           `json:"total_amount"`
	PayInformation   *payInformation `json:"pay_information"`
}

// Simulated user actions (the control endpoints and the CLI call these).

// AcceptOptions are the details of a simulated claim.
type AcceptOptions struct {
	OpenID       string `json:"openid,omitempty"`        // default: a random openid
	SharerOpenID string `json:"sharer_openid,omitempty"` // the 邀请有礼 inviter, if any
}

// ControlError is the error of a simulated user action.
type ControlError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *ControlError) Error() string { return e.Code + ": " + e.Message }

// Accept simulates the user claiming the pending card code: it becomes
// ONGOING with the template's objectives and rewards, and USER_ACCEPTED is
// sent to its notify_url. It returns the card as getCard shows it.
func (s *Server) Accept(ctx context.Context, code string, opts AcceptOptions) (json.RawMessage, error) {
	for name, v := range map[string]string{"openid": opts.OpenID, "sharer_openid": opts.SharerOpenID} {
		if utf8.RuneCountInString(v) > 128 || !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n") {
			return nil, &ControlError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: name + " must have at most 128 characters"}
		}
	}
	st := s.store
	st.mu.Lock()
	c := st.cards[code]
	switch {
	case c == nil:
		st.mu.Unlock()
		return nil, &ControlError{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS", Message: "unknown out_card_code " + code}
	case c.State != statePending:
		st.mu.Unlock()
		return nil, &ControlError{Status: http.StatusConflict, Code: "ALREADY_ACCEPTED", Message: "card " + code + " was already claimed (" + c.State + ")"}
	}
	now := s.now()
	c.State = stateOngoing
	c.CardID = gateway.RandomFrom("0123456789abcdef", 32)
	c.OpenID = opts.OpenID
	if c.OpenID == "" {
		c.OpenID = "oSandbox" + gateway.RandomString(20)
	}
	c.SharerOpenID = opts.SharerOpenID
	c.CreateTime = formatTime(now)
	c.BeginTime = formatTime(now)
	c.EndTime = formatTime(now.Add(time.Duration(s.cfg.Template.DurationDays) * 24 * time.Hour))
	c.Objectives = append([]TemplateObjective(nil), s.cfg.Template.Objectives...)
	c.Rewards = append([]TemplateReward(nil), s.cfg.Template.Rewards...)
	st.version++
	v := st.version
	payload := mustJSON(s.cardView(c, false))
	view := mustJSON(s.cardView(c, true))
	notifyURL := c.NotifyURL
	st.mu.Unlock()
	if e := s.waitPersisted(ctx, v); e != nil {
		return nil, &ControlError{Status: e.Status, Code: e.Code, Message: e.Message}
	}
	s.notifier.enqueue(code, notifyURL, eventUserAccepted, payload)
	return view, nil
}

// EndOptions say how a card ends.
type EndOptions struct {
	State  string `json:"state"`            // FINISHED or UNFINISHED
	Reason string `json:"reason,omitempty"` // UNFINISHED: DUE_TO_QUIT (default) or EARLY_QUIT
	// PayAmount is what the user pays back (UNFINISHED only); nil means the
	// discount enjoyed (total_amount). When positive, the user pays at once
	// and USER_PAID follows AGREEMENT_ENDED.
	PayAmount *int64 `json:"pay_amount,omitempty"`
}

// End simulates the end of the agreement of a claimed card: the state
// becomes FINISHED or UNFINISHED, AGREEMENT_ENDED is sent, then USER_PAID
// when the user owes money. It returns the card as getCard shows it.
func (s *Server) End(ctx context.Context, code string, opts EndOptions) (json.RawMessage, error) {
	bad := func(msg string) error {
		return &ControlError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: msg}
	}
	switch opts.State {
	case stateFinished:
		if opts.Reason != "" || (opts.PayAmount != nil && *opts.PayAmount != 0) {
			return nil, bad("a FINISHED card has no reason and nothing to pay back")
		}
	case stateUnfinished:
		if opts.Reason == "" {
			opts.Reason = "DUE_TO_QUIT"
		}
		if opts.Reason != "DUE_TO_QUIT" && opts.Reason != "EARLY_QUIT" {
			return nil, bad("reason must be DUE_TO_QUIT or EARLY_QUIT")
		}
		if opts.PayAmount != nil && *opts.PayAmount < 0 {
			return nil, bad("pay_amount must not be negative")
		}
	default:
		return nil, bad("state must be FINISHED or UNFINISHED")
	}
	st := s.store
	st.mu.Lock()
	c := st.cards[code]
	switch {
	case c == nil:
		st.mu.Unlock()
		return nil, &ControlError{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS", Message: "unknown out_card_code " + code}
	case c.State == statePending:
		st.mu.Unlock()
		return nil, &ControlError{Status: http.StatusConflict, Code: "NOT_ACCEPTED", Message: "card " + code + " has not been claimed"}
	case c.final():
		st.mu.Unlock()
		return nil, &ControlError{Status: http.StatusConflict, Code: "ALREADY_ENDED", Message: "card " + code + " already ended (" + c.State + ")"}
	}
	now := s.now()
	total := c.totalAmount()
	c.State = opts.State
	var pay int64
	if opts.State == stateUnfinished {
		c.UnfinishedReason = opts.Reason
		pay = total
		if opts.PayAmount != nil {
			pay = *opts.PayAmount
		}
		if pay > 0 {
			c.PayInformation = &payInformation{
				PayAmount:     pay,
				PayState:      "PAID",
				TransactionID: "42" + gateway.RandomFrom(gateway.Digits, 26),
				PayTime:       formatTime(now),
			}
		}
	}
	st.version++
	v := st.version
	ended := s.cardView(c, true)
	ended.PayInformation = nil // not part of AGREEMENT_ENDED
	endedPayload := mustJSON(ended)
	var paidPayload []byte
	if c.PayInformation != nil {
		p := *c.PayInformation
		paidPayload = mustJSON(userPaidView{
			AppID: c.AppID, MchID: s.cfg.MchID, OpenID: c.OpenID, CardID: c.CardID,
			CardTemplateID: c.CardTemplateID, OutCardCode: c.OutCardCode, State: c.State,
			UnfinishedReason: c.UnfinishedReason, TotalAmount: total, PayInformation: &p,
		})
	}
	view := mustJSON(s.cardView(c, true))
	notifyURL := c.NotifyURL
	st.mu.Unlock()
	if e := s.waitPersisted(ctx, v); e != nil {
		return nil, &ControlError{Status: e.Status, Code: e.Code, Message: e.Message}
	}
	s.notifier.enqueue(code, notifyURL, eventAgreementEnded, endedPayload)
	if paidPayload != nil {
		s.notifier.enqueue(code, notifyURL, eventUserPaid, paidPayload)
	}
	return view, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: encoding: " + err.Error())
	}
	return b
}
