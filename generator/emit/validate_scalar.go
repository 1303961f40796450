package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// stringChecks checks a string: length in code points (one count for both
// bounds), pattern, and no 4-byte UTF-8.
func stringChecks(g *jen.Group, e func() *jen.Statement, checks []model.Check, name string) {
	var lo, hi *model.Check
	for i, c := range checks {
		switch c.Rule {
		case model.RuleMinLength:
			lo = &checks[i]
		case model.RuleMaxLength:
			hi = &checks[i]
		}
	}
	lengthCheck(g, e, lo, hi, name)
	for _, c := range checks {
		switch c.Rule {
		case model.RulePattern:
			g.If(jen.Op("!").Id(c.Pattern.GoName).Dot("MatchString").Call(e())).Block(add(name, c.Rule, c.Message))
		case model.RuleUTF8MB4: // apiv3 records it with model.MessageUTF8MB4
			g.Id("v").Dot("CheckUTF8MB4").Call(jen.Lit(name), e())
		}
	}
}

// lengthCheck writes: if n := apiv3.RuneCount(e); n < lo {...} else if n > hi {...}
func lengthCheck(g *jen.Group, e func() *jen.Statement, lo, hi *model.Check, name string) {
	if lo == nil && hi == nil {
		return
	}
	count := jen.Id("n").Op(":=").Qual(runtime, "RuneCount").Call(e())
	var s *jen.Statement
	if lo != nil {
		s = jen.If(count, jen.Id("n").Op("<").Lit(int(lo.Limit))).Block(add(name, lo.Rule, lo.Message))
	}
	if hi != nil {
		cond := jen.Id("n").Op(">").Lit(int(hi.Limit))
		if s == nil {
			s = jen.If(count, cond).Block(add(name, hi.Rule, hi.Message))
		} else {
			s.Else().If(cond).Block(add(name, hi.Rule, hi.Message))
		}
	}
	g.Add(s)
}

// numberChecks checks minimum and maximum.
func numberChecks(g *jen.Group, e func() *jen.Statement, t *model.Type, name string) {
	for _, c := range t.Checks {
		op := map[model.Rule][2]string{model.RuleMinimum: {"<", "<="}, model.RuleMaximum: {">", ">="}}[c.Rule]
		if op[0] == "" {
			continue
		}
		cmp := op[0]
		if c.Exclusive {
			cmp = op[1]
		}
		g.If(e().Op(cmp).Add(numberLit(t.Kind, c.Number))).Block(add(name, c.Rule, c.Message))
	}
}

// numberLit spells a bound as an untyped constant of the field's kind.
func numberLit(k model.Kind, v float64) jen.Code {
	if k == model.KindFloat64 {
		return jen.Lit(v)
	}
	return jen.Lit(int(v))
}
