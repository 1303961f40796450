package cli

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// cmdLs lists the spec's operations whose path starts with the prefix:
// method, path template, operationId, the generated client's chain and the
// summary, one a line, sorted by path then method.
func cmdLs(args []string, env *Env) error {
	fs := newFlagSet("ls", env)
	specDir := addSpecFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("ls takes at most one PREFIX, e.g. wxpay ls v3/discount-card")
	}
	prefix := ""
	if len(pos) == 1 {
		prefix = "/" + strings.TrimPrefix(pos[0], "/")
	}
	specs, err := loadSpec(orEnv(*specDir, env, "WXPAY_SPEC"))
	if err != nil {
		return err
	}
	type row struct{ method, path, id, chain, summary string }
	var rows []row
	for _, op := range specs.api.Operations {
		if strings.HasPrefix(op.Path, prefix) {
			rows = append(rows, row{op.Method.String(), op.Path, op.ID, chain(op), firstLine(op.Summary)})
		}
	}
	for _, left := range specs.api.LeftOut { // "METHOD /path"
		method, path, _ := strings.Cut(left, " ")
		if strings.HasPrefix(path, prefix) {
			rows = append(rows, row{method, path, "", "(left out of the generated client: wxpay call still sends it)", ""})
		}
	}
	if len(rows) == 0 {
		return usagef("no operation of %s has a path starting with %s", specs.name, prefix)
	}
	slices.SortFunc(rows, func(a, b row) int {
		return strings.Compare(a.path+" "+methodOrder(a.method), b.path+" "+methodOrder(b.method))
	})
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tOPERATION\tCHAIN\tSUMMARY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.method, r.path, r.id, r.chain, r.summary)
	}
	return tw.Flush()
}

// methodOrder sorts methods as the generated leaves are written.
func methodOrder(m string) string {
	for i := model.MethodGet; i <= model.MethodDelete; i++ {
		if i.String() == m {
			return string(rune('0' + i))
		}
	}
	return m
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
