package apiv3

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Endpoint is an operation reached by its path template rather than by a
// generated method, like the PHP SDK's chain('v3/...'). Get one with
// Client.Chain. Path values are checked and escaped exactly as generated code
// does, and requests are signed and responses verified the same way.
type Endpoint struct {
	c        *Client
	template string   // normalised: starts with "/"
	parts    []string // literal, name, literal, name, ..., literal
	err      error    // a template error, returned by Do
}

// Chain returns the Endpoint for a path template such as
// "v3/discount-card/cards/{out_card_code}" (the leading "/" is optional).
// The template is parsed once; a malformed template makes every Do fail.
func (c *Client) Chain(template string) *Endpoint {
	e := &Endpoint{c: c}
	if !strings.HasPrefix(template, "/") {
		template = "/" + template
	}
	e.template = template
	e.parts, e.err = parseTemplate(template)
	return e
}

// parseTemplate splits a template into alternating literals and parameter
// names, always starting and ending with a literal.
func parseTemplate(t string) ([]string, error) {
	bad := func(why string) error { return fmt.Errorf("apiv3: path template %q: %s", t, why) }
	if strings.ContainsAny(t, "?#") {
		return nil, bad("must not contain a query or fragment")
	}
	var parts []string
	rest := t
	for {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			parts = append(parts, rest)
			break
		}
		if rest[open] == '}' {
			return nil, bad("unmatched }")
		}
		n := strings.IndexAny(rest[open+1:], "{}")
		if n < 0 || rest[open+1+n] == '{' {
			return nil, bad("unclosed {")
		}
		name := rest[open+1 : open+1+n]
		if name == "" {
			return nil, bad("empty {}")
		}
		for i := 1; i < len(parts); i += 2 {
			if parts[i] == name {
				return nil, bad("parameter {" + name + "} used twice")
			}
		}
		parts = append(parts, rest[:open], name)
		rest = rest[open+1+n+1:]
	}
	for i := 0; i < len(parts); i += 2 {
		if err := checkRequestPath(parts[i]); err != nil {
			return nil, bad(err.Error())
		}
	}
	return parts, nil
}

// Do calls method on the endpoint, with params giving the value of every
// {name} in the template. A missing value, or a value the template does not
// use, is an error naming it; values are refused as Validator.CheckPathParam
// refuses them, then escaped with EscapePathParam. body and out are as in
// Client.Do (body encoded as JSON, nil for none; raw JSON as json.RawMessage).
func (e *Endpoint) Do(ctx context.Context, method string, params map[string]string, body, out any, opts ...CallOption) (*Response, error) {
	if e.err != nil {
		return nil, e.err
	}
	path, err := e.path(params)
	if err != nil {
		return nil, err
	}
	method = strings.ToUpper(method)
	return e.c.Do(ctx, &Request{
		Method:     method,
		Template:   e.template,
		Path:       path,
		Body:       body,
		Idempotent: method == http.MethodGet,
	}, out, opts...)
}

func (e *Endpoint) hasParam(name string) bool {
	for i := 1; i < len(e.parts); i += 2 {
		if e.parts[i] == name {
			return true
		}
	}
	return false
}

// path builds the escaped path from params.
func (e *Endpoint) path(params map[string]string) (string, error) {
	var missing, unused []string
	for i := 1; i < len(e.parts); i += 2 {
		if _, ok := params[e.parts[i]]; !ok {
			missing = append(missing, e.parts[i])
		}
	}
	for name := range params {
		if !e.hasParam(name) {
			unused = append(unused, name)
		}
	}
	if len(missing) > 0 || len(unused) > 0 {
		slices.Sort(unused)
		var why []string
		if len(missing) > 0 {
			why = append(why, "missing value for "+strings.Join(missing, ", "))
		}
		if len(unused) > 0 {
			why = append(why, "parameter "+strings.Join(unused, ", ")+" not in the template")
		}
		return "", fmt.Errorf("apiv3: %s: %s", e.template, strings.Join(why, "; "))
	}
	v := Validator{In: "path"}
	var b strings.Builder
	for i, p := range e.parts {
		if i%2 == 0 {
			b.WriteString(p)
			continue
		}
		v.CheckPathParam(p, params[p])
		b.WriteString(EscapePathParam(params[p]))
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return b.String(), nil
}
