package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// sentinels are the runtime's error values a cause names, in the order
// they are tested.
var sentinels = []struct {
	name string
	err  error
}{
	{"apiv3.ErrBadSignature", apiv3.ErrBadSignature},
	{"apiv3.ErrUnknownSerial", apiv3.ErrUnknownSerial},
	{"apiv3.ErrMissingSignatureHeaders", apiv3.ErrMissingSignatureHeaders},
	{"apiv3.ErrSignatureProbe", apiv3.ErrSignatureProbe},
	{"apiv3.ErrTimestampSkew", apiv3.ErrTimestampSkew},
	{"apiv3.ErrDecrypt", apiv3.ErrDecrypt},
	{"apiv3.ErrMalformedNotification", apiv3.ErrMalformedNotification},
	{"apiv3.ErrNoPlatformCertificates", apiv3.ErrNoPlatformCertificates},
	{"apiv3.ErrDigestMismatch", apiv3.ErrDigestMismatch},
	{"apiv3.ErrResponseTooLarge", apiv3.ErrResponseTooLarge},
	{"apiv3.ErrOutcomeUnknown", apiv3.ErrOutcomeUnknown},
	{"context.DeadlineExceeded", context.DeadlineExceeded},
	{"context.Canceled", context.Canceled},
}

// cause names the typed errors inside err, outermost first, as a program
// would test them (errors.As, errors.Is):
// "*apiv3.RetryError (3 attempts), *apiv3.APIError (HTTP 500, code SYSTEM_ERROR, verified)".
// It is "" when err holds none of them.
func cause(err error) string {
	var parts []string
	var retryErr *apiv3.RetryError
	if errors.As(err, &retryErr) {
		parts = append(parts, fmt.Sprintf("*apiv3.RetryError (%d attempts)", retryErr.Attempts))
	}
	var apiErr *apiv3.APIError
	if errors.As(err, &apiErr) {
		verified := "unverified"
		if apiErr.Verified {
			verified = "signature verified"
		}
		s := fmt.Sprintf("*apiv3.APIError (HTTP %d", apiErr.StatusCode)
		if apiErr.Code != "" {
			s += ", code " + apiErr.Code
		}
		parts = append(parts, s+", "+verified+")")
	}
	var verErr *apiv3.VerificationError
	if errors.As(err, &verErr) {
		parts = append(parts, "*apiv3.VerificationError")
	}
	var valErr *apiv3.ValidationError
	if errors.As(err, &valErr) {
		parts = append(parts, fmt.Sprintf("*apiv3.ValidationError (%d violations)", len(valErr.Violations)))
	}
	var cfgErr *apiv3.ConfigError
	if errors.As(err, &cfgErr) {
		parts = append(parts, "*apiv3.ConfigError (field "+cfgErr.Field+")")
	}
	var specErr *specViolation
	if errors.As(err, &specErr) {
		parts = append(parts, "the spec refuses it ("+specErr.code+")")
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			parts = append(parts, s.name)
		}
	}
	return strings.Join(parts, ", ")
}
