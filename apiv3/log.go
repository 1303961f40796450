package apiv3

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"time"
)

// WithLogger logs every attempt of every call on l at level Debug, once its
// fate is known, with these attributes:
//
//	operation   the spec's operationId ("getCard"); absent for calls outside the spec
//	method      "GET"
//	path        the path template, "/v3/discount-card/cards/{out_card_code}"
//	host        the host the attempt went to (the backup after a failover)
//	attempt     1 for the first attempt, 2 for the first retry, ...
//	status      the HTTP status; absent when no response arrived
//	request_id  the Request-ID of the response, to quote to WeChat Pay support
//	duration    from sending the request to the end of verifying the response
//	retry       why the call is tried again ("HTTP 500", "connection error"); absent otherwise
//	wait        how long the client waits before that retry
//	error       the error of the attempt, if any
//
// Nothing secret is logged: no header values but Request-ID, no bodies, no
// path values (the template stands for the path), and errors are the
// runtime's, which quote none of these either. When l does not log Debug
// (l.Enabled is false), a call costs nothing more than without a logger:
// no attribute is built and nothing is allocated. A nil l logs nothing.
//
// For the requests and responses themselves, with signatures redacted, use
// WithDebugHook; for tracing and metrics, WithMiddleware.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(s *settings) { s.logger = l })
}

// attemptOutcome is what the retry loop knows about one attempt.
type attemptOutcome struct {
	host    host
	attempt int
	start   time.Time
	res     *Response
	connErr bool
	err     error
	retry   bool          // the call is tried again
	wait    time.Duration // after this wait
}

// logAttempt logs a at Debug when the client has a logger that wants it.
// The check comes first, so that a logger whose level is above Debug costs
// one Enabled call and no allocation.
func (c *Client) logAttempt(ctx context.Context, p *prepared, a *attemptOutcome) {
	l := c.settings.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 11)
	if id := p.r.OperationID; id != "" {
		attrs = append(attrs, slog.String("operation", id))
	}
	attrs = append(attrs,
		slog.String("method", p.method),
		slog.String("path", p.name()),
		slog.String("host", a.host.url.Host),
		slog.Int("attempt", a.attempt),
	)
	if a.res != nil {
		attrs = append(attrs, slog.Int("status", a.res.StatusCode))
		if a.res.RequestID != "" {
			attrs = append(attrs, slog.String("request_id", a.res.RequestID))
		}
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(a.start)))
	if a.retry {
		attrs = append(attrs, slog.String("retry", retryReason(a)), slog.Duration("wait", a.wait))
	}
	if a.err != nil {
		attrs = append(attrs, slog.String("error", errorText(a.err)))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "apiv3: attempt", attrs...)
}

// errorText is err for the log. A transport error of net/http quotes the
// URL, whose path holds the path values: only its cause is logged.
func errorText(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// retryReason says why a is tried again.
func retryReason(a *attemptOutcome) string {
	var apiErr *APIError
	switch {
	case a.connErr:
		return "connection error"
	case errors.As(a.err, &apiErr):
		return "HTTP " + strconv.Itoa(apiErr.StatusCode)
	}
	return "error"
}
