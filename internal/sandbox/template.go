package sandbox

import "fmt"

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
