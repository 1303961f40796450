package roundtrip

import (
	"strings"
	"testing"
)

// Only a required number or boolean whose zero value the server accepts
// is excused; every other one-sided verdict is a disagreement.
func TestFidelityVerdicts(t *testing.T) {
	refused := "PARAM_ERROR: missing"
	r := &Result{Fidelity: []*Verdict{
		{Op: "a", Mutation: mutation{kind: kindRequired, member: "integer"}, ServerReason: refused, SentAccepted: true},
		{Op: "b", Mutation: mutation{kind: kindRequired, member: "integer"}, ServerReason: refused},
		{Op: "c", Mutation: mutation{kind: kindRequired, member: "string"}, ServerReason: refused, SentAccepted: true},
		{Op: "d", Mutation: mutation{kind: kindEnum}, ClientReason: "validation: enum"},
		{Op: "e", Mutation: mutation{kind: kindLength}, ServerReason: refused, ClientReason: "validation: maxLength"},
		{Op: "f", Mutation: mutation{kind: kindRange}},
	}}
	cols := []int{excused, onlyServer, onlyServer, onlyClient, bothRefuse, bothAccept}
	for i, v := range r.Fidelity {
		if got := v.column(); got != cols[i] {
			t.Errorf("%s: column %s, want %s", v.Op, columnNames[got], columnNames[cols[i]])
		}
	}
	text, n := r.FidelityReport()
	if n != 3 || !strings.Contains(text, "excused: 1 required") || !strings.Contains(text, "DISAGREE required string member, only server refuses: 1") {
		t.Errorf("%d disagreements:\n%s", n, text)
	}
}
