package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// FourByteString returns the JSON Pointer of the first string (object keys
// included, keys in sorted order) of the JSON document body holding a 4-byte
// UTF-8 character, which WeChat Pay refuses (its databases store utf8, not
// utf8mb4). A body that is not JSON has none.
func FourByteString(body []byte) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return "", false
	}
	return FourByteValue(v)
}

// FourByteValue is FourByteString of a decoded JSON value.
func FourByteValue(v any) (string, bool) { return fourByteString(v, "") }

func fourByteString(v any, ptr string) (string, bool) {
	switch v := v.(type) {
	case string:
		for _, r := range v {
			if utf8.RuneLen(r) == 4 {
				return ptr, true
			}
		}
	case []any:
		for i, e := range v {
			if p, ok := fourByteString(e, fmt.Sprintf("%s/%d", ptr, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := ptr + "/" + EscapePointer(k)
			if _, ok := fourByteString(k, p); ok {
				return p, true
			}
			if p, ok := fourByteString(v[k], p); ok {
				return p, true
			}
		}
	}
	return "", false
}
