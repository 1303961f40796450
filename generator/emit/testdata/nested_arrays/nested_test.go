package wechatpay

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func TestNestedArrays(t *testing.T) {
	var g Grid
	if err := json.Unmarshal([]byte(`{"rows":[["a"],["b","c"]],"cells":[[{"x":1}]]}`), &g); err != nil {
		t.Fatal(err)
	}
	if g.Rows[1][1] != "c" || g.Cells[0][0].X != 1 {
		t.Errorf("got %+v", g)
	}
	g.Rows = [][]string{{"ok"}, {"a", "toolong"}, {"a", "b", "c"}}
	g.Cells = [][]GridCells{{{X: 0}, {X: -1}}}
	var ve *apiv3.ValidationError
	if !errors.As(g.Validate(), &ve) {
		t.Fatal("want violations")
	}
	want := []struct{ field, pointer string }{{"rows[1][1]", "/rows/1/1"}, {"rows[2]", "/rows/2"}, {"cells[0][1].x", "/cells/0/1/x"}}
	if len(ve.Violations) != len(want) {
		t.Fatalf("violations %+v", ve.Violations)
	}
	for i, w := range want {
		if v := ve.Violations[i]; v.Field != w.field || v.Pointer != w.pointer {
			t.Errorf("violation %d = %+v, want %v", i, v, w)
		}
	}
}
