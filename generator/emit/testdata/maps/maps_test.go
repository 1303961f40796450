package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestMapsDecode(t *testing.T) {
	var s Settings
	in := `{"labels":{"a":"x"},"limits":{"q":{"max":3}},"groups":{"g":{"n":1}},"anything":{"k":[1,{"z":null}]}}`
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.Labels["a"] != "x" || s.Limits["q"].Max != 3 || s.Groups["g"]["n"] != 1 || string(s.Anything["k"]) != `[1,{"z":null}]` {
		t.Errorf("got %+v", s)
	}
}

func TestMapsValidate(t *testing.T) {
	s := Settings{
		Labels: map[string]string{"a": "too long"},
		Limits: map[string]SettingsLimitsValue{"q": {Max: 0}},
		Groups: map[string]map[string]int64{"g": {"n": 11}},
	}
	var ve *apiv3.ValidationError
	if !errors.As(s.Validate(), &ve) || len(ve.Violations) != 3 {
		t.Fatalf("got %v", s.Validate())
	}
	want := []string{"labels.a", "limits.q.max", "groups.g.n"}
	for i, v := range ve.Violations {
		if v.Field != want[i] {
			t.Errorf("violation %d at %q, want %q", i, v.Field, want[i])
		}
	}
	if err := (&Settings{}).Validate(); err == nil {
		t.Error("a nil required map validates")
	}
}
