package gateway

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds.
const (
	FaultLatency      = "latency"    // delay the answer by Delay
	FaultAccepted     = "202"        // answer 202 with an empty body, without processing
	FaultRateLimited  = "429"        // answer 429 RATELIMIT_EXCEEDED, without processing
	FaultSystemError  = "500"        // answer 500 SYSTEM_ERROR, without processing
	FaultDrop         = "drop"       // close the connection without answering, without processing
	FaultDropAfter    = "drop-after" // process, then close the connection without answering (a lost answer)
	FaultBadSignature = "badsig"     // process, then send a Wechatpay-Signature that does not verify
	FaultStale        = "stale"      // process, then sign with a Wechatpay-Timestamp 10 minutes old
)

// Fault is one injected fault. It applies to the requests for Operation
// (an operationId; "" for every WeChat Pay path), Times times (0: until
// replaced).
type Fault struct {
	Kind      string        `json:"kind"`
	Delay     time.Duration `json:"delay,omitempty"`
	Operation string        `json:"op,omitempty"`
	Times     int           `json:"times,omitempty"`
}

// ParseFaults parses a fault spec: rules separated by ';', each
//
//	KIND[=DELAY][,times=N][,op=OPERATION_ID]
//
// with KIND one of latency (which needs =DELAY, a Go duration such as 300ms),
// 202, 429, 500, drop, drop-after, badsig, stale. Examples: "429,times=2",
// "latency=2s,op=getCard", "drop,times=1,op=addUserRecords;stale". The empty
// spec means no faults.
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	for _, rule := range strings.Split(spec, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		parts := strings.Split(rule, ",")
		kind, arg, hasArg := strings.Cut(strings.TrimSpace(parts[0]), "=")
		f := Fault{Kind: kind}
		switch kind {
		case FaultLatency:
			d, err := time.ParseDuration(arg)
			if !hasArg || err != nil || d <= 0 {
				return nil, fmt.Errorf("fault %q: latency needs a positive duration, e.g. latency=300ms", rule)
			}
			f.Delay = d
		case FaultAccepted, FaultRateLimited, FaultSystemError, FaultDrop, FaultDropAfter, FaultBadSignature, FaultStale:
			if hasArg {
				return nil, fmt.Errorf("fault %q: %s takes no value", rule, kind)
			}
		default:
			return nil, fmt.Errorf("fault %q: unknown kind %q (latency, 202, 429, 500, drop, drop-after, badsig, stale)", rule, kind)
		}
		for _, opt := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(opt), "=")
			switch k {
			case "times":
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("fault %q: times must be a positive integer", rule)
				}
				f.Times = n
			case "op":
				if v == "" {
					return nil, fmt.Errorf("fault %q: op needs an operationId", rule)
				}
				f.Operation = v
			default:
				return nil, fmt.Errorf("fault %q: unknown option %q (times, op)", rule, k)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// FormatFaults is the spec ParseFaults reads back into faults.
func FormatFaults(faults []Fault) string {
	rules := make([]string, len(faults))
	for i, f := range faults {
		r := f.Kind
		if f.Kind == FaultLatency {
			r += "=" + f.Delay.String()
		}
		if f.Times > 0 {
			r += ",times=" + strconv.Itoa(f.Times)
		}
		if f.Operation != "" {
			r += ",op=" + f.Operation
		}
		rules[i] = r
	}
	return strings.Join(rules, ";")
}

// FaultSet holds the faults in force; it is safe for concurrent use and
// its zero value holds none.
type FaultSet struct {
	mu     sync.Mutex
	faults []Fault
}

// Set replaces the faults in force.
func (fs *FaultSet) Set(faults []Fault) {
	fs.mu.Lock()
	fs.faults = append([]Fault(nil), faults...)
	fs.mu.Unlock()
}

// List returns the faults in force, with the times left.
func (fs *FaultSet) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]Fault(nil), fs.faults...)
}

// Applied is what the faults do to one request.
type Applied struct {
	Delay        time.Duration
	Drop         bool
	DropAfter    bool
	Answer       *Response // replaces processing
	BadSignature bool
	Stale        bool
}

// Take applies every fault matching operationID, consuming one of its
// times; the first of 202, 429, 500 and drop wins (over drop-after too).
func (fs *FaultSet) Take(operationID string) Applied {
	var a Applied
	if fs == nil {
		return a
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	kept := fs.faults[:0]
	for _, f := range fs.faults {
		if f.Operation != "" && f.Operation != operationID {
			kept = append(kept, f)
			continue
		}
		blocking := a.Drop || a.Answer != nil
		switch f.Kind {
		case FaultLatency:
			a.Delay += f.Delay
		case FaultAccepted, FaultRateLimited, FaultSystemError, FaultDrop:
			if blocking { // not used up by this request
				kept = append(kept, f)
				continue
			}
			switch f.Kind {
			case FaultAccepted:
				a.Answer = &Response{Status: http.StatusAccepted, Header: http.Header{}}
			case FaultRateLimited:
				a.Answer = (&Error{Status: http.StatusTooManyRequests, Code: "RATELIMIT_EXCEEDED", Message: "请求频率超过限制，请稍后重试"}).Response()
			case FaultSystemError:
				a.Answer = (&Error{Status: http.StatusInternalServerError, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}).Response()
			case FaultDrop:
				a.Drop = true
			}
		case FaultDropAfter:
			a.DropAfter = true
		case FaultBadSignature:
			a.BadSignature = true
		case FaultStale:
			a.Stale = true
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				continue
			}
		}
		kept = append(kept, f)
	}
	fs.faults = kept
	return a
}
