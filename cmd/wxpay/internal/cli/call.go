package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func cmdCall(ctx context.Context, args []string, env *Env) error {
	fs := newFlagSet("call", env)
	cf := addConfigFlags(fs)
	specDir := addSpecFlag(fs)
	var params, query, headers multiFlag
	fs.Var(&params, "p", "path parameter `NAME=VALUE` for {NAME} in PATH (repeatable)")
	fs.Var(&query, "q", "query parameter `NAME=VALUE`, sent in the order given (repeatable)")
	fs.Var(&headers, "H", "request header `'NAME: VALUE'` (repeatable)")
	data := fs.String("d", "", "request body: `JSON`, @FILE or @- (standard input)")
	var forms multiFlag
	fs.Var(&forms, "F", "part `NAME=VALUE` or NAME=@FILE of a multipart/form-data operation of the spec, e.g. -F meta=@meta.json -F file=@a.png (repeatable)")
	digest := fs.String("digest", "", "`TYPE:VALUE` (SHA1:... or SHA256:...) a download must match: what the call announcing it returned")
	verbose := fs.Bool("v", false, "print every attempt: the request and response as sent (signatures redacted) and the retry decision")
	noValidate := fs.Bool("no-validate", false, "send a request even when the spec refuses it")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long, retries included")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("call needs METHOD and PATH, e.g. wxpay call GET 'v3/discount-card/cards/{out_card_code}' -p out_card_code=...")
	}
	r, err := newRequest(pos[0], pos[1], params, query, headers)
	if err != nil {
		return err
	}
	body, err := readBody(*data, env.Stdin)
	if err != nil {
		return err
	}
	if body != nil {
		r.Body = body
	}
	if len(forms) > 0 && body != nil {
		return usagef("-d and -F: give the body one way, JSON (-d) or multipart parts (-F)")
	}
	parts, err := readForms(forms, env.Stdin)
	if err != nil {
		return err
	}
	cfg, sources, err := cf.load(fs, env)
	if err != nil {
		return err
	}
	specs, err := loadSpec(orEnv(*specDir, env, "WXPAY_SPEC"))
	if err != nil {
		return err
	}
	var opts []apiv3.Option
	if *verbose {
		fmt.Fprintf(env.Stderr, "* configuration from %s\n", describeSources(sources))
		opts = append(opts, apiv3.WithDebugHook(printExchange(env.Stderr)), apiv3.WithLogger(attemptLogger(env.Stderr)))
	}
	client, err := apiv3.NewClient(cfg, opts...)
	if err != nil {
		return refused(err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := describeBySpec(ctx, client, specs, r, parts, *digest, !*noValidate, env); err != nil {
		return err
	}
	res, err := client.Do(ctx, r, nil)
	printResponse(env, r, res, err)
	return err
}

// newRequest builds the request of METHOD PATH from the command line: the
// path from its template and -p values (checked and escaped as the
// generated client does), the query in the order given, the headers.
func newRequest(method, template string, params, query, headers []string) (*apiv3.Request, error) {
	method = strings.ToUpper(method)
	if method == "" || strings.IndexFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return nil, usagef("METHOD %q: want GET, POST, PUT, PATCH or DELETE", method)
	}
	if !strings.HasPrefix(template, "/") {
		template = "/" + template
	}
	values := map[string]string{}
	for _, p := range params {
		name, value, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return nil, usagef("-p %q: want NAME=VALUE", p)
		}
		if _, dup := values[name]; dup {
			return nil, usagef("-p %s given twice", name)
		}
		values[name] = value
	}
	path, err := expand(template, values)
	if err != nil {
		return nil, err
	}
	r := &apiv3.Request{Method: method, Template: template, Path: path, Idempotent: method == http.MethodGet}
	for _, q := range query {
		name, value, ok := strings.Cut(q, "=")
		if !ok || name == "" {
			return nil, usagef("-q %q: want NAME=VALUE", q)
		}
		if r.Query != "" {
			r.Query += "&"
		}
		r.Query += url.QueryEscape(name) + "=" + url.QueryEscape(value)
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if name = strings.TrimSpace(name); !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usagef("-H %q: want 'NAME: VALUE'", h)
		}
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.Header.Add(name, strings.TrimSpace(value))
	}
	return r, nil
}

// expand fills the {name} parameters of template with values, refusing a
// value as Validator.CheckPathParam does and escaping it with
// EscapePathParam: the rules of the generated client and Client.Chain.
func expand(template string, values map[string]string) (string, error) {
	v := apiv3.Validator{In: "path"}
	var b strings.Builder
	used := map[string]bool{}
	rest := template
	for {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if rest[open] == '}' || end < 0 || strings.Contains(rest[open+1:open+end], "{") {
			return "", usagef("PATH %q: unbalanced { }", template)
		}
		name := rest[open+1 : open+end]
		value, ok := values[name]
		if !ok {
			return "", usagef("PATH %s: no value for {%s}: add -p %s=VALUE", template, name, name)
		}
		used[name] = true
		v.CheckPathParam(name, value)
		b.WriteString(rest[:open])
		b.WriteString(apiv3.EscapePathParam(value))
		rest = rest[open+end+1:]
	}
	var unused []string
	for name := range values {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		slices.Sort(unused)
		return "", usagef("-p %s: PATH %s has no such {parameter}", strings.Join(unused, ", "), template)
	}
	if err := v.Err(); err != nil {
		return "", refused(err)
	}
	return b.String(), nil
}

// readBody reads -d: JSON as given, @FILE or @- (stdin). It must be JSON.
func readBody(data string, stdin io.Reader) (json.RawMessage, error) {
	if data == "" {
		return nil, nil
	}
	var b []byte
	var err error
	switch {
	case data == "@-":
		b, err = io.ReadAll(stdin)
	case strings.HasPrefix(data, "@"):
		b, err = os.ReadFile(data[1:])
	default:
		b = []byte(data)
	}
	if err != nil {
		return nil, usagef("-d %s: %v", data, err)
	}
	b = bytes.TrimSpace(b)
	if !json.Valid(b) {
		return nil, usagef("-d: the body is not JSON")
	}
	return json.RawMessage(b), nil
}

// describeBySpec finds the operation r is in the spec and completes r from
// it (operationId, template, idempotency, download), then validates the
// request exactly as it will be sent (path, query, headers, body) as the
// sandbox does. A request outside the spec is sent as it is, like
// Client.Chain sends it.
func describeBySpec(ctx context.Context, c *apiv3.Client, specs *specSet, r *apiv3.Request, parts map[string]formValue, digest string, validate bool, env *Env) error {
	req, err := c.NewRequest(ctx, r)
	if err != nil {
		return refused(err)
	}
	route, op, err := specs.find(req)
	if err != nil {
		return err
	}
	if route == nil && len(parts) > 0 {
		return usagef("-F: %s %s is not in %s, which must say how its parts are signed", r.Method, r.Template, specs.name)
	}
	if route == nil {
		fmt.Fprintf(env.Stderr, "note: %s %s is not in %s: sent as it is, without validation\n", r.Method, r.Template, specs.name)
		return setDigest(r, digest, false, false)
	}
	r.OperationID, r.Template = route.OperationID, route.Template
	if op != nil {
		r.Idempotent, r.SendSerial = op.Idempotent, op.SendSerial
		if op.SettledBy != nil {
			r.SettledBy = op.SettledBy.Label()
		}
		if err := setDigest(r, digest, op.UnsignedResponse, true); err != nil {
			return err
		}
	}
	if len(parts) > 0 {
		if op == nil || op.Multipart == nil {
			return usagef("-F: %s %s takes no multipart/form-data body in %s; give a JSON body with -d", r.Method, r.Template, specs.name)
		}
		if err := setMultipart(r, op, parts); err != nil {
			return err
		}
	}
	if validate {
		// The plaintext is checked, as the generated client's Validate checks it
		// before encrypting: the spec's limits are those of the plaintext.
		if req, err = c.NewRequest(ctx, r); err != nil { // as sent: with the headers the operation adds
			return refused(err)
		}
		var body []byte
		if req.GetBody != nil {
			rc, _ := req.GetBody()
			body, _ = io.ReadAll(rc)
		}
		if e := route.ValidateRequest(ctx, req, body); e != nil {
			return refused(&specViolation{op: route.OperationID, code: e.Code, message: e.Message, detail: e.Detail})
		}
	}
	if raw, ok := r.Body.(json.RawMessage); ok && op != nil {
		r.EncryptSensitive = encryptSensitive(op.Body, raw)
	}
	return nil
}

// setDigest sets -digest on r, which makes the answer an unsigned download
// checked against it. unsigned says the spec has the operation (known) as
// such a download, which needs one.
func setDigest(r *apiv3.Request, digest string, unsigned, known bool) error {
	switch {
	case digest == "" && unsigned:
		return usagef("%s answers with a file WeChat Pay does not sign: give -digest TYPE:VALUE, the hash the call announcing the download returned", r.OperationID)
	case digest == "":
		return nil
	case known && !unsigned:
		return usagef("-digest: %s %s is not an unsigned download in the spec", r.Method, r.Template)
	}
	typ, value, ok := strings.Cut(digest, ":")
	if !ok {
		return usagef("-digest %q: want TYPE:VALUE, e.g. SHA1:%s", digest, strings.Repeat("0", 40))
	}
	r.UnsignedResponse, r.Digest = true, &apiv3.Digest{Type: typ, Value: value}
	return nil
}

// specViolation is a request the spec refuses, as the sandbox (and WeChat
// Pay) would answer it: PARAM_ERROR with the field and the issue.
type specViolation struct {
	op, code, message string
	detail            map[string]any
}

func (e *specViolation) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refused before sending: %s would be answered %s", e.op, e.code)
	if loc, ok := e.detail["location"].(string); ok {
		fmt.Fprintf(&b, ": %s", loc)
		if field, ok := e.detail["field"].(string); ok {
			fmt.Fprintf(&b, " %s", field)
		}
	}
	if issue, ok := e.detail["issue"].(string); ok {
		fmt.Fprintf(&b, ": %s", issue)
	} else {
		fmt.Fprintf(&b, ": %s", e.message)
	}
	b.WriteString(" (-no-validate sends it anyway)")
	return b.String()
}

// printResponse prints the status and Request-ID on stderr and the body on
// stdout, JSON indented, so that the output pipes into jq.
func printResponse(env *Env, r *apiv3.Request, res *apiv3.Response, err error) {
	if res == nil {
		return
	}
	state := "signature verified"
	var apiErr *apiv3.APIError
	var verErr *apiv3.VerificationError
	switch {
	case errors.As(err, &verErr):
		state = "signature REFUSED"
	case errors.As(err, &apiErr) && !apiErr.Verified:
		state = "not signed"
	case r.UnsignedResponse && err == nil:
		state = "unsigned download, digest matched"
	case r.UnsignedResponse:
		state = "unsigned download"
	}
	fmt.Fprintf(env.Stderr, "HTTP %d %s (%s)\n", res.StatusCode, http.StatusText(res.StatusCode), state)
	if res.RequestID != "" {
		fmt.Fprintf(env.Stderr, "Request-ID: %s\n", res.RequestID)
	}
	if verErr != nil || len(res.Body) == 0 {
		return // a body whose signature is refused is not shown as an answer
	}
	var out bytes.Buffer
	if json.Indent(&out, res.Body, "", "  ") != nil {
		env.Stdout.Write(res.Body)
		return
	}
	out.WriteByte('\n')
	env.Stdout.Write(out.Bytes())
}

// printExchange prints each attempt as it crossed the wire, the way curl -v
// does, with the runtime's redaction of signatures.
func printExchange(w io.Writer) func(apiv3.DebugEvent) {
	return func(ev apiv3.DebugEvent) {
		var b strings.Builder
		fmt.Fprintf(&b, "> %s %s\n", ev.Method, ev.URL)
		writeHeader(&b, "> ", ev.RequestHeader)
		if len(ev.RequestBody) > 0 {
			fmt.Fprintf(&b, ">\n> %s\n", ev.RequestBody)
		}
		if ev.StatusCode == 0 {
			fmt.Fprintf(&b, "< no response after %v: %v\n", ev.Duration.Round(time.Millisecond), ev.Err)
		} else {
			fmt.Fprintf(&b, "< HTTP %d %s (%v)\n", ev.StatusCode, http.StatusText(ev.StatusCode), ev.Duration.Round(time.Millisecond))
			writeHeader(&b, "< ", ev.ResponseHeader)
			if len(ev.ResponseBody) > 0 {
				fmt.Fprintf(&b, "<\n< %s\n", ev.ResponseBody)
			}
		}
		io.WriteString(w, b.String())
	}
}

func writeHeader(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

// attemptLogger writes the runtime's attempt records (apiv3.WithLogger) to
// w, one line each after the exchange printExchange shows:
// "* attempt operation=getCard method=GET ... retry="HTTP 500" wait=73ms".
func attemptLogger(w io.Writer) *slog.Logger { return slog.New(&lineHandler{w: w}) }

// lineHandler is a slog.Handler writing "* MESSAGE key=value ..." lines.
type lineHandler struct {
	w     io.Writer
	attrs []slog.Attr
}

func (h *lineHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("* " + strings.TrimPrefix(r.Message, "apiv3: "))
	write := func(a slog.Attr) bool {
		v := a.Value.String()
		if strings.ContainsAny(v, " =\"") || v == "" {
			v = strconv.Quote(v)
		}
		b.WriteString(" " + a.Key + "=" + v)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	b.WriteString("\n")
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &lineHandler{w: h.w, attrs: append(slices.Clip(h.attrs), as...)}
}

func (h *lineHandler) WithGroup(string) slog.Handler { return h }

func describeSources(sources []string) string {
	if len(sources) == 0 {
		return "nothing (no " + DefaultConfigFile + ", no WXPAY_* variable, no flag)"
	}
	return strings.Join(sources, ", ")
}

func orEnv(v string, env *Env, name string) string {
	if v == "" {
		return env.getenv(name)
	}
	return v
}
