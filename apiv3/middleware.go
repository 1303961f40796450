package apiv3

import (
	"context"
	"fmt"
	"net/http"
)

// Middleware wraps the transport that sends each attempt of a call: it
// gets the next http.RoundTripper and returns one that does something
// around it (start a span, count, time), as otelhttp.NewTransport and most
// HTTP instrumentation do. The request it sees is signed and final, and
// its context says which operation the attempt belongs to (OperationFrom).
// It must not change the request (the signature covers its method, path,
// query and body) and must return the response as it came: the client reads
// and verifies it afterwards.
type Middleware func(next http.RoundTripper) http.RoundTripper

// WithMiddleware wraps the client's transport in mw, the first outermost:
// WithMiddleware(a, b) sends through a(b(transport)). Later WithMiddleware
// options add further inside. The wrapping is built once, by NewClient;
// a call through a client with middleware costs two allocations per attempt
// (the operation and the context carrying it), one without costs none.
//
// With OpenTelemetry (go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp),
// one span per attempt named after the operation:
//
//	apiv3.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
//		return otelhttp.NewTransport(next, otelhttp.WithSpanNameFormatter(
//			func(_ string, r *http.Request) string {
//				op, _ := apiv3.OperationFrom(r.Context())
//				return "wxpay " + op.ID // e.g. "wxpay getCard"
//			}))
//	})
func WithMiddleware(mw ...Middleware) Option {
	return optionFunc(func(s *settings) {
		for _, m := range mw {
			if m != nil {
				s.middleware = append(s.middleware, m)
			}
		}
	})
}

// RoundTripperFunc is an http.RoundTripper made of a function, for
// middleware written in place.
type RoundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f(r).
func (f RoundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Operation is what a middleware learns from the context of the request it
// sends (OperationFrom): which operation, and which attempt of the call.
type Operation struct {
	// ID is the spec's operationId ("getCard"), which generated code passes
	// in Request.OperationID; "" for a call outside the spec (Client.Chain,
	// a Request without it).
	ID string
	// Method is the HTTP method, "GET".
	Method string
	// Template is the path template, "/v3/discount-card/cards/{out_card_code}"
	// (the path itself when the Request has no template). Unlike the path
	// it holds no values, so it makes a good metric label or span name.
	Template string
	// Attempt is 1 for the first attempt, 2 for the first retry, ...
	Attempt int
}

type operationKey struct{}

// withOperation returns ctx carrying op.
func withOperation(ctx context.Context, op *Operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// OperationFrom returns the operation that the request whose context is ctx
// belongs to. It is there for the requests the client sends through a
// client with middleware (WithMiddleware), and there only: a client without
// middleware does not pay for it.
func OperationFrom(ctx context.Context) (Operation, bool) {
	op, ok := ctx.Value(operationKey{}).(*Operation)
	if !ok || op == nil {
		return Operation{}, false
	}
	return *op, true
}

// wrapTransport returns a copy of hc whose transport is wrapped in mw
// (outermost first); hc itself is not changed.
func wrapTransport(hc *http.Client, mw []Middleware) (*http.Client, error) {
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	for i := len(mw) - 1; i >= 0; i-- {
		if rt = mw[i](rt); rt == nil {
			return nil, fmt.Errorf("apiv3: WithMiddleware: middleware %d of %d returned a nil http.RoundTripper", i+1, len(mw))
		}
	}
	wrapped := *hc
	wrapped.Transport = rt
	return &wrapped, nil
}
