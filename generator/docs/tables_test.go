package docs

import (
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

func ptr[T any](v T) *T { return &v }

func TestCellKeepsATableRowIntact(t *testing.T) {
	if got := cell("a | b\nc"); got != `a \| b c` {
		t.Errorf("cell = %q", got)
	}
}

func TestLimits(t *testing.T) {
	cases := []struct {
		t    *model.Type
		want string
	}{
		{&model.Type{Kind: model.KindString, Limits: model.Limits{MinLength: ptr[int64](1), MaxLength: ptr[int64](32), Pattern: "^[a|b]$"}},
			"1–32 chars; pattern `^[a\\|b]$`"},
		{&model.Type{Kind: model.KindInt64, Limits: model.Limits{Minimum: &model.Bound{Value: 0, Exclusive: true}, Maximum: &model.Bound{Value: 100}}},
			"> 0; <= 100"},
		{&model.Type{Kind: model.KindArray, Limits: model.Limits{MaxItems: ptr[int64](1)}}, "≤ 1 items"},
		{&model.Type{Kind: model.KindEnum, Values: []*model.EnumValue{{Value: "A"}, {Value: "B"}}}, "one of `A`, `B`"},
		{&model.Type{Kind: model.KindString}, ""},
	}
	for _, tc := range cases {
		if got := limits(tc.t); got != tc.want {
			t.Errorf("limits(%v) = %q, want %q", tc.t.Kind, got, tc.want)
		}
	}
}

func TestFileNameIsSafe(t *testing.T) {
	for _, tc := range []struct {
		op   *model.Operation
		want string
	}{
		{&model.Operation{ID: "getCard", GoName: "GetCard"}, "getCard.md"},
		{&model.Operation{ID: "../../etc/passwd", GoName: "EtcPasswd"}, "EtcPasswd.md"},
		{&model.Operation{ID: ".hidden", GoName: "Hidden"}, "Hidden.md"},
		{&model.Operation{GoName: "GetV3Things"}, "GetV3Things.md"},
	} {
		if got := fileName(tc.op); got != tc.want {
			t.Errorf("fileName(%q) = %q, want %q", tc.op.ID, got, tc.want)
		}
	}
}

func TestDescribeListsEnumMeanings(t *testing.T) {
	typ := &model.Type{Kind: model.KindEnum, Values: []*model.EnumValue{{Value: "INCREASE", Meaning: "增加"}, {Value: "DECREASE"}}}
	got := describe("类型.\n- `INCREASE`: 增加\n- `DECREASE`: 减少\n\nMore text.", typ, true)
	want := "**Deprecated.** 类型.<br>`INCREASE`: 增加"
	if got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
}
