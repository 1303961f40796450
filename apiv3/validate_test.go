package apiv3

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestValidatorPaths(t *testing.T) {
	var v Validator
	v.In = "body"
	v.Enter("objective_completion_records")
	v.EnterIndex(0)
	v.Add("completion_type", "enum", "must be one of INCREASE, DECREASE")
	v.Leave()
	v.EnterIndex(12)
	v.Add("", "required", "is required")
	v.Leave()
	v.Leave()
	v.Enter("a/b~c")
	v.Add("x.y", "maxLength", "must be at most 3 characters")
	v.Leave()
	v.Add("", "minItems", "root")
	v.Leave() // extra Leave is harmless
	v.Add("top", "required", "is required")

	want := []Violation{
		{"body", "objective_completion_records[0].completion_type", "/objective_completion_records/0/completion_type", "enum", "must be one of INCREASE, DECREASE"},
		{"body", "objective_completion_records[12]", "/objective_completion_records/12", "required", "is required"},
		{"body", "a/b~c.x.y", "/a~1b~0c/x.y", "maxLength", "must be at most 3 characters"},
		{"body", "", "", "minItems", "root"},
		{"body", "top", "/top", "required", "is required"},
	}
	var ve *ValidationError
	if err := v.Err(); !errors.As(err, &ve) {
		t.Fatalf("Err() = %v", err)
	}
	if !reflect.DeepEqual(ve.Violations, want) {
		t.Errorf("violations:\n got %+v\nwant %+v", ve.Violations, want)
	}
}

func TestValidatorDeep(t *testing.T) {
	var v Validator
	v.In = "body"
	var field, pointer []string
	for i := range 40 {
		if i%2 == 0 {
			v.Enter("f")
			field = append(field, ".f")
			pointer = append(pointer, "/f")
		} else {
			v.EnterIndex(i)
			field = append(field, "["+strconv.Itoa(i)+"]")
			pointer = append(pointer, "/"+strconv.Itoa(i))
		}
	}
	v.Add("", "required", "deep")
	for range 39 {
		v.Leave()
	}
	v.Add("g", "required", "shallow")
	err := v.Err().(*ValidationError)
	if got, want := err.Violations[0].Field, strings.TrimPrefix(strings.Join(field, ""), "."); got != want {
		t.Errorf("deep Field = %q, want %q", got, want)
	}
	if got, want := err.Violations[0].Pointer, strings.Join(pointer, ""); got != want {
		t.Errorf("deep Pointer = %q, want %q", got, want)
	}
	if got := err.Violations[1].Field; got != "f.g" {
		t.Errorf("after leaving: Field = %q", got)
	}
}

func TestValidationErrorMessage(t *testing.T) {
	var v Validator
	v.In = "body"
	v.Enter("objective_completion_records")
	v.EnterIndex(0)
	v.Add("completion_type", "enum", "must be one of INCREASE, DECREASE")
	v.Leave()
	v.Leave()
	p := Validator{In: "path"}
	p.CheckPathParam("out_card_code", "..")
	err := &ValidationError{Violations: append(v.violations, p.violations...)}
	want := `apiv3: invalid request: body objective_completion_records[0].completion_type: must be one of INCREASE, DECREASE; path out_card_code: must not be "." or ".."`
	if err.Error() != want {
		t.Errorf("Error() =\n %s\nwant\n %s", err, want)
	}
	root := &ValidationError{Violations: []Violation{{In: "body", Message: "is required"}}}
	if got := root.Error(); got != "apiv3: invalid request: body: is required" {
		t.Errorf("root Error() = %q", got)
	}
	var ok Validator
	if ok.Err() != nil {
		t.Error("empty validator returned an error")
	}
}

func TestCheckPathParam(t *testing.T) {
	tests := []struct {
		value string
		want  string // "" = valid
	}{
		{"6e8369071cd942c0476613f9d1ce9ca3", ""},
		{"a|b*c", ""},
		{"a/b c%?#", ""},
		{"先享卡", ""},
		{"...", ""},
		{".a", ""},
		{"\u00a0", ""}, // NBSP is not a control character
		{"", "must not be empty"},
		{".", `must not be "." or ".."`},
		{"..", `must not be "." or ".."`},
		{"a\x00", "control"},
		{"a\nb", "control"},
		{"\t", "control"},
		{"a\x7f", "control"},
		{"a\u0085", "control"},
		{"\u009f", "control"},
		{"a\xffb", "UTF-8"},
		{"\xc2", "UTF-8"},
		{"\xed\xa0\x80", "UTF-8"}, // surrogate
	}
	for _, tt := range tests {
		v := Validator{In: "path"}
		v.CheckPathParam("out_card_code", tt.value)
		err := v.Err()
		if tt.want == "" {
			if err != nil {
				t.Errorf("CheckPathParam(%q) = %v", tt.value, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Violations) != 1 {
			t.Errorf("CheckPathParam(%q) = %v, want one violation", tt.value, err)
			continue
		}
		got := ve.Violations[0]
		if got.In != "path" || got.Field != "out_card_code" || got.Pointer != "/out_card_code" || got.Rule != "path" || !strings.Contains(got.Message, tt.want) {
			t.Errorf("CheckPathParam(%q) = %+v, want message with %q", tt.value, got, tt.want)
		}
	}
}

func TestValidatorNoAlloc(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		var v Validator
		v.In = "body"
		v.Enter("objective_completion_records")
		for i := range 20 {
			v.EnterIndex(i)
			v.Enter("completion_type")
			v.Leave()
			v.Leave()
		}
		v.Leave()
		v.CheckPathParam("out_card_code", "6e8369071cd942c0476613f9d1ce9ca3")
		v.CheckPathParam("name", "先享卡|*")
		if v.Err() != nil {
			panic("unexpected violation")
		}
	})
	if n != 0 {
		t.Errorf("validating a valid value allocated %v times", n)
	}
}

func TestRuneCountAndFourBytes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		four bool
	}{
		{"", 0, false},
		{"abc", 3, false},
		{"先享卡", 3, false},
		{"a😀b", 3, true},
		{"𠀀", 1, true},
		{"\xf0\x9f", 2, false}, // truncated sequence: not a 4-byte character
		{"é\uffff", 2, false},
	}
	for _, tt := range tests {
		if got := RuneCount(tt.s); got != tt.n {
			t.Errorf("RuneCount(%q) = %d, want %d", tt.s, got, tt.n)
		}
		if got := HasFourByteRune(tt.s); got != tt.four {
			t.Errorf("HasFourByteRune(%q) = %v, want %v", tt.s, got, tt.four)
		}
	}
}

func TestValidatorHelpersRecordTheRules(t *testing.T) {
	v := Validator{In: "body"}
	v.Required("a")
	v.CheckUTF8MB4("b", "ok")
	v.CheckUTF8MB4("c", "emoji \U0001F600")
	err, ok := v.Err().(*ValidationError)
	if !ok || len(err.Violations) != 2 {
		t.Fatalf("Err() = %v, want two violations", v.Err())
	}
	want := []Violation{
		{In: "body", Field: "a", Pointer: "/a", Rule: "required", Message: MessageRequired},
		{In: "body", Field: "c", Pointer: "/c", Rule: "utf8mb4", Message: MessageUTF8MB4},
	}
	for i, w := range want {
		if err.Violations[i] != w {
			t.Errorf("violation %d = %+v, want %+v", i, err.Violations[i], w)
		}
	}
}

func TestOneOfAndCloneValues(t *testing.T) {
	type state string
	values := []state{"A", "B"}
	if !OneOf(state("B"), values) || OneOf(state("C"), values) || OneOf(state("A"), nil) {
		t.Error("OneOf disagrees with the list")
	}
	if !OneOf(int64(7), []int64{1, 7}) {
		t.Error("OneOf(7, [1 7]) = false")
	}
	c := CloneValues(values)
	c[0] = "Z"
	if values[0] != "A" || len(c) != 2 {
		t.Errorf("CloneValues shares its result with the list: %v, %v", values, c)
	}
}

func TestValidatorDeepPaths(t *testing.T) {
	var v Validator
	for i := range 40 {
		v.EnterIndex(i)
	}
	v.Required("x")
	for range 40 {
		v.Leave()
	}
	v.Required("y")
	err := v.Err().(*ValidationError)
	if got := err.Violations[0].Pointer; !strings.HasSuffix(got, "/38/39/x") || err.Violations[1].Pointer != "/y" {
		t.Errorf("pointers %q, %q", got, err.Violations[1].Pointer)
	}
}
