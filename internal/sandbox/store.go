package sandbox

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Card states. statePending is the sandbox's own: a card prepared with
// prepareCard that the user has not claimed yet; WeChat Pay shows no such
// card, so it never appears on the wire.
const (
	statePending    = "PENDING"
	stateOngoing    = "ONGOING"
	stateSettling   = "SETTLING"
	stateFinished   = "FINISHED"
	stateUnfinished = "UNFINISHED"
)

// timeLayout is how the sandbox writes date-times: milliseconds and the
// Beijing offset, like the documented examples.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.In(gateway.Beijing).Format(timeLayout) }

// Template is the card template (先享卡模板) every card of the sandbox uses;
// template.json holds it.
type Template struct {
	CardTemplateID string              `json:"card_template_id"`
	DurationDays   int                 `json:"duration_days,omitempty"` // agreement window after claiming (default 30)
	Objectives     []TemplateObjective `json:"objectives"`
	Rewards        []TemplateReward    `json:"rewards"`
}

// TemplateObjective is an objective of the template (the user's commitment).
type TemplateObjective struct {
	ObjectiveID string `json:"objective_id"`
	Name        string `json:"name"`
	Count       int64  `json:"count"`
	Unit        string `json:"unit"`
	Description string `json:"description,omitempty"`
}

// TemplateReward is a reward of the template (the discount enjoyed first).
type TemplateReward struct {
	RewardID    string `json:"reward_id"`
	Name        string `json:"name"`
	CountType   string `json:"count_type"` // COUNT_LIMIT or COUNT_UNLIMITED
	Count       int64  `json:"count"`
	Unit        string `json:"unit"`
	Amount      int64  `json:"amount"` // total value, fen
	Description string `json:"description,omitempty"`
}

func (t *Template) check() error {
	if t.CardTemplateID == "" || len(t.CardTemplateID) > 64 {
		return fmt.Errorf("card_template_id must have 1 to 64 characters")
	}
	if len(t.Objectives) == 0 || len(t.Rewards) == 0 {
		return fmt.Errorf("a template needs at least one objective and one reward")
	}
	seen := map[string]bool{}
	for _, o := range t.Objectives {
		if o.ObjectiveID == "" || len(o.ObjectiveID) > 32 || seen["o"+o.ObjectiveID] {
			return fmt.Errorf("objective_id %q is empty, too long or repeated", o.ObjectiveID)
		}
		seen["o"+o.ObjectiveID] = true
		if o.Name == "" || o.Unit == "" || o.Count < 1 {
			return fmt.Errorf("objective %s needs a name, a unit and a count >= 1", o.ObjectiveID)
		}
	}
	for _, r := range t.Rewards {
		if r.RewardID == "" || len(r.RewardID) > 32 || seen["r"+r.RewardID] {
			return fmt.Errorf("reward_id %q is empty, too long or repeated", r.RewardID)
		}
		seen["r"+r.RewardID] = true
		if r.Name == "" || r.Unit == "" || r.Count < 1 || r.Amount < 1 {
			return fmt.Errorf("reward %s needs a name, a unit, a count >= 1 and an amount >= 1", r.RewardID)
		}
		if r.CountType != "COUNT_LIMIT" && r.CountType != "COUNT_UNLIMITED" {
			return fmt.Errorf("reward %s: count_type must be COUNT_LIMIT or COUNT_UNLIMITED", r.RewardID)
		}
	}
	return nil
}

// objectiveRecord and rewardRecord are the records of add-user-records, as
// sent (times kept as the strings received).
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

// card is one card, pending or claimed; it is also what the data file holds.
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
	ObjectiveRecords []objectiveRecord   `json:"objective_records,omitempty"`
	RewardRecords    []rewardRecord      `json:"reward_records,omitempty"`

	objectiveSerials map[string]bool
	rewardSerials    map[string]bool
}

func (c *card) index() {
	c.objectiveSerials = make(map[string]bool, len(c.ObjectiveRecords))
	for _, r := range c.ObjectiveRecords {
		c.objectiveSerials[r.SerialNo] = true
	}
	c.rewardSerials = make(map[string]bool, len(c.RewardRecords))
	for _, r := range c.RewardRecords {
		c.rewardSerials[r.SerialNo] = true
	}
}

func (c *card) final() bool { return c.State == stateFinished || c.State == stateUnfinished }

// rewardUsage is the net usage of one reward (INCREASE minus DECREASE).
func (c *card) rewardUsage(id string) (count, amount int64) {
	for _, r := range c.RewardRecords {
		if r.RewardID != id {
			continue
		}
		if r.UsageType == "DECREASE" {
			count, amount = count-r.UsageCount, amount-r.Amount
		} else {
			count, amount = count+r.UsageCount, amount+r.Amount
		}
	}
	return count, amount
}

func (c *card) objectiveCount(id string) (count int64) {
	for _, r := range c.ObjectiveRecords {
		if r.ObjectiveID == id {
			if r.CompletionType == "DECREASE" {
				count -= r.CompletionCount
			} else {
				count += r.CompletionCount
			}
		}
	}
	return count
}

// totalAmount is the discount enjoyed: the net amount of every reward usage.
func (c *card) totalAmount() int64 {
	var total int64
	for _, r := range c.RewardRecords {
		if r.UsageType == "DECREASE" {
			total -= r.Amount
		} else {
			total += r.Amount
		}
	}
	return total
}

// store holds the cards. Every method is safe for concurrent use; version
// counts the changes, for the persister.
type store struct {
	mu      sync.RWMutex
	cards   map[string]*card
	order   []string // out_card_codes in creation order
	version uint64
}

func newStore() *store { return &store{cards: map[string]*card{}} }

// snapshot returns the cards in creation order and the version they are at;
// the caller must not modify them. It holds the read lock while f runs.
func (s *store) snapshot(f func(cards []*card, version uint64)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cards := make([]*card, len(s.order))
	for i, code := range s.order {
		cards[i] = s.cards[code]
	}
	f(cards, s.version)
}

func (s *store) load(cards []*card) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cards {
		c.index()
		s.cards[c.OutCardCode] = c
		s.order = append(s.order, c.OutCardCode)
	}
}

// notFound is the answer for an unknown (or not yet claimed) card.
func notFound(code string, pending bool) *gateway.Error {
	msg := "先享卡不存在：" + code
	if pending {
		msg = "用户尚未领取该先享卡：" + code
	}
	return &gateway.Error{Status: http.StatusNotFound, Code: "RESOURCE_NOT_EXISTS", Message: msg}
}

// claimed returns the claimed card code, or the 404 answer. Caller holds mu.
func (s *store) claimed(code string) (*card, *gateway.Error) {
	c := s.cards[code]
	if c == nil {
		return nil, notFound(code, false)
	}
	if c.State == statePending {
		return nil, notFound(code, true)
	}
	return c, nil
}
