// Package driver is the hand-written half of the test that internal/roundtrip
// generates for a spec: the generated half is one typed call per operation
// through the generated client's chain, and one typed decode-and-Validate
// per JSON request body; this half reads the values the harness built
// (Cases), runs them, and writes what happened (Report) for the harness to
// judge. It decides nothing: every verdict is the harness's.
package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// The environment the harness runs the generated test in.
const (
	EnvURL    = "WXPAYGEN_ROUNDTRIP_URL"    // the test server's base URL
	EnvCases  = "WXPAYGEN_ROUNDTRIP_CASES"  // the Cases file to read
	EnvReport = "WXPAYGEN_ROUNDTRIP_REPORT" // the Report file to write
)

// Cases are the inputs of every operation, keyed by Op.Key.
type Cases map[string]*Case

// Case is one operation's input, as JSON values for its typed arguments.
type Case struct {
	// Path and Params are the path parameters and the query and header
	// parameters sent, by wire name.
	Path   map[string]json.RawMessage `json:"path,omitempty"`
	Params map[string]json.RawMessage `json:"params,omitempty"`
	// Body is the request body (a multipart body as its parts' struct).
	Body json.RawMessage `json:"body,omitempty"`
	// Digest is what an unsigned download must match.
	Digest *apiv3.Digest `json:"digest,omitempty"`
	// Bodies are request bodies to decode and validate only.
	Bodies []json.RawMessage `json:"bodies,omitempty"`
}

// Report is what the generated test saw, keyed by Op.Key.
type Report map[string]*Outcome

// Outcome is the result of one operation's call and of its Checks.
type Outcome struct {
	// Error is nil when the call succeeded: signed, sent, accepted, and the
	// answer verified and decoded into the typed response, which has a field
	// for every member of the answer.
	Error *Failure `json:"error,omitempty"`
	// Status is the answer's HTTP status (0 when nothing was answered).
	Status int `json:"status,omitempty"`
	// Checks are the client's verdicts on Case.Bodies, in order.
	Checks []*Verdict `json:"checks,omitempty"`
}

// Verdict is the client's answer to one body.
type Verdict struct {
	// Refused is nil when Validate accepts the body.
	Refused *Failure `json:"refused,omitempty"`
	// Sent is what the client would send for an accepted body: the typed
	// request encoded again (a member left out comes back as its Go zero
	// value).
	Sent json.RawMessage `json:"sent,omitempty"`
}

// Failure is an error, classified.
type Failure struct {
	// Class is one of the Class* constants.
	Class   string `json:"class"`
	Message string `json:"message"`
}

// The classes of failures, by the party that refused.
const (
	ClassInput        = "input"        // the case's values do not fit the typed arguments
	ClassValidation   = "validation"   // the client's Validate refused before sending
	ClassServer       = "server"       // the server answered an error (APIError)
	ClassVerification = "verification" // the client refused the answer's signature
	ClassDigest       = "digest"       // the download did not match its digest
	ClassDecoding     = "decoding"     // the typed response lacks a field for a member of the answer
	ClassClient       = "client"       // any other error of the client (decoding, transport)
)

// Op is one operation of the generated test.
type Op struct {
	Key string
	// Call sends the case through the typed client.
	Call func(ctx context.Context, in *Input) (any, *apiv3.Response, error)
	// Check decodes a JSON body into the typed request, validates it and
	// encodes it again; nil for operations without a JSON body.
	Check func(body []byte) ([]byte, error)
}

// Input hands a case's values to a Call, decoded into typed variables. The
// first error is kept; Err reports it.
type Input struct {
	c   *Case
	err error
}

// Path decodes the path parameter name into v. A method that takes a
// string (the operations under it give the parameter different schemas)
// gets a scalar's text as it travels in the path.
func (in *Input) Path(name string, v any) {
	if s, ok := v.(*string); ok && in.err == nil {
		if raw, ok := in.c.Path[name]; ok && len(raw) > 0 && raw[0] != '"' {
			*s = string(raw)
			return
		}
	}
	in.decode("path parameter "+name, in.c.Path, name, v)
}

// Param decodes the query or header parameter name into v, when the case
// has it.
func (in *Input) Param(name string, v any) { in.decode("parameter "+name, in.c.Params, name, v) }

func (in *Input) decode(what string, from map[string]json.RawMessage, name string, v any) {
	raw, ok := from[name]
	if !ok || in.err != nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		in.err = fmt.Errorf("%s %s does not fit %T: %w", what, raw, v, err)
	}
}

// Body decodes the body into v, refusing members v has no field for: the
// typed client could not send them.
func (in *Input) Body(v any) {
	if in.err == nil {
		in.err = decodeStrict(in.c.Body, v)
	}
}

// Digest is the digest of an unsigned download.
func (in *Input) Digest() apiv3.Digest {
	if in.c.Digest == nil {
		return apiv3.Digest{}
	}
	return *in.c.Digest
}

// Err is the first decoding error, as an *InputError.
func (in *Input) Err() error {
	if in.err == nil {
		return nil
	}
	return &InputError{in.err}
}

// InputError says that a case does not fit the typed arguments.
type InputError struct{ Err error }

func (e *InputError) Error() string {
	return "the typed arguments cannot hold the case: " + e.Err.Error()
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Check is Op.Check for a body type T: json.Unmarshal, Validate, then
// json.Marshal of what the client would send.
func Check[T any](body []byte) ([]byte, error) {
	var x T
	if err := json.Unmarshal(body, &x); err != nil {
		return nil, &InputError{err}
	}
	if v, ok := any(&x).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return json.Marshal(&x)
}

// Config is the client configuration for the test server: the test keys
// in public-key mode, the server's URL from the environment.
func Config() apiv3.Config {
	return apiv3.Config{
		BaseURL:                   os.Getenv(EnvURL),
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}
}

// Options are the client options: one attempt per call, so that every
// call is one request the server recorded.
func Options() []apiv3.Option { return []apiv3.Option{apiv3.WithoutRetry()} }

// Run runs every op against the case of the same key and writes the
// report. It fails t only when it cannot do that: verdicts are the
// harness's.
func Run(t *testing.T, ops []Op) {
	data, err := os.ReadFile(os.Getenv(EnvCases))
	if err != nil {
		t.Fatal(err)
	}
	var cases Cases
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	report := Report{}
	for _, op := range ops {
		c := cases[op.Key]
		if c == nil {
			continue
		}
		report[op.Key] = run(op, c)
	}
	out, err := json.Marshal(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(EnvReport), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(op Op, c *Case) *Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o := &Outcome{}
	out, resp, err := op.Call(ctx, &Input{c: c})
	if resp != nil {
		o.Status = resp.StatusCode
	}
	if err == nil {
		err = decodesWhole(out, resp)
	}
	var ae *apiv3.APIError
	if errors.As(err, &ae) {
		o.Status = ae.StatusCode
	}
	o.Error = classify(err)
	if op.Check != nil {
		for _, b := range c.Bodies {
			sent, err := op.Check(b)
			o.Checks = append(o.Checks, &Verdict{Refused: classify(err), Sent: sent})
		}
	}
	return o
}

// decodesWhole checks that the typed response holds every member of the
// answer: the leaf decodes leniently, so a member its type has no field
// for would be lost without an error.
func decodesWhole(out any, resp *apiv3.Response) error {
	if out == nil || resp == nil || len(resp.Body) == 0 {
		return nil
	}
	t := reflect.TypeOf(out)
	if t.Kind() != reflect.Pointer || reflect.ValueOf(out).IsNil() {
		return nil // a download's bytes
	}
	if err := decodeStrict(resp.Body, reflect.New(t.Elem()).Interface()); err != nil {
		return &DecodeError{Err: err}
	}
	return nil
}

// DecodeError says that the typed response cannot hold the whole answer.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string {
	return "the typed response cannot hold the answer: " + e.Err.Error()
}

// classify names the party that refused.
func classify(err error) *Failure {
	if err == nil {
		return nil
	}
	var (
		ie *InputError
		de *DecodeError
		ve *apiv3.ValidationError
		ae *apiv3.APIError
		se *apiv3.VerificationError
	)
	switch {
	case errors.As(err, &ie):
		return &Failure{ClassInput, err.Error()}
	case errors.As(err, &de):
		return &Failure{ClassDecoding, err.Error()}
	case errors.As(err, &ve):
		return &Failure{ClassValidation, err.Error()}
	case errors.As(err, &ae):
		msg := err.Error()
		if len(ae.Detail) > 0 {
			msg += " " + string(ae.Detail)
		}
		return &Failure{ClassServer, msg}
	case errors.As(err, &se):
		return &Failure{ClassVerification, err.Error()}
	case errors.Is(err, apiv3.ErrDigestMismatch):
		return &Failure{ClassDigest, err.Error()}
	}
	return &Failure{ClassClient, err.Error()}
}
