package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestRecursion(t *testing.T) {
	var f Forest
	in := `{"root":{"label":"a","children":[{"label":"b","children":[{"label":"toolong","amount":{"total":1}}]}]},"owner":{"name":"x","best_friend":{"person":{"name":""}}}}`
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	if f.Root.Children[0].Children[0].Amount.Total != 1 {
		t.Errorf("got %+v", f)
	}
	var ve *apiv3.ValidationError
	if !errors.As(f.Validate(), &ve) || len(ve.Violations) != 2 {
		t.Fatalf("got %v", f.Validate())
	}
	if v := ve.Violations[0]; v.Field != "root.children[0].children[0].label" {
		t.Errorf("violation 0 = %+v", v)
	}
	// person holds only an empty name: a required member left out.
	if v := ve.Violations[1]; v.Field != "owner.best_friend.person" || v.Rule != "required" {
		t.Errorf("violation 1 = %+v", v)
	}
}
