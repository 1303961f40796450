package wxpaytest

import (
	"encoding/json"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Answer is what an operation is programmed to answer instead of its
// example: a status and a JSON body, or a WeChat Pay error. It is signed
// like every answer.
type Answer struct {
	// Status defaults to 200 with a Body, 204 without, 400 with a Code.
	Status int
	// Body is the success body: a value marshalled as JSON, or JSON bytes
	// ([]byte or json.RawMessage).
	Body any
	// Code is a WeChat Pay error code (ORDER_NOT_EXIST, SYSTEM_ERROR, ...):
	// the answer is then WeChat Pay's error body {code, message, detail}.
	Code    string
	Message string         // default: the code
	Detail  map[string]any // the error's detail
	// Times limits the answer to the next Times requests (0: until Respond
	// replaces it or Reset clears it).
	Times int
}

// Error is the answer of a WeChat Pay error: Error(404, "ORDER_NOT_EXIST", "订单不存在").
func Error(status int, code, message string) Answer {
	return Answer{Status: status, Code: code, Message: message}
}

// Respond programs operationID to answer a. The operation must be in the
// spec and the answer sendable (a status of 200..599, an error with 4xx or
// 5xx, a body that encodes as JSON).
func (k *Kit) Respond(operationID string, a Answer) {
	if k.front.Router.Operation(operationID) == nil {
		k.fail("Respond: no operation %q in the spec (it has %v)", operationID, k.Operations())
		return
	}
	ga := gateway.Answer{Status: a.Status, Code: a.Code, Message: a.Message, Detail: a.Detail, Times: a.Times}
	switch b := a.Body.(type) {
	case nil:
	case []byte:
		ga.Body = b
	case json.RawMessage:
		ga.Body = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			k.fail("Respond %s: encoding the body: %v", operationID, err)
			return
		}
		ga.Body = data
	}
	if err := k.answers.Set(operationID, ga); err != nil {
		k.fail("Respond %s: %v", operationID, err)
	}
}

// Fault is an injected fault: Kind (one of the Fault* constants), for the
// operation Operation ("" for all), Times times (0: until Reset), with
// Delay for FaultLatency.
type Fault = gateway.Fault

// Fault kinds.
const (
	FaultLatency      = gateway.FaultLatency      // delay the answer by Delay
	FaultAccepted     = gateway.FaultAccepted     // answer 202 with an empty body, without processing
	FaultRateLimited  = gateway.FaultRateLimited  // answer 429 RATELIMIT_EXCEEDED, without processing
	FaultSystemError  = gateway.FaultSystemError  // answer 500 SYSTEM_ERROR, without processing
	FaultDrop         = gateway.FaultDrop         // close the connection without an answer, without processing
	FaultDropAfter    = gateway.FaultDropAfter    // process, then close the connection (a lost answer: a prepay's or refund's error wraps apiv3.ErrOutcomeUnknown)
	FaultBadSignature = gateway.FaultBadSignature // process, then send a signature that does not verify
	FaultStale        = gateway.FaultStale        // process, then sign with a timestamp 10 minutes old
)

// Inject adds faults to those in force. The sandbox's text form works too:
// InjectSpec("drop,times=1,op=createRefund;latency=50ms").
func (k *Kit) Inject(faults ...Fault) {
	k.faults.Set(append(k.faults.List(), faults...))
}

// InjectSpec adds the faults of a fault spec: rules separated by ';', each
// KIND[=DELAY][,times=N][,op=OPERATION_ID].
func (k *Kit) InjectSpec(spec string) {
	faults, err := gateway.ParseFaults(spec)
	if err != nil {
		k.fail("InjectSpec: %v", err)
		return
	}
	k.Inject(faults...)
}

// Reset clears the programmed answers, the faults, the recorded calls, and
// the orders, refunds and deliveries of the payment core.
func (k *Kit) Reset() {
	k.answers.Clear("")
	k.faults.Set(nil)
	k.store.Clear()
	k.mu.Lock()
	k.calls, k.deliveries = nil, nil
	k.mu.Unlock()
}
