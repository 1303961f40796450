package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestAllOfMergesFields(t *testing.T) {
	p := Pet{ID: "p1", Name: "Tom", Kind: PetKindCat, Owner: &Named{Name: "Ann"}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"id":"p1","name":"Tom","kind":"cat","owner":{"name":"Ann"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAllOfRequiredFromParts(t *testing.T) {
	p := Pet{Name: "much too long", Kind: "bird"}
	var ve *apiv3.ValidationError
	if !errors.As(p.Validate(), &ve) {
		t.Fatal("want a *apiv3.ValidationError")
	}
	rules := map[string]string{}
	for _, v := range ve.Violations {
		rules[v.Field] = v.Rule
	}
	// id is required and left empty: a forgotten member, reported as such
	// rather than as too short.
	want := map[string]string{"id": "required", "name": "maxLength", "kind": "enum"}
	if len(rules) != len(want) {
		t.Fatalf("violations %+v", ve.Violations)
	}
	for f, r := range want {
		if rules[f] != r {
			t.Errorf("%s: rule %q, want %q", f, rules[f], r)
		}
	}
}

func TestAllOfOfAllOf(t *testing.T) {
	p := Puppy{ID: "p", Name: "Rex", Kind: PetKindDog, AgeMonths: apiv3.Ptr(int64(30))}
	var ve *apiv3.ValidationError
	if !errors.As(p.Validate(), &ve) || len(ve.Violations) != 1 || ve.Violations[0].Field != "age_months" {
		t.Fatalf("got %v", p.Validate())
	}
}
