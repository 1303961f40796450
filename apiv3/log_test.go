package apiv3

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// logRecords decodes the JSON lines of a slog.JSONHandler.
func logRecords(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %s: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestLoggerAttempts(t *testing.T) {
	var n atomic.Int32
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, srv := newFakeClient(t, statusSequence(&n, 500, 429), fastRetry, WithLogger(logger))
	req := &Request{OperationID: "getCard", Method: "GET", Template: "/v3/discount-card/cards/{out_card_code}",
		Path: "/v3/discount-card/cards/secret-code-42"}
	if _, err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	recs := logRecords(t, buf.Bytes())
	if len(recs) != 3 {
		t.Fatalf("%d records, want one per attempt:\n%s", len(recs), buf.Bytes())
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for i, r := range recs {
		want := map[string]any{
			"level": "DEBUG", "msg": "apiv3: attempt", "operation": "getCard", "method": "GET",
			"path": "/v3/discount-card/cards/{out_card_code}", "host": host,
			"attempt": float64(i + 1), "status": float64([]int{500, 429, 200}[i]), "request_id": []string{"RID-1", "RID-2", "RID-3"}[i],
		}
		for k, v := range want {
			if r[k] != v {
				t.Errorf("record %d: %s = %v, want %v", i+1, k, r[k], v)
			}
		}
		if _, ok := r["duration"].(float64); !ok {
			t.Errorf("record %d: no duration: %v", i+1, r)
		}
		wantRetry := []any{"HTTP 500", "HTTP 429", nil}[i]
		if r["retry"] != wantRetry {
			t.Errorf("record %d: retry = %v, want %v", i+1, r["retry"], wantRetry)
		}
		if _, ok := r["wait"]; ok != (wantRetry != nil) {
			t.Errorf("record %d: wait = %v", i+1, r["wait"])
		}
		if _, ok := r["error"]; ok != (i < 2) {
			t.Errorf("record %d: error = %v", i+1, r["error"])
		}
	}
	for _, secret := range []string{"secret-code-42", "Authorization", "signature", "WECHATPAY2", "out_card_code\":"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, buf.Bytes())
		}
	}
}

func TestLoggerConnectionErrorAndFinalFailure(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var n atomic.Int32
	c, _, _ := newFakeClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"code":"RESOURCE_NOT_EXISTS","message":"no"}`)
	}, fastRetry, WithLogger(logger))
	_, err := c.Do(context.Background(), &Request{Method: "GET", Template: "/v3/x/{id}", Path: "/v3/x/private-value"}, nil)
	if !IsCode(err, "RESOURCE_NOT_EXISTS") {
		t.Fatalf("err = %v", err)
	}
	recs := logRecords(t, buf.Bytes())
	if len(recs) != 2 {
		t.Fatalf("%d records:\n%s", len(recs), buf.Bytes())
	}
	if recs[0]["retry"] != "connection error" || recs[0]["status"] != nil || recs[0]["error"] == nil {
		t.Errorf("connection error logged as %v", recs[0])
	}
	if recs[1]["retry"] != nil || recs[1]["status"] != float64(404) || !strings.Contains(recs[1]["error"].(string), "RESOURCE_NOT_EXISTS") {
		t.Errorf("final 404 logged as %v", recs[1])
	}
	if strings.Contains(buf.String(), "private-value") {
		t.Errorf("the log shows a path value:\n%s", buf.Bytes())
	}
	if _, ok := recs[1]["operation"]; ok {
		t.Errorf("a request without OperationID logs an operation: %v", recs[1])
	}
}

func TestLoggerLevelOff(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var n atomic.Int32
	c, _, _ := newFakeClient(t, statusSequence(&n, 500), fastRetry, WithLogger(logger))
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("logged above its level:\n%s", buf.Bytes())
	}
	c, _, _ = newFakeClient(t, statusSequence(&n), WithLogger(nil))
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/v3/x"}, nil); err != nil {
		t.Errorf("WithLogger(nil): %v", err)
	}
}
