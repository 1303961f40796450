package apiv3

import "testing"

func TestPtr(t *testing.T) {
	v := int64(100)
	p := Ptr(v)
	v = 1
	if *p != 100 {
		t.Errorf("*Ptr = %d, want a copy", *p)
	}
	if s := Ptr("x"); *s != "x" {
		t.Errorf("*Ptr(\"x\") = %q", *s)
	}
	if Ptr(1) == Ptr(1) {
		t.Error("Ptr returned a shared pointer")
	}
}

func TestValueOr(t *testing.T) {
	if got := ValueOr(Ptr("a.png"), "file"); got != "a.png" {
		t.Errorf("set: %q", got)
	}
	if got := ValueOr[string](nil, "file"); got != "file" {
		t.Errorf("nil: %q", got)
	}
}
