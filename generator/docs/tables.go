package docs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

func paramTable(title string, params []*model.Param, pkg string) Table {
	t := Table{Title: title}
	for _, p := range params {
		t.Rows = append(t.Rows, Row{
			Name:        p.Name,
			Type:        typeName(p.Type, pkg),
			Required:    yesNo(p.Required),
			Limits:      limits(p.Type),
			Description: cell(describe(p.Doc, p.Type, p.Deprecated)),
		})
	}
	return t
}

func bodyTable(title string, body *model.Type, pkg, empty string) Table {
	t := Table{Title: title, Empty: empty}
	if body == nil {
		return t
	}
	t.Type = pkg + "." + body.Name
	seen := map[*model.Type]bool{}
	t.Rows = fieldRows(body, "", pkg, seen)
	return t
}

// fieldRows flattens a struct's fields, nested objects and arrays of objects
// included (recursive types stop at their second appearance).
func fieldRows(t *model.Type, prefix, pkg string, seen map[*model.Type]bool) []Row {
	if seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	var rows []Row
	for _, f := range t.Fields {
		name := prefix + f.JSONName
		rows = append(rows, Row{
			Name:        name,
			Type:        typeName(f.Type, pkg),
			Required:    yesNo(f.Required),
			Limits:      limits(f.Type),
			Description: cell(describe(f.Doc, f.Type, f.Deprecated)),
		})
		switch inner := f.Type; {
		case inner.Kind == model.KindStruct:
			rows = append(rows, fieldRows(inner, name+".", pkg, seen)...)
		case inner.Kind == model.KindArray && inner.Elem.Kind == model.KindStruct:
			rows = append(rows, fieldRows(inner.Elem, name+"[].", pkg, seen)...)
		}
	}
	return rows
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// typeName is the Go type of a field as a reader would write it.
func typeName(t *model.Type, pkg string) string {
	switch t.Kind {
	case model.KindStruct, model.KindEnum, model.KindUnion:
		return "`" + t.Name + "`"
	case model.KindBytes:
		return "`[]byte` (base64)"
	case model.KindArray:
		return "`[]" + strings.Trim(typeName(t.Elem, pkg), "`") + "`"
	case model.KindMap:
		return "`map[string]" + strings.Trim(typeName(t.Elem, pkg), "`") + "`"
	case model.KindTime:
		return "`apiv3.Time` (date-time)"
	case model.KindRaw:
		return "`json.RawMessage`"
	case model.KindExternal:
		if t.External != nil {
			return "`" + t.External.Name + "`"
		}
	}
	return "`" + t.Kind.String() + "`"
}

// limits writes the constraints Validate enforces, for the table.
func limits(t *model.Type) string {
	l := t.Limits
	var parts []string
	switch {
	case l.MinLength != nil && l.MaxLength != nil:
		parts = append(parts, fmt.Sprintf("%d–%d chars", *l.MinLength, *l.MaxLength))
	case l.MaxLength != nil:
		parts = append(parts, fmt.Sprintf("≤ %d chars", *l.MaxLength))
	case l.MinLength != nil:
		parts = append(parts, fmt.Sprintf("≥ %d chars", *l.MinLength))
	}
	if l.Pattern != "" {
		parts = append(parts, "pattern `"+strings.ReplaceAll(l.Pattern, "|", `\|`)+"`")
	}
	if b := l.Minimum; b != nil {
		parts = append(parts, bound(">", b))
	}
	if b := l.Maximum; b != nil {
		parts = append(parts, bound("<", b))
	}
	if l.MinItems != nil {
		parts = append(parts, fmt.Sprintf("≥ %d items", *l.MinItems))
	}
	if l.MaxItems != nil {
		parts = append(parts, fmt.Sprintf("≤ %d items", *l.MaxItems))
	}
	if t.Kind == model.KindEnum {
		var vals []string
		for _, v := range t.Values {
			vals = append(vals, "`"+v.Value+"`")
		}
		parts = append(parts, "one of "+strings.Join(vals, ", "))
	}
	return strings.Join(parts, "; ")
}

func bound(op string, b *model.Bound) string {
	s := strconv.FormatFloat(b.Value, 'f', -1, 64)
	if b.Exclusive {
		return op + " " + s
	}
	return op + "= " + s
}

// describe is the description cell: the spec's text, enum meanings and a
// deprecation mark.
func describe(doc string, t *model.Type, deprecated bool) string {
	var b strings.Builder
	if deprecated {
		b.WriteString("**Deprecated.** ")
	}
	b.WriteString(firstParagraph(doc))
	if t.Kind == model.KindEnum {
		for _, v := range t.Values {
			if v.Meaning != "" {
				fmt.Fprintf(&b, "<br>`%s`: %s", v.Value, v.Meaning)
			}
		}
	}
	return strings.TrimPrefix(b.String(), "<br>")
}

// firstParagraph keeps a cell short: the description up to its first blank
// line, without the enum value lines that the table lists anyway.
func firstParagraph(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n\n")
	var kept []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "- `") {
			continue
		}
		kept = append(kept, strings.TrimSpace(line))
	}
	return strings.Join(kept, " ")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
