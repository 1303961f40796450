package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	bolt "go.etcd.io/bbolt"

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
	var token string
	_, e := s.update(func(t *tx) error {
		c, err := getCard(t.b, req.OutCardCode)
		if err != nil {
			return err
		}
		if c != nil {
			if c.State == statePending && c.CardTemplateID == req.CardTemplateID && c.AppID == req.AppID && c.NotifyURL == req.NotifyURL {
				token = c.Token // a safe retry
				return nil
			}
			return refuse(&gateway.Error{Status: http.StatusBadRequest, Code: "RESOURCE_ALREADY_EXISTS",
				Message: "商户领卡号已存在：" + req.OutCardCode,
				Detail:  map[string]any{"field": "/out_card_code", "location": "body", "issue": "out_card_code already used"}})
		}
		c = &card{
			OutCardCode:    req.OutCardCode,
			CardTemplateID: req.CardTemplateID,
			AppID:          req.AppID,
			NotifyURL:      req.NotifyURL,
			Token:          gateway.RandomString(32),
			PreparedAt:     formatTime(s.now()),
			State:          statePending,
		}
		token = c.Token
		return t.putCard(c)
	})
	if e != nil {
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
	var view *cardView
	e := s.view(func(b *bolt.Tx) error {
		c, err := claimed(b, rt.PathParams["out_card_code"])
		if err != nil {
			return err
		}
		view, err = s.cardView(b, c, true)
		return err
	})
	if e != nil {
		return nil, e
	}
	return gateway.JSONResponse(http.StatusOK, view), nil
}

// notFound is the answer for an unknown (or not yet claimed) card.
func notFound(code string, pending bool) *gateway.Error {
	msg := "先享卡不存在：" + code
	if pending {
		msg = "用户尚未领取该先享卡：" + code
	}
	return &gateway.Error{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS", Message: msg}
}

// claimed reads the claimed card code, or refuses with 404.
func claimed(b *bolt.Tx, code string) (*card, error) {
	c, err := getCard(b, code)
	switch {
	case err != nil:
		return nil, err
	case c == nil:
		return nil, refuse(notFound(code, false))
	case c.State == statePending:
		return nil, refuse(notFound(code, true))
	}
	return c, nil
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
	_, e := s.update(func(t *tx) error {
		c, err := claimed(t.b, code)
		if err != nil {
			return err
		}
		if req.CardTemplateID != c.CardTemplateID {
			return refuse(gateway.ParamError("/card_template_id", "body", "card_template_id is not the card's template",
				"参数错误：先享卡模板ID与该卡不一致"))
		}
		newObjectives, newRewards, e := checkRecords(t, c, &req)
		if e != nil {
			return refuse(e)
		}
		if len(newObjectives)+len(newRewards) == 0 { // every record already there: nothing to do
			return nil
		}
		for _, r := range newObjectives {
			if err := t.addRecord(code, kindObjective, r.SerialNo, r); err != nil {
				return err
			}
		}
		for _, r := range newRewards {
			if err := t.addRecord(code, kindReward, r.SerialNo, r); err != nil {
				return err
			}
		}
		c.apply(newObjectives, newRewards)
		return t.putCard(c)
	})
	if e != nil {
		return nil, e
	}
	return &gateway.Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
}

// checkRecords returns the records of req that are new to c, or the reason
// to refuse the request.
func checkRecords(t *tx, c *card, req *addUserRecordsRequest) ([]objectiveRecord, []rewardRecord, *gateway.Error) {
	var objectives []objectiveRecord
	var rewards []rewardRecord
	seen := map[string]bool{}
	objectiveDelta := map[string]int64{}
	for i, r := range req.Objectives {
		if seen["o"+r.SerialNo] || t.hasSerial(c.OutCardCode, kindObjective, r.SerialNo) {
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
		if c.Completions[r.ObjectiveID]+objectiveDelta[r.ObjectiveID] < 0 {
			return nil, nil, gateway.ParamError(at+"/completion_count", "body", "DECREASE exceeds the completions recorded",
				"参数错误：减少的目标完成数量超过已完成数量")
		}
		objectives = append(objectives, r)
	}
	countDelta, amountDelta := map[string]int64{}, map[string]int64{}
	for i, r := range req.Rewards {
		if seen["r"+r.SerialNo] || t.hasSerial(c.OutCardCode, kindReward, r.SerialNo) {
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
		usedCount := c.UsageCounts[r.RewardID] + countDelta[r.RewardID]
		usedAmount := c.UsageAmounts[r.RewardID] + amountDelta[r.RewardID]
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
// records and the total (the USER_ACCEPTED payload), which are then not read.
func (s *Server) cardView(b *bolt.Tx, c *card, withRecords bool) (*cardView, error) {
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
	objectives := map[string][]objectiveRecord{}
	rewards := map[string][]rewardRecord{}
	if withRecords {
		err := eachRecord(b, c.OutCardCode, kindObjective, func(data []byte) error {
			var r objectiveRecord
			err := json.Unmarshal(data, &r)
			objectives[r.ObjectiveID] = append(objectives[r.ObjectiveID], r)
			return err
		})
		if err == nil {
			err = eachRecord(b, c.OutCardCode, kindReward, func(data []byte) error {
				var r rewardRecord
				err := json.Unmarshal(data, &r)
				rewards[r.RewardID] = append(rewards[r.RewardID], r)
				return err
			})
		}
		if err != nil {
			return nil, err
		}
		total := c.totalAmount()
		v.TotalAmount = &total
	}
	for _, o := range c.Objectives {
		v.Objectives = append(v.Objectives, objectiveView{TemplateObjective: o, Records: objectives[o.ObjectiveID]})
	}
	for _, rw := range c.Rewards {
		v.Rewards = append(v.Rewards, rewardView{TemplateReward: rw, Records: rewards[rw.RewardID]})
	}
	return v, nil
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
