package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"time"
	"unicode/utf8"
)

// ReadBodyWithin is ReadBody with a read deadline: a body still arriving
// timeout after the handler started reading (a client trickling its bytes)
// is cut off with 400 INVALID_REQUEST, and the connection is not reused.
// The deadline is set through w (http.ResponseController); a w that cannot
// set one (an in-process recorder) reads without it. timeout 0: none.
func ReadBodyWithin(w http.ResponseWriter, r *http.Request, max int64, timeout time.Duration) ([]byte, *Error) {
	if timeout > 0 {
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
			defer rc.SetReadDeadline(time.Time{})
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		return body, &Error{Status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "读取请求体超时"}
	case err != nil:
		w.Header().Set("Connection", "close")
		return body, &Error{Status: http.StatusBadRequest, Code: "INVALID_REQUEST", Message: "读取请求体失败：" + err.Error()}
	case int64(len(body)) > max:
		return body, &Error{Status: http.StatusRequestEntityTooLarge, Code: "INVALID_REQUEST", Message: "请求体过大"}
	}
	return body, nil
}

// CheckJSON refuses a JSON request body that is not exactly one JSON value
// in valid UTF-8: invalid UTF-8 (WeChat Pay decodes bodies as UTF-8 and
// refuses what does not decode), a second value after the first (two
// objects, trailing garbage) or no value at all. openapi3filter decodes the
// first value only, so without this check "{...} junk" would pass. The
// answer is 400 PARAM_ERROR at field "/" in the body, as WeChat Pay answers a
// body it cannot parse.
func CheckJSON(body []byte) *Error {
	issue := ""
	switch {
	case !utf8.Valid(body):
		issue = "body is not valid UTF-8"
	case !json.Valid(body):
		issue = "body is not exactly one JSON value"
		dec := json.NewDecoder(bytes.NewReader(body))
		var v json.RawMessage
		if dec.Decode(&v) == nil {
			issue = "body has data after its JSON value"
		}
	}
	if issue == "" {
		return nil
	}
	return ParamError("/", "body", issue, "参数错误：请求体不是合法的JSON："+issue)
}
