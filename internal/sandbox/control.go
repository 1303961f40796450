package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxpaygen/wxpaygen/internal/payments"
)

// control serves the unsigned /sandbox/ endpoints:
//
//	POST /sandbox/cards/{out_card_code}/accept  {"openid": "...", "sharer_openid": "..."} (body optional)
//	POST /sandbox/cards/{out_card_code}/end     {"state": "UNFINISHED", "reason": "EARLY_QUIT", "pay_amount": 100}
//	GET  /sandbox/faults                        the faults in force
//	POST /sandbox/faults                        {"spec": "429,times=1;latency=200ms"} replaces them ("" clears)
//	GET  /sandbox/answers                       the programmed answers, by operationId
//	POST /sandbox/answers                       {"op": "createRefund", "status": 200, "body": {...}} or
//	                                            {"op": "queryOrderByOutTradeNo", "status": 404, "code": "ORDER_NOT_EXIST", "message": "..."}, "times" optional
//	DELETE /sandbox/answers[?op=OPERATION_ID]   clears them (all, or one operation's)
//	GET  /sandbox/notifications                 delivery counters
//	POST /sandbox/orders/{out_trade_no}/pay      {"openid": "...", "bank_type": "..."} (body optional)
//	POST /sandbox/orders/{out_trade_no}/payerror
//	GET  /sandbox/orders/{out_trade_no}          the order as the order query shows it
//	POST /sandbox/refunds/{out_refund_no}/success, /abnormal or /closed
//	GET  /sandbox/refunds/{out_refund_no}        the refund as the refund query shows it
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/sandbox/")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		controlError(w, http.StatusBadRequest, "INVALID_REQUEST", "reading the body: "+err.Error())
		return
	}
	decode := func(v any) bool {
		if len(strings.TrimSpace(string(body))) == 0 {
			return true
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			controlError(w, http.StatusBadRequest, "PARAM_ERROR", "body: "+err.Error())
			return false
		}
		return true
	}
	switch {
	case path == "faults":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost, http.MethodPut:
			var req struct {
				Spec string `json:"spec"`
			}
			if !decode(&req) {
				return
			}
			faults, err := ParseFaults(req.Spec)
			if err != nil {
				controlError(w, http.StatusBadRequest, "PARAM_ERROR", err.Error())
				return
			}
			s.SetFaults(faults)
		case http.MethodDelete:
			s.SetFaults(nil)
		default:
			controlError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET, POST or DELETE")
			return
		}
		controlJSON(w, http.StatusOK, map[string]any{"spec": FormatFaults(s.Faults())})
	case path == "answers":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost, http.MethodPut:
			var req struct {
				Op string `json:"op"`
				Answer
			}
			if !decode(&req) {
				return
			}
			if err := s.SetAnswer(req.Op, req.Answer); err != nil {
				controlError(w, http.StatusBadRequest, "PARAM_ERROR", err.Error())
				return
			}
		case http.MethodDelete:
			s.ClearAnswers(r.URL.Query().Get("op"))
		default:
			controlError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET, POST or DELETE")
			return
		}
		controlJSON(w, http.StatusOK, s.Answers())
	case path == "notifications" && r.Method == http.MethodGet:
		controlJSON(w, http.StatusOK, s.NotificationStats())
	case strings.HasPrefix(path, "cards/"):
		rest := strings.TrimPrefix(path, "cards/")
		i := strings.LastIndexByte(rest, '/')
		if i < 0 || r.Method != http.MethodPost {
			controlError(w, http.StatusNotFound, "NOT_FOUND", "POST /sandbox/cards/{out_card_code}/accept or /end")
			return
		}
		code, err := url.PathUnescape(rest[:i])
		if err != nil {
			controlError(w, http.StatusBadRequest, "PARAM_ERROR", "out_card_code: "+err.Error())
			return
		}
		var view json.RawMessage
		switch rest[i+1:] {
		case "accept":
			var opts AcceptOptions
			if !decode(&opts) {
				return
			}
			view, err = s.Accept(r.Context(), code, opts)
		case "end":
			var opts EndOptions
			if !decode(&opts) {
				return
			}
			view, err = s.End(r.Context(), code, opts)
		default:
			controlError(w, http.StatusNotFound, "NOT_FOUND", "POST /sandbox/cards/{out_card_code}/accept or /end")
			return
		}
		writeControl(w, view, err)
	case strings.HasPrefix(path, "orders/"), strings.HasPrefix(path, "refunds/"):
		var opts payments.PayOptions
		if !decode(&opts) {
			return
		}
		view, err := s.paymentControl(r.Method, path, opts)
		writeControl(w, view, err)
	default:
		controlError(w, http.StatusNotFound, "NOT_FOUND", "unknown control endpoint")
	}
}

// paymentControl serves orders/{out_trade_no}[/pay|/payerror] and
// refunds/{out_refund_no}[/success|/abnormal|/closed].
func (s *Server) paymentControl(method, path string, opts payments.PayOptions) (json.RawMessage, error) {
	kind, rest, _ := strings.Cut(path, "/")
	no, action, _ := strings.Cut(rest, "/")
	no, err := url.PathUnescape(no)
	if err != nil || no == "" {
		return nil, &ControlError{Status: http.StatusBadRequest, Code: "PARAM_ERROR", Message: "bad " + kind + " number in " + path}
	}
	notFound := &ControlError{Status: http.StatusNotFound, Code: "NOT_FOUND",
		Message: "GET /sandbox/orders/{out_trade_no}, POST .../pay or .../payerror; GET /sandbox/refunds/{out_refund_no}, POST .../success, .../abnormal or .../closed"}
	switch {
	case method == http.MethodGet && action == "" && kind == "orders":
		return s.Order(no)
	case method == http.MethodGet && action == "":
		return s.Refund(no)
	case method != http.MethodPost:
		return nil, notFound
	case kind == "orders" && action == "pay":
		return s.Pay(no, opts)
	case kind == "orders" && action == "payerror":
		return s.PayError(no)
	case kind == "refunds" && (action == "success" || action == "abnormal" || action == "closed"):
		return s.FinishRefund(no, strings.ToUpper(action))
	}
	return nil, notFound
}

// writeControl writes the answer of a simulated action.
func writeControl(w http.ResponseWriter, view json.RawMessage, err error) {
	var ce *ControlError
	switch {
	case errors.As(err, &ce):
		controlJSON(w, ce.Status, ce)
	case err != nil:
		controlError(w, http.StatusInternalServerError, "SYSTEM_ERROR", err.Error())
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(view)
	}
}
