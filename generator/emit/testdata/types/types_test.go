package wechatpay

import (
	"errors"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func validShape() *Shape {
	return &Shape{
		ShapeID: "s-1", AppID: "wx1", NotifyURL: "https://example.com", Type: "t",
		State: ShapeStateActive, CreatedAt: apiv3.NewTime(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)),
		Size: ShapeSize{Width: 10}, Tags: []string{"a"}, X3DModel: "m",
	}
}

func TestValidShapeAllocatesNothing(t *testing.T) {
	s := validShape()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = s.Validate() }); n != 0 {
		t.Errorf("Validate of a valid value allocates %v times", n)
	}
}

func TestEveryViolationReported(t *testing.T) {
	s := validShape()
	s.ShapeID = "bad id!"
	s.State = "GONE"
	s.Size.Width = 0
	s.Size.Height = apiv3.Ptr(0.0)
	s.Tags = []string{"ok", "much too long", "😀"}
	s.Kind = apiv3.Ptr(ShapeKind("hexagon"))
	var ve *apiv3.ValidationError
	if !errors.As(s.Validate(), &ve) {
		t.Fatal("want a *apiv3.ValidationError")
	}
	want := []struct{ field, pointer, rule string }{
		{"shape_id", "/shape_id", "pattern"},
		{"state", "/state", "enum"},
		{"kind", "/kind", "enum"},
		{"size.width", "/size/width", "minimum"},
		{"size.height", "/size/height", "minimum"},
		{"tags[1]", "/tags/1", "maxLength"},
		{"tags[2]", "/tags/2", "utf8mb4"},
	}
	if len(ve.Violations) != len(want) {
		t.Fatalf("violations %+v", ve.Violations)
	}
	for i, w := range want {
		v := ve.Violations[i]
		if v.Field != w.field || v.Pointer != w.pointer || v.Rule != w.rule || v.In != "body" {
			t.Errorf("violation %d = %+v, want %+v", i, v, w)
		}
	}
}

func TestRequiredSlice(t *testing.T) {
	s := validShape()
	s.Tags = nil
	var ve *apiv3.ValidationError
	if !errors.As(s.Validate(), &ve) || len(ve.Violations) != 1 || ve.Violations[0].Rule != "required" || ve.Violations[0].Field != "tags" {
		t.Fatalf("got %v", ve)
	}
}

func TestEnumVarnames(t *testing.T) {
	if ShapeKindThreeD != "3d" || ShapeKindRound != "circle" {
		t.Error("x-enum-varnames not honoured")
	}
}
