package sandbox

import (
	"fmt"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Faults are the front door's (internal/gateway), shared with the test kit:
// the names are kept here for the command and the sandbox's users.
type Fault = gateway.Fault

// Fault kinds.
const (
	FaultLatency      = gateway.FaultLatency
	FaultAccepted     = gateway.FaultAccepted
	FaultRateLimited  = gateway.FaultRateLimited
	FaultSystemError  = gateway.FaultSystemError
	FaultDrop         = gateway.FaultDrop
	FaultDropAfter    = gateway.FaultDropAfter
	FaultBadSignature = gateway.FaultBadSignature
	FaultStale        = gateway.FaultStale
)

// ParseFaults parses a fault spec (gateway.ParseFaults): rules separated by
// ';', each KIND[=DELAY][,times=N][,op=OPERATION_ID].
func ParseFaults(spec string) ([]Fault, error) { return gateway.ParseFaults(spec) }

// FormatFaults is the spec ParseFaults reads back into faults.
func FormatFaults(faults []Fault) string { return gateway.FormatFaults(faults) }

// SetFaults replaces the faults in force.
func (s *Server) SetFaults(faults []Fault) { s.faults.Set(faults) }

// Faults returns the faults in force, with the times left.
func (s *Server) Faults() []Fault { return s.faults.List() }

// Answer is what an operation is programmed to answer (gateway.Answer): a
// status and JSON body, or a WeChat Pay error code.
type Answer = gateway.Answer

// SetAnswer programs operationID to answer a instead of its rules or its
// example (a.Times 0: until cleared).
func (s *Server) SetAnswer(operationID string, a Answer) error {
	if s.front.Router.Operation(operationID) == nil {
		return fmt.Errorf("sandbox: no operation %q in the spec", operationID)
	}
	return s.answers.Set(operationID, a)
}

// ClearAnswers removes the answer of operationID, or every answer for "".
func (s *Server) ClearAnswers(operationID string) { s.answers.Clear(operationID) }

// Answers returns the programmed answers, by operationId.
func (s *Server) Answers() map[string]Answer { return s.answers.List() }
