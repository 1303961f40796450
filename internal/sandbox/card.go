package sandbox

import (
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Card states. statePending is the sandbox's own: a card prepared with
// prepareCard that the user has not claimed yet; WeChat Pay shows no such
// card, so it never appears on the wire.
const (
	statePending    = "PENDING"
	stateOngoing    = "ONGOING"
	stateFinished   = "FINISHED"
	stateUnfinished = "UNFINISHED"
)

// timeLayout is how the sandbox writes date-times: milliseconds and the
// Beijing offset, like the documented examples.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.In(gateway.Beijing).Format(timeLayout) }

// objectiveRecord and rewardRecord are the records of add-user-records, as
// sent (times kept as the strings received). Each is stored on its own
// (store.go), not inside its card, so that adding one writes one record.
type objectiveRecord struct {
	SerialNo        string  `json:"objective_completion_serial_no"`
	ObjectiveID     string  `json:"objective_id"`
	CompletionTime  string  `json:"completion_time"`
	CompletionType  string  `json:"completion_type"`
	Description     string  `json:"description"`
	CompletionCount int64   `json:"completion_count"`
	Remark          *string `json:"remark,omitempty"`
}

type rewardRecord struct {
	SerialNo    string  `json:"reward_usage_serial_no"`
	RewardID    string  `json:"reward_id"`
	UsageTime   string  `json:"usage_time"`
	UsageType   string  `json:"usage_type"`
	Description string  `json:"description"`
	UsageCount  int64   `json:"usage_count"`
	Amount      int64   `json:"amount"`
	Remark      *string `json:"remark,omitempty"`
}

type payInformation struct {
	PayAmount     int64  `json:"pay_amount"`
	PayState      string `json:"pay_state"`
	TransactionID string `json:"transaction_id,omitempty"`
	PayTime       string `json:"pay_time,omitempty"`
}

// card is one card, pending or claimed, as stored. Its records are stored
// beside it; the sums the rules need are kept here, so that checking a new
// record reads one card, not all its records.
type card struct {
	OutCardCode      string              `json:"out_card_code"`
	CardTemplateID   string              `json:"card_template_id"`
	AppID            string              `json:"appid"`
	NotifyURL        string              `json:"notify_url"`
	Token            string              `json:"prepare_card_token"`
	PreparedAt       string              `json:"prepared_at"`
	State            string              `json:"state"`
	CardID           string              `json:"card_id,omitempty"`
	OpenID           string              `json:"openid,omitempty"`
	SharerOpenID     string              `json:"sharer_openid,omitempty"`
	CreateTime       string              `json:"create_time,omitempty"`
	BeginTime        string              `json:"begin_time,omitempty"`
	EndTime          string              `json:"end_time,omitempty"`
	UnfinishedReason string              `json:"unfinished_reason,omitempty"`
	PayInformation   *payInformation     `json:"pay_information,omitempty"`
	Objectives       []TemplateObjective `json:"objectives,omitempty"`
	Rewards          []TemplateReward    `json:"rewards,omitempty"`

	// Net sums of the records (INCREASE minus DECREASE), by objective_id
	// and reward_id.
	Completions  map[string]int64 `json:"completions,omitempty"`
	UsageCounts  map[string]int64 `json:"usage_counts,omitempty"`
	UsageAmounts map[string]int64 `json:"usage_amounts,omitempty"`
}

func (c *card) final() bool { return c.State == stateFinished || c.State == stateUnfinished }

// totalAmount is the discount enjoyed: the net amount of every reward usage.
func (c *card) totalAmount() int64 {
	var total int64
	for _, a := range c.UsageAmounts {
		total += a
	}
	return total
}

// signed is n for INCREASE, -n for DECREASE.
func signed(typ string, n int64) int64 {
	if typ == "DECREASE" {
		return -n
	}
	return n
}

// apply adds the records to the sums.
func (c *card) apply(objectives []objectiveRecord, rewards []rewardRecord) {
	for _, m := range []*map[string]int64{&c.Completions, &c.UsageCounts, &c.UsageAmounts} {
		if *m == nil { // an empty map is not stored (omitempty)
			*m = map[string]int64{}
		}
	}
	for _, r := range objectives {
		c.Completions[r.ObjectiveID] += signed(r.CompletionType, r.CompletionCount)
	}
	for _, r := range rewards {
		c.UsageCounts[r.RewardID] += signed(r.UsageType, r.UsageCount)
		c.UsageAmounts[r.RewardID] += signed(r.UsageType, r.Amount)
	}
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
