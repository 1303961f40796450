package benchbase

// The baseline's own types: plain structs in the field order of the spec, so
// that encoding/json writes the same bytes as the generated types; date-times
// are plain strings (a bare client need not parse them).

// AddUserRecordsRequest is the body of add-user-records.
type AddUserRecordsRequest struct {
	CardTemplateID             string                      `json:"card_template_id"`
	ObjectiveCompletionRecords []ObjectiveCompletionRecord `json:"objective_completion_records,omitempty"`
	RewardUsageRecords         []RewardUsageRecord         `json:"reward_usage_records,omitempty"`
}

// ObjectiveCompletionRecord is one objective completion.
type ObjectiveCompletionRecord struct {
	ObjectiveCompletionSerialNo string  `json:"objective_completion_serial_no"`
	ObjectiveID                 string  `json:"objective_id"`
	CompletionTime              string  `json:"completion_time"`
	CompletionType              string  `json:"completion_type"`
	Description                 string  `json:"description"`
	CompletionCount             int64   `json:"completion_count"`
	Remark                      *string `json:"remark,omitempty"`
}

// RewardUsageRecord is one reward usage.
type RewardUsageRecord struct {
	RewardUsageSerialNo string  `json:"reward_usage_serial_no"`
	RewardID            string  `json:"reward_id"`
	UsageTime           string  `json:"usage_time"`
	UsageType           string  `json:"usage_type"`
	Description         string  `json:"description"`
	UsageCount          int64   `json:"usage_count"`
	Amount              int64   `json:"amount"`
	Remark              *string `json:"remark,omitempty"`
}

// Card is the answer of getCard.
type Card struct {
	CardID           string          `json:"card_id"`
	CardTemplateID   string          `json:"card_template_id"`
	OpenID           string          `json:"openid"`
	OutCardCode      string          `json:"out_card_code"`
	AppID            string          `json:"appid"`
	MchID            string          `json:"mchid"`
	TimeRange        TimeRange       `json:"time_range"`
	State            string          `json:"state"`
	UnfinishedReason *string         `json:"unfinished_reason,omitempty"`
	TotalAmount      *int64          `json:"total_amount,omitempty"`
	PayInformation   *PayInformation `json:"pay_information,omitempty"`
	CreateTime       string          `json:"create_time"`
	Objectives       []Objective     `json:"objectives,omitempty"`
	Rewards          []Reward        `json:"rewards,omitempty"`
	SharerOpenID     *string         `json:"sharer_openid,omitempty"`
}

// TimeRange is a card's validity.
type TimeRange struct {
	BeginTime string `json:"begin_time"`
	EndTime   string `json:"end_time"`
}

// PayInformation is what the user paid back.
type PayInformation struct {
	PayAmount     int64   `json:"pay_amount"`
	PayState      string  `json:"pay_state"`
	TransactionID *string `json:"transaction_id,omitempty"`
	PayTime       *string `json:"pay_time,omitempty"`
}

// Objective is one objective of a card.
type Objective struct {
	ObjectiveID                string                      `json:"objective_id"`
	Name                       string                      `json:"name"`
	Count                      int64                       `json:"count"`
	Unit                       string                      `json:"unit"`
	Description                *string                     `json:"description,omitempty"`
	ObjectiveCompletionRecords []ObjectiveCompletionRecord `json:"objective_completion_records,omitempty"`
}

// Reward is one reward of a card.
type Reward struct {
	RewardID           string              `json:"reward_id"`
	Name               string              `json:"name"`
	CountType          string              `json:"count_type"`
	Count              int64               `json:"count"`
	Unit               string              `json:"unit"`
	Amount             int64               `json:"amount"`
	Description        *string             `json:"description,omitempty"`
	RewardUsageRecords []RewardUsageRecord `json:"reward_usage_records,omitempty"`
}

// Seed values: the add-user-records example of the API reference, which the
// benchmarks send through both clients.
const (
	SeedOutCardCode    = "6e8369071cd942c0476613f9d1ce9ca3"
	SeedCardTemplateID = "87789b2f25177433bcbf407e8e471f95"
	SeedTime           = "2015-05-20T13:29:35.120+08:00"
	SeedDescription    = "购买商品"
	SeedRemark         = "特价商品"
)

// SeedAddUserRecords returns the seed request: one objective completion
// (578354545, objective 123456, INCREASE, 1) and one reward usage (578354,
// reward 123456, INCREASE, 1, 100 fen), both at SeedTime.
func SeedAddUserRecords() *AddUserRecordsRequest {
	remark := SeedRemark
	return &AddUserRecordsRequest{
		CardTemplateID: SeedCardTemplateID,
		ObjectiveCompletionRecords: []ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "578354545",
			ObjectiveID:                 "123456",
			CompletionTime:              SeedTime,
			CompletionType:              "INCREASE",
			Description:                 SeedDescription,
			CompletionCount:             1,
			Remark:                      &remark,
		}},
		RewardUsageRecords: []RewardUsageRecord{{
			RewardUsageSerialNo: "578354",
			RewardID:            "123456",
			UsageTime:           SeedTime,
			UsageType:           "INCREASE",
			Description:         SeedDescription,
			UsageCount:          1,
			Amount:              100,
			Remark:              &remark,
		}},
	}
}

// CardJSON is the body the benchmark server answers getCard with: the
// example of the spec.
const CardJSON = `{"card_id":"233bcbf407e87789b8e471f251774f95","card_template_id":"87789b2f25177433bcbf407e8e471f95","openid":"oUpF8uMuAJ2pxb1Q9zNjWeS6o","out_card_code":"6e8369071cd942c0476613f9d1ce9ca3","appid":"wxd678efh567hg6787","mchid":"1230000109","time_range":{"begin_time":"2015-05-20T13:29:35.120+08:00","end_time":"2015-06-20T13:29:35.120+08:00"},"state":"UNFINISHED","unfinished_reason":"DUE_TO_QUIT","total_amount":1000,"pay_information":{"pay_amount":100,"pay_state":"PAID","transaction_id":"1009660380201506130728806387","pay_time":"2015-06-21T13:29:35.120+08:00"},"create_time":"2015-05-20T13:29:35.120+08:00","objectives":[{"objective_id":"123456","name":"一周购买三次商品","count":3,"unit":"次","description":"特价商品","objective_completion_records":[{"objective_completion_serial_no":"578354545","objective_id":"123456","completion_time":"2015-05-21T13:29:35.120+08:00","completion_type":"INCREASE","description":"购买商品","completion_count":1,"remark":"特价商品"}]}],"rewards":[{"reward_id":"123457","name":"八折优惠","count_type":"COUNT_LIMIT","count":4,"unit":"个","amount":1200,"description":"特价商品优惠","reward_usage_records":[{"reward_usage_serial_no":"578354","reward_id":"123457","usage_time":"2015-05-21T13:29:35.120+08:00","usage_type":"INCREASE","description":"购买商品","usage_count":2,"amount":600,"remark":"特价商品"}]}],"sharer_openid":"oUpF8uMuAJ2pxb1Q9zNjWUHsd"}`
