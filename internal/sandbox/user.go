package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

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
	var view []byte
	ds, e := s.update(func(t *tx) error {
		c, err := getCard(t.b, code)
		switch {
		case err != nil:
			return err
		case c == nil:
			return controlRefusal(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "unknown out_card_code "+code)
		case c.State != statePending:
			return controlRefusal(http.StatusConflict, "ALREADY_ACCEPTED", "card "+code+" was already claimed ("+c.State+")")
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
		if err := t.putCard(c); err != nil {
			return err
		}
		payload, err := s.cardView(t.b, c, false)
		if err != nil {
			return err
		}
		if err := t.enqueue(code, c.NotifyURL, eventUserAccepted, now, mustJSON(payload)); err != nil {
			return err
		}
		full, err := s.cardView(t.b, c, true)
		view = mustJSON(full)
		return err
	})
	if e != nil {
		return nil, asControlError(e)
	}
	s.notifier.push(ds)
	return view, nil
}

// controlRefusal refuses a simulated user action inside its transaction.
func controlRefusal(status int, code, msg string) error {
	return refuse(&gateway.Error{Status: status, Code: code, Message: msg})
}

func asControlError(e *gateway.Error) *ControlError {
	return &ControlError{Status: e.Status, Code: e.Code, Message: e.Message}
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
	var view []byte
	ds, e := s.update(func(t *tx) error {
		c, err := getCard(t.b, code)
		switch {
		case err != nil:
			return err
		case c == nil:
			return controlRefusal(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "unknown out_card_code "+code)
		case c.State == statePending:
			return controlRefusal(http.StatusConflict, "NOT_ACCEPTED", "card "+code+" has not been claimed")
		case c.final():
			return controlRefusal(http.StatusConflict, "ALREADY_ENDED", "card "+code+" already ended ("+c.State+")")
		}
		now := s.now()
		total := c.totalAmount()
		c.State = opts.State
		if opts.State == stateUnfinished {
			c.UnfinishedReason = opts.Reason
			pay := total
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
		if err := t.putCard(c); err != nil {
			return err
		}
		ended, err := s.cardView(t.b, c, true)
		if err != nil {
			return err
		}
		view = mustJSON(ended)
		ended.PayInformation = nil // not part of AGREEMENT_ENDED
		if err := t.enqueue(code, c.NotifyURL, eventAgreementEnded, now, mustJSON(ended)); err != nil {
			return err
		}
		if c.PayInformation == nil {
			return nil
		}
		p := *c.PayInformation
		return t.enqueue(code, c.NotifyURL, eventUserPaid, now, mustJSON(userPaidView{
			AppID: c.AppID, MchID: s.cfg.MchID, OpenID: c.OpenID, CardID: c.CardID,
			CardTemplateID: c.CardTemplateID, OutCardCode: c.OutCardCode, State: c.State,
			UnfinishedReason: c.UnfinishedReason, TotalAmount: total, PayInformation: &p,
		}))
	})
	if e != nil {
		return nil, asControlError(e)
	}
	s.notifier.push(ds)
	return view, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: encoding: " + err.Error())
	}
	return b
}
