package payments

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Config configures an Engine.
type Config struct {
	// MchID is the merchant: prepay bodies must name it, and the control
	// actions (Pay, FinishRefund, ...) act on its orders.
	MchID string
	// Clock is the server time (default time.Now).
	Clock func() time.Time
	// RefundDelay is how long a refund stays PROCESSING before it succeeds
	// by itself (RunSettler); 0: only FinishRefund settles it.
	RefundDelay time.Duration
	// CheckNotifyURL refuses the notify_url of a prepay or refund (nil:
	// any URL the spec accepts).
	CheckNotifyURL func(raw string) *gateway.Error
}

// Engine plays the state machines over a Store. It is safe for concurrent
// use.
type Engine struct {
	cfg   Config
	store Store
	wake  chan struct{}
}

// New returns an Engine keeping its state in store.
func New(store Store, cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Engine{cfg: cfg, store: store, wake: make(chan struct{}, 1)}
}

func (e *Engine) now() time.Time { return e.cfg.Clock() }

type operation func(e *Engine, rt *gateway.Route, query url.Values, body []byte) (any, int, error)

var operations = map[string]operation{
	"jsapiPrepay":               prepay("JSAPI"),
	"appPrepay":                 prepay("APP"),
	"h5Prepay":                  prepay("MWEB"),
	"nativePrepay":              prepay("NATIVE"),
	"queryOrderByTransactionID": (*Engine).queryByTransactionID,
	"queryOrderByOutTradeNo":    (*Engine).queryByOutTradeNo,
	"closeOrder":                (*Engine).closeOrder,
	"createRefund":              (*Engine).createRefund,
	"queryRefundByOutRefundNo":  (*Engine).queryRefund,
}

// Handles reports whether operationID is one of the payment core's.
func Handles(operationID string) bool { return operations[operationID] != nil }

// Playable reports whether a spec whose operations has reports can play
// the state machines: it has a prepay. Without one no order can exist, so
// a spec with only, say, the refund operations keeps their examples
// rather than answering every refund 404.
func Playable(has func(operationID string) bool) bool {
	for _, id := range []string{"jsapiPrepay", "appPrepay", "h5Prepay", "nativePrepay"} {
		if has(id) {
			return true
		}
	}
	return false
}

// Serve answers a request that passed the front door's checks, routed to
// rt; nil when the operation is not the payment core's.
func (e *Engine) Serve(rt *gateway.Route, query url.Values, body []byte) *gateway.Response {
	op := operations[rt.OperationID]
	if op == nil {
		return nil
	}
	v, status, err := op(e, rt, query, body)
	if ge := answerOf(err); ge != nil {
		return ge.Response()
	}
	if v == nil {
		return &gateway.Response{Status: status, Header: http.Header{}}
	}
	return gateway.JSONResponse(status, v)
}

// canonical is body as one canonical JSON text (keys sorted, no spaces),
// the form repeated requests are compared in.
func canonical(body []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, refusal{gateway.ParamError("/", "body", err.Error(), "参数错误："+err.Error())}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSpace(b.Bytes()), nil
}

func orderQueue(o *Order) string { return "order/" + o.MchID + "/" + o.OutTradeNo }

// asError is the error of a control action: the refusal's *gateway.Error,
// or the store's error.
func asError(err error) error {
	var r refusal
	if errors.As(err, &r) {
		return r.e
	}
	return err
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("payments: encoding: " + err.Error())
	}
	return bytes.TrimSpace(b.Bytes())
}
