package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestUnionDecodesByDiscriminator(t *testing.T) {
	var o Owner
	in := `{"pet":{"pet_type":"puppy","bark":"woof"},"others":[{"pet_type":"cat","lives":7},{"pet_type":"bird","wings":2}],"payment":{"method":"Cash"}}`
	if err := json.Unmarshal([]byte(in), &o); err != nil {
		t.Fatal(err)
	}
	if o.Pet.Dog == nil || o.Pet.Dog.Bark != "woof" || o.Pet.Cat != nil {
		t.Errorf("pet = %+v", o.Pet)
	}
	if c := o.Others[0].Cat; c == nil || c.Lives != 7 {
		t.Errorf("others[0] = %+v", o.Others[0])
	}
	if u := string(o.Others[1].Unknown); u != `{"pet_type":"bird","wings":2}` {
		t.Errorf("unknown variant kept as %q", u)
	}
	if o.Payment == nil || o.Payment.Cash == nil {
		t.Errorf("payment = %+v", o.Payment)
	}
}

func TestUnionEncodesSetVariantWithTag(t *testing.T) {
	o := Owner{Pet: Pet{Cat: &Cat{Lives: 3}}, Others: []Pet{{Dog: &Dog{Bark: "w"}}, {Unknown: json.RawMessage(`{"pet_type":"fish"}`)}}}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"pet":{"pet_type":"cat","lives":3},"others":[{"pet_type":"dog","bark":"w"},{"pet_type":"fish"}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Owner
	if err := json.Unmarshal(b, &back); err != nil || back.Pet.Cat == nil || back.Others[0].Dog == nil {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if _, err := json.Marshal(Pet{}); err == nil {
		t.Error("an empty union encodes; want an error")
	}
}

func TestUnionValidate(t *testing.T) {
	o := Owner{Pet: Pet{Cat: &Cat{Lives: 10}, Dog: &Dog{Bark: "w"}}}
	var ve *apiv3.ValidationError
	if !errors.As(o.Validate(), &ve) || len(ve.Violations) != 2 {
		t.Fatalf("got %v", o.Validate())
	}
	if v := ve.Violations[0]; v.Field != "pet.lives" || v.Rule != "maximum" {
		t.Errorf("violation 0 = %+v", v)
	}
	if v := ve.Violations[1]; v.Field != "pet" || v.Rule != "oneOf" {
		t.Errorf("violation 1 = %+v", v)
	}
}

func TestUnionValueAndNesting(t *testing.T) {
	o := Owner{Pet: Pet{Dog: &Dog{Bark: "w"}}, ByName: map[string]Pet{"a": {Cat: &Cat{Lives: 12}}}, Grid: [][]Pet{{{}}}}
	if _, ok := o.Pet.Value().(*Dog); !ok {
		t.Errorf("Value() = %T", o.Pet.Value())
	}
	var ve *apiv3.ValidationError
	if !errors.As(o.Validate(), &ve) || len(ve.Violations) != 2 {
		t.Fatalf("got %v", o.Validate())
	}
	if v := ve.Violations[0]; v.Field != "by_name.a.lives" || v.Rule != "maximum" {
		t.Errorf("violation 0 = %+v", v)
	}
	if v := ve.Violations[1]; v.Field != "grid[0][0]" || v.Rule != "oneOf" {
		t.Errorf("violation 1 = %+v", v)
	}
}
