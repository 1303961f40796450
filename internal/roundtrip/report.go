package roundtrip

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// RoundTripReport is the table of operations ok and refused (by whom, with
// why for each), and whether any was refused.
func (r *Result) RoundTripReport() (string, bool) {
	var b strings.Builder
	byWho := map[string]int{}
	ok := 0
	for _, op := range r.Ops {
		if op.Refused == "" {
			ok++
		} else {
			byWho[op.Refused]++
		}
	}
	fmt.Fprintf(&b, "round trip: %d operations, %d ok, %d refused", len(r.Ops), ok, len(r.Ops)-ok)
	for _, who := range slices.Sorted(maps.Keys(byWho)) {
		fmt.Fprintf(&b, "; %s %d", who, byWho[who])
	}
	fmt.Fprintf(&b, " (generate %v, go test %v, total %v)\n", r.Generate.Round(timeUnit), r.GoTest.Round(timeUnit), r.Total.Round(timeUnit))
	for _, op := range r.Ops {
		if op.Refused != "" {
			fmt.Fprintf(&b, "  REFUSED %s [%s] %s\n", op.Key, op.Refused, shorten(op.Reason, 400))
		}
	}
	return b.String(), ok < len(r.Ops)
}

const timeUnit = 100 * 1e6 // 0.1 s

// The verdict pairs of the fidelity table.
const (
	bothRefuse = iota
	bothAccept
	onlyServer
	onlyClient
	excused // only the server refuses a missing required number or boolean (see zeroExcused)
	columns
)

var columnNames = [columns]string{"both refuse", "both accept", "only server refuses", "only client refuses", "excused (zero value)"}

func (v *Verdict) column() int {
	server, client := v.ServerReason != "", v.ClientReason != ""
	switch {
	case server && client:
		return bothRefuse
	case !server && !client:
		return bothAccept
	case server && v.zeroExcused():
		return excused
	case server:
		return onlyServer
	}
	return onlyClient
}

// zeroExcused is the one disagreement allowed: a required number or boolean
// left out, which decodes to 0 or false, so that Validate cannot tell it
// from absence, and whose zero value the server accepts (so the client
// sends nothing the server would refuse).
func (v *Verdict) zeroExcused() bool {
	switch v.Mutation.member {
	case "integer", "number", "boolean":
		return v.Mutation.kind == kindRequired && v.SentAccepted
	}
	return false
}

// FidelityReport is the table of verdicts per constraint kind, the excused
// ones, and every disagreement grouped by kind, side and (for required
// members) the member's type; the count of disagreements says whether the
// test fails.
func (r *Result) FidelityReport() (string, int) {
	var b strings.Builder
	counts := make([][columns]int, len(kinds))
	type group struct{ kind, side, member string }
	failures := map[group][]*Verdict{}
	var excusedList []*Verdict
	for _, v := range r.Fidelity {
		col := v.column()
		counts[slices.Index(kinds, v.Mutation.kind)][col]++
		switch col {
		case excused:
			excusedList = append(excusedList, v)
		case onlyServer, onlyClient:
			g := group{v.Mutation.kind, columnNames[col], v.Mutation.member}
			failures[g] = append(failures[g], v)
		}
	}
	fmt.Fprintf(&b, "fidelity: %d mutations of JSON bodies, server (openapi3filter) vs client (json.Unmarshal + Validate)\n", len(r.Fidelity))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "kind\t%s\t\n", strings.Join(columnNames[:], "\t"))
	for i, k := range kinds {
		fmt.Fprintf(tw, "%s", k)
		for _, n := range counts[i] {
			fmt.Fprintf(tw, "\t%d", n)
		}
		fmt.Fprintln(tw, "\t")
	}
	tw.Flush()
	for _, p := range r.BaseProblems {
		fmt.Fprintf(&b, "  NOT JUDGED %s\n", shorten(p, 400))
	}
	if len(excusedList) > 0 {
		byType := map[string]int{}
		for _, v := range excusedList {
			byType[v.Mutation.member]++
		}
		fmt.Fprintf(&b, "excused: %d required numbers or booleans left out, which decode to 0/false (Validate cannot tell them from absence) and whose zero value the server accepts:", len(excusedList))
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			fmt.Fprintf(&b, " %s %d;", t, byType[t])
		}
		b.WriteString("\n")
		for _, v := range excusedList {
			fmt.Fprintf(&b, "  %s %s (%s)\n", v.Op, v.Mutation.ptr, v.Mutation.member)
		}
	}
	n := 0
	for _, g := range slices.SortedFunc(maps.Keys(failures), func(a, c group) int {
		return cmp.Or(cmp.Compare(slices.Index(kinds, a.kind), slices.Index(kinds, c.kind)), strings.Compare(a.side, c.side), strings.Compare(a.member, c.member))
	}) {
		vs := failures[g]
		n += len(vs)
		what := g.kind
		if g.member != "" {
			what += " " + g.member + " member"
		}
		fmt.Fprintf(&b, "DISAGREE %s, %s: %d\n", what, g.side, len(vs))
		for _, v := range vs {
			client := orAccepts(v.ClientReason)
			if v.Mutation.kind == kindRequired && v.ClientReason == "" {
				client += ", and would send the Go zero value, which the server " + map[bool]string{true: "accepts", false: "refuses"}[v.SentAccepted]
			}
			fmt.Fprintf(&b, "  %s %s: %s\n    server: %s\n    client: %s\n", v.Op, v.Mutation.ptr, shorten(v.Mutation.what, 120),
				orAccepts(v.ServerReason), client)
		}
	}
	return b.String(), n
}

func orAccepts(reason string) string {
	if reason == "" {
		return "accepts"
	}
	return shorten(reason, 300)
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
