package docs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// Render writes one Markdown page per operation and docs/README.md as the
// index. pkg is the generated package's name, used in the Go snippets.
func Render(api *model.API, pkg string) (map[string][]byte, error) {
	l := literals{pkg: pkg}
	idx := Index{Title: "Operations of package " + pkg, Intro: intro(api, pkg)}
	for _, op := range api.Operations {
		p, err := l.page(op)
		if err != nil {
			return nil, err
		}
		idx.Pages = append(idx.Pages, p)
	}
	for _, n := range api.Notifications {
		idx.Notifications = append(idx.Notifications, NotificationRow{EventType: n.EventType, Payload: pkg + "." + n.Payload.Name, Handler: "NotificationHandlers." + n.Handler})
	}
	return renderPages(idx)
}

func intro(api *model.API, pkg string) string {
	return fmt.Sprintf("The operations of package `%s`, generated from %s. Each page gives the method and path, "+
		"the parameters and fields with their limits, and a Go call filled with the spec's example values.",
		pkg, strings.Join(quoteAll(api.Sources), ", "))
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// fileName is the page's name: the operationId when it makes a safe file
// name, else the operation's Go name.
func fileName(op *model.Operation) string {
	if op.ID != "" && !unsafeFileChars.MatchString(op.ID) && !strings.HasPrefix(op.ID, ".") {
		return op.ID + ".md"
	}
	return op.GoName + ".md"
}

func (l literals) page(op *model.Operation) (Page, error) {
	call, chain, err := l.goCall(op)
	if err != nil {
		return Page{}, fmt.Errorf("%s %s: %w", op.Method, op.Path, err)
	}
	p := Page{
		File:         fileName(op),
		Title:        cell(firstNonEmpty(op.Summary, op.Method.String()+" "+op.Path)),
		OperationID:  op.ID,
		Method:       op.Method.String(),
		Path:         op.Path,
		Chain:        chain,
		Description:  op.Description,
		Deprecated:   op.Deprecated,
		OfflineSince: op.OfflineSince,
		GoCall:       call,
		Returns:      returns(op, l.pkg),
	}
	if q := op.SettledBy; q != nil && q.Node != nil { // a query in the chain has its page
		p.Outcome = fmt.Sprintf("It is not safe to repeat: when the request may have reached WeChat Pay but no answer came, "+
			"the error wraps `apiv3.ErrOutcomeUnknown` and nothing is sent again. Query [`%s %s`](%s) to learn whether it took effect before repeating it.",
			q.Method, q.Path, fileName(q))
	}
	for _, g := range []struct {
		title  string
		params []*model.Param
	}{{"Path parameters", op.PathParams}, {"Query parameters", op.QueryParams}, {"Header parameters", op.HeaderParams}} {
		if len(g.params) > 0 {
			p.ParamGroups = append(p.ParamGroups, paramTable(g.title, g.params, l.pkg))
		}
	}
	p.Bodies = append(p.Bodies, bodyTable("Request body", op.Body, l.pkg, "No request body."))
	p.Bodies = append(p.Bodies, bodyTable(fmt.Sprintf("Response %d", op.Status), op.Response, l.pkg, fmt.Sprintf("%d %s: no body.", op.Status, statusText(op.Status))))
	if op.Error != nil {
		p.Errors = fmt.Sprintf("Every 4xx and 5xx answer is returned as an `error` holding a `*apiv3.APIError` "+
			"(`errors.As`), decoded from the body `%s`: `code`, `message`, `detail`, the raw body and the `Request-ID`.", op.Error.Name)
	}
	if op.Body == nil {
		p.Bodies = p.Bodies[1:]
	}
	return p, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	}
	return "Status " + strconv.Itoa(code)
}

// returns says in a sentence what the Go call gives back.
func returns(op *model.Operation, pkg string) string {
	if op.Download != nil {
		if op.UnsignedResponse {
			return "It returns `([]byte, *apiv3.Response, error)`: the file as received. WeChat Pay does not sign it; the runtime refuses it unless it matches `digest` (the hash a signed call announced), with an error wrapping `apiv3.ErrDigestMismatch`."
		}
		return "It returns `([]byte, *apiv3.Response, error)`: the file as received, after the response signature verified."
	}
	if op.Response == nil {
		return "It returns `(*apiv3.Response, error)`; the error is nil only for a verified 2xx answer."
	}
	return fmt.Sprintf("It returns `(*%s.%s, *apiv3.Response, error)`; the body is decoded only after the response signature verified.", pkg, op.Response.Name)
}

// paramsValue fills the query and header parameters that have examples.
func (l literals) paramsValue(t *model.Type) jen.Code {
	var items []jen.Code
	for _, f := range t.Fields {
		if f.Example == nil {
			continue
		}
		if code, ok := l.value(f.Type, f.Example, f.Pointer); ok {
			items = append(items, jen.Line().Id(f.GoName).Op(":").Add(code))
		}
	}
	if len(items) > 0 {
		items = append(items, jen.Line())
	}
	return jen.Op("&").Add(l.named(t.Name)).Values(items...)
}
