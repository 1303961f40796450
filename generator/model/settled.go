package model

import (
	"slices"
	"strings"
)

// resolveSettledBy links each x-wechatpay-settled-by to the operation it
// names. A name the spec does not have (or an operation left out) costs
// only the wording of the error: a warning says so and the operation is
// generated without it. On an operation that is safe to repeat the mark
// means nothing, since its outcome is never left unknown: a warning too.
func (b *builder) resolveSettledBy() {
	byID := map[string]*Operation{}
	var gets []*Operation
	for _, op := range b.api.Operations {
		if op.ID != "" {
			byID[op.ID] = op
		}
		if op.Method == MethodGet && len(op.PathParams) > 0 {
			gets = append(gets, op)
		}
	}
	for _, op := range b.api.Operations {
		if op.settledByID == "" {
			op.SettledBy = b.inferSettledBy(op, gets)
			continue
		}
		switch target := byID[op.settledByID]; {
		case op.Idempotent:
			b.diags.Warnf(op.Pos, "remove x-wechatpay-settled-by, or x-wechatpay-idempotent if a repeat is not safe",
				"x-wechatpay-settled-by on %s, which is safe to repeat: its outcome is never unknown", op.describe())
		case target == nil:
			b.diags.Warnf(op.Pos, "name the operationId of the query that tells whether the request took effect",
				"x-wechatpay-settled-by on %s names operation %q, which this spec does not generate; the error of an unknown outcome will name no query",
				op.describe(), op.settledByID)
		case target == op || target.Method != MethodGet:
			b.diags.Warnf(op.Pos, "name a GET operation, the query of what this one creates",
				"x-wechatpay-settled-by on %s names %s, which is not a query", op.describe(), target.describe())
		default:
			op.SettledBy = target
		}
	}
}

// inferSettledBy names the settling query of a POST the spec leaves
// unmarked, by WeChat Pay's own convention: the resource a POST creates is
// read back by a GET keyed by the merchant's number (out_*) the POST
// carries as a required body member (out_refund_no of a refund is the
// {out_refund_no} of the refund query; out_trade_no of a prepay, the
// {out_trade_no} of the order query), whose other path parameters the POST
// knows too. Among such GETs the one whose path
// shares the most leading segments with the POST's wins; a tie, or no
// shared segment after the version, names none. It only words an error, so
// a spec that disagrees says so with x-wechatpay-settled-by.
func (b *builder) inferSettledBy(op *Operation, gets []*Operation) *Operation {
	if op.Method != MethodPost || op.Idempotent || op.Body == nil || op.Multipart != nil {
		return nil
	}
	// known: what the POST knows of the resource (its body's required
	// strings and its own path parameters); numbers: the merchant's numbers
	// among them, which WeChat Pay names out_* (out_trade_no, out_refund_no,
	// out_batch_no, ...).
	known, numbers := map[string]bool{}, map[string]bool{}
	for _, f := range op.Body.Fields {
		if f.Required && f.Type != nil && f.Type.Kind == KindString {
			known[f.JSONName] = true
			numbers[f.JSONName] = strings.HasPrefix(f.JSONName, "out_")
		}
	}
	for _, p := range op.PathParams {
		known[p.Name] = true
	}
	var best *Operation
	bestScore, tie := 0, false
	for _, q := range gets {
		// The query must be callable from what the POST sent, and be keyed
		// by a merchant's number it sent in its body.
		if !slices.ContainsFunc(q.PathParams, func(p *Param) bool { return numbers[p.Name] }) ||
			slices.ContainsFunc(q.PathParams, func(p *Param) bool { return !known[p.Name] }) {
			continue
		}
		score := sharedSegments(op.Path, q.Path)
		switch {
		case score > bestScore:
			best, bestScore, tie = q, score, false
		case score == bestScore:
			tie = true
		}
	}
	if tie || bestScore < 3 { // "", "v3" and at least one segment of the product
		return nil
	}
	return best
}

// sharedSegments counts the leading "/"-separated segments two paths share.
func sharedSegments(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}
