package apiv3

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTimeMarshal(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2015, 5, 20, 13, 29, 35, 120e6, cst), "2015-05-20T13:29:35.120+08:00"},
		{time.Date(2015, 5, 20, 13, 29, 35, 0, cst), "2015-05-20T13:29:35.000+08:00"},
		{time.Date(2015, 5, 20, 13, 29, 35, 123456789, time.UTC), "2015-05-20T13:29:35.123Z"},
		{time.Date(2015, 5, 20, 13, 29, 35, 0, time.FixedZone("", -(5*3600+30*60))), "2015-05-20T13:29:35.000-05:30"},
		{time.Time{}, "0001-01-01T00:00:00.000Z"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(NewTime(tt.t))
		if err != nil || string(b) != `"`+tt.want+`"` {
			t.Errorf("MarshalJSON(%v) = %s, %v; want %q", tt.t, b, err, tt.want)
		}
		b, err = NewTime(tt.t).MarshalText()
		if err != nil || string(b) != tt.want {
			t.Errorf("MarshalText(%v) = %s, %v", tt.t, b, err)
		}
		if s := NewTime(tt.t).String(); s != tt.want {
			t.Errorf("String() = %s", s)
		}
	}
	if _, err := json.Marshal(NewTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))); err == nil {
		t.Error("year 10000 marshalled")
	}
	// In a struct, by value and by pointer.
	type s struct {
		A Time  `json:"a"`
		B *Time `json:"b,omitempty"`
	}
	tm := NewTime(time.Date(2020, 1, 2, 3, 4, 5, 6e6, cst))
	b, _ := json.Marshal(s{A: tm, B: &tm})
	if string(b) != `{"a":"2020-01-02T03:04:05.006+08:00","b":"2020-01-02T03:04:05.006+08:00"}` {
		t.Errorf("struct = %s", b)
	}
}

func TestTimeUnmarshal(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2015-05-20T13:29:35.120+08:00", time.Date(2015, 5, 20, 5, 29, 35, 120e6, time.UTC)},
		{"2015-05-20T13:29:35.12+08:00", time.Date(2015, 5, 20, 5, 29, 35, 120e6, time.UTC)},
		{"2015-05-20T13:29:35+08:00", time.Date(2015, 5, 20, 5, 29, 35, 0, time.UTC)},
		{"2015-05-20T13:29:35.123456789Z", time.Date(2015, 5, 20, 13, 29, 35, 123456789, time.UTC)},
		{"2018-06-08T10:34:56Z", time.Date(2018, 6, 8, 10, 34, 56, 0, time.UTC)},
	}
	for _, tt := range tests {
		var got Time
		if err := json.Unmarshal([]byte(`"`+tt.in+`"`), &got); err != nil {
			t.Errorf("UnmarshalJSON(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("UnmarshalJSON(%q) = %v, want %v", tt.in, got, tt.want)
		}
		// The offset is kept, so re-marshalling gives the documented form
		// (with milliseconds: finer fractions are truncated).
		var again Time
		b, _ := json.Marshal(got)
		if err := json.Unmarshal(b, &again); err != nil || !again.Equal(got.Truncate(time.Millisecond)) {
			t.Errorf("round trip of %q via %s: %v, %v", tt.in, b, again, err)
		}
		var txt Time
		if err := txt.UnmarshalText([]byte(tt.in)); err != nil || !txt.Equal(tt.want) {
			t.Errorf("UnmarshalText(%q) = %v, %v", tt.in, txt, err)
		}
	}
	var got Time
	json.Unmarshal([]byte(`"2015-05-20T13:29:35.12+08:00"`), &got)
	if s := got.String(); s != "2015-05-20T13:29:35.120+08:00" {
		t.Errorf("re-formatted = %s", s)
	}

	for _, bad := range []string{
		`"2015-05-20 13:29:35"`, `"2015-05-20"`, `"2015-05-20T13:29:35"`, `"20150520T132935Z"`,
		`"2015-05-20T13:29:35+0800"`, `""`, `1432099775`, `"Wed, 20 May 2015 13:29:35 +0800"`, `true`,
	} {
		var tm Time
		err := json.Unmarshal([]byte(bad), &tm)
		if err == nil {
			t.Errorf("UnmarshalJSON(%s) accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "RFC 3339") && !strings.Contains(err.Error(), "JSON string") {
			t.Errorf("UnmarshalJSON(%s) error %q is not clear", bad, err)
		}
	}
	var te *timeError
	if err := new(Time).UnmarshalText([]byte("x")); !errors.As(err, &te) || errors.Unwrap(err) == nil {
		t.Errorf("error %v does not wrap the time error", err)
	}
	// null leaves the value alone.
	keep := NewTime(time.Unix(5, 0))
	if err := json.Unmarshal([]byte(`null`), &keep); err != nil || keep.Unix() != 5 {
		t.Errorf("null: %v, %v", keep, err)
	}
}

// FuzzTimeUnmarshal: whatever parses re-marshals to the documented layout and
// parses back to the same instant (to the millisecond).
func FuzzTimeUnmarshal(f *testing.F) {
	for _, s := range []string{`"2015-05-20T13:29:35.120+08:00"`, `"2015-05-20T13:29:35.12+08:00"`, `"2018-06-08T10:34:56Z"`, `null`, `"x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var tm Time
		if err := json.Unmarshal([]byte(in), &tm); err != nil {
			return
		}
		b, err := json.Marshal(tm)
		if err != nil {
			return // years outside 0-9999 cannot be written
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tm.Truncate(time.Millisecond)) {
			t.Fatalf("%s -> %s -> %v, %v", in, b, back, err)
		}
	})
}
