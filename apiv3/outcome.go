package apiv3

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
)

// ErrOutcomeUnknown is wrapped by the error of a call that is not safe to
// repeat (a POST without x-wechatpay-idempotent, such as a prepay or a
// refund) when the request may have reached WeChat Pay but no answer came
// back: a timeout after sending, a connection cut while the answer was on
// its way. WeChat Pay may have acted on it, so the runtime does not send it
// again, and neither should the caller before it has asked WeChat Pay what
// happened: the *OutcomeUnknownError names the query that settles it.
//
//	if errors.Is(err, apiv3.ErrOutcomeUnknown) {
//		// Query the order by out_trade_no, then pay, wait or give up.
//	}
//
// A request that cannot have been sent (the connection was refused, the
// host name did not resolve, the TLS handshake failed) fails with its
// transport error alone.
var ErrOutcomeUnknown = errors.New("apiv3: outcome unknown")

// OutcomeUnknownError is the error of a call whose outcome is unknown; it
// wraps ErrOutcomeUnknown and the transport error.
type OutcomeUnknownError struct {
	Op string // "POST /v3/refund/domestic/refunds"
	// SettledBy is the operation that tells whether the request took effect,
	// "queryRefund (GET /v3/refund/domestic/refunds/{out_refund_no})", from
	// the spec's x-wechatpay-settled-by; "" when the spec names none.
	SettledBy string
	Err       error // what the transport reported
}

func (e *OutcomeUnknownError) Error() string {
	var b strings.Builder
	b.WriteString("apiv3: ")
	b.WriteString(e.Op)
	b.WriteString(": outcome unknown, the request may have reached WeChat Pay but no answer came (")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "apiv3: "))
	b.WriteString("); it was not sent again: ")
	if e.SettledBy != "" {
		b.WriteString("call ")
		b.WriteString(e.SettledBy)
		b.WriteString(" to learn whether it took effect before you repeat it")
	} else {
		b.WriteString("find out whether it took effect before you repeat it")
	}
	return b.String()
}

// Unwrap returns ErrOutcomeUnknown and Err, for errors.Is and errors.As.
func (e *OutcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.Err} }

// mayHaveBeenSent reports whether a transport error leaves open that the
// request reached the server: anything but a failure to connect. It errs
// on the side of "maybe", since calling a sent payment unsent is what
// causes double charges.
func mayHaveBeenSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return false
	}
	var dns *net.DNSError
	var rec tls.RecordHeaderError
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return !errors.As(err, &dns) && !errors.As(err, &rec) && !errors.As(err, &cert) &&
		!errors.As(err, &unknownCA) && !errors.As(err, &hostname) && !errors.As(err, &invalid)
}
