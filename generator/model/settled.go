package model

// resolveSettledBy links each x-wechatpay-settled-by to the operation it
// names. A name the spec does not have (or an operation left out) costs
// only the wording of the error: a warning says so and the operation is
// generated without it. On an operation that is safe to repeat the mark
// means nothing, since its outcome is never left unknown: a warning too.
func (b *builder) resolveSettledBy() {
	byID := map[string]*Operation{}
	for _, op := range b.api.Operations {
		if op.ID != "" {
			byID[op.ID] = op
		}
	}
	for _, op := range b.api.Operations {
		if op.settledByID == "" {
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
