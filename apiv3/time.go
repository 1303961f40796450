package apiv3

import (
	"fmt"
	"time"
)

// TimeLayout is how Time is written: RFC 3339 with milliseconds and a
// numeric offset (Z for UTC), as WeChat Pay documents it:
// 2015-05-20T13:29:35.120+08:00.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Time is a date-time field of a request or response. It is written in
// TimeLayout and read from any RFC 3339 form (WeChat Pay also sends
// 2015-05-20T13:29:35.12+08:00 and times without fraction). The embedded
// time.Time keeps its methods; the location of a decoded time is a fixed
// zone with the offset sent.
type Time struct{ time.Time }

// NewTime wraps t.
func NewTime(t time.Time) Time { return Time{t} }

// String formats t in TimeLayout.
func (t Time) String() string { return t.Format(TimeLayout) }

// MarshalJSON writes t as a JSON string in TimeLayout.
func (t Time) MarshalJSON() ([]byte, error) {
	b, err := t.appendText(make([]byte, 0, len(TimeLayout)+2), `"`)
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// MarshalText writes t in TimeLayout.
func (t Time) MarshalText() ([]byte, error) {
	return t.appendText(make([]byte, 0, len(TimeLayout)), "")
}

func (t Time) appendText(b []byte, prefix string) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("apiv3: Time year %d outside of [0,9999]", y)
	}
	b = append(b, prefix...)
	return t.AppendFormat(b, TimeLayout), nil
}

// UnmarshalJSON reads a JSON string holding an RFC 3339 date-time. JSON null
// leaves t unchanged.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("apiv3: date-time must be a JSON string, got %.40s", b)
	}
	return t.UnmarshalText(b[1 : len(b)-1])
}

// UnmarshalText reads an RFC 3339 date-time such as
// 2015-05-20T13:29:35.120+08:00, with or without a fraction of a second.
func (t *Time) UnmarshalText(b []byte) error {
	var tt time.Time
	if err := tt.UnmarshalText(b); err != nil {
		return &timeError{text: string(b), err: err}
	}
	t.Time = tt
	return nil
}

type timeError struct {
	text string
	err  error
}

func (e *timeError) Error() string {
	return fmt.Sprintf("apiv3: date-time %q is not RFC 3339 (want e.g. 2015-05-20T13:29:35.120+08:00)", e.text)
}

func (e *timeError) Unwrap() error { return e.err }

// ParseTime reads an RFC 3339 date-time such as 2015-05-20T13:29:35.120+08:00.
func ParseTime(s string) (Time, error) {
	var t Time
	err := t.UnmarshalText([]byte(s))
	return t, err
}

// MustParseTime is ParseTime for constants in examples and tests: it panics
// when s is not RFC 3339.
func MustParseTime(s string) Time {
	t, err := ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}
