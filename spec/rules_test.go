package spec

// House rules: what every bundled spec file follows beyond what the
// generator accepts (README.md, "Extending the spec", lists them). They run
// on the bundled folder (TestHouseRules) and on the README's walk-through
// applied to a copy of it (TestExtendingTheSpecAsTheREADMESays). Whether a
// spec is acceptable at all is the generator's alone to say: ruleGenerates
// runs it, and the loader of these rules resolves whatever $refs it does.

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator"
)

// houseRules are run in this order, each as a subtest.
var houseRules = []struct {
	name  string
	check func(*testing.T, specFiles)
}{
	{"Generates", ruleGenerates},
	{"OpenAPI303", ruleOpenAPI303},
	{"Servers", ruleServers},
	{"Operations", ruleOperations},
	{"ErrorResponses", ruleErrorResponses},
	{"DuplicatesIdentical", ruleDuplicatesIdentical},
	{"Schemas", ruleSchemas},
	{"Extensions", ruleExtensions},
	{"BodyExamples", ruleBodyExamples},
}

func TestHouseRules(t *testing.T) {
	checkHouseRules(t, bundled(t))
}

func checkHouseRules(t *testing.T, set specFiles) {
	for _, r := range houseRules {
		t.Run(r.name, func(t *testing.T) { r.check(t, set) })
	}
}

// The generator reads exactly these files and generates them without a
// warning (as -strict demands); the embedded FS holds what it reads.
func ruleGenerates(t *testing.T, set specFiles) {
	_, list, err := generator.Generate(generator.Options{Spec: set.dir, Strict: true})
	for _, d := range list {
		t.Error(d.String())
	}
	if err != nil && len(list) == 0 {
		t.Error(err)
	}
	files, _ := fs.Glob(os.DirFS(set.dir), "*.yaml")
	yml, _ := fs.Glob(os.DirFS(set.dir), "*.yml")
	if files = append(files, yml...); !slices.Equal(files, set.names) {
		t.Errorf("the generator reads %v, the house rules (and spec.FS) see %v: name spec files *.yaml", files, set.names)
	}
}

func ruleOpenAPI303(t *testing.T, set specFiles) {
	for name, doc := range set.docs {
		if doc.OpenAPI != "3.0.3" {
			t.Errorf("%s: openapi %q, want 3.0.3", name, doc.OpenAPI)
		}
		data := set.raw[name]
		if regexp.MustCompile(`(?m)^\s*nullable:`).Match(data) {
			t.Errorf("%s: uses nullable; WeChat Pay never sends null", name)
		}
		if doc.Info == nil || doc.Info.Title == "" || doc.Info.Version == "" || doc.Info.Description == "" {
			t.Errorf("%s: info needs title, version and description", name)
		}
	}
}

func ruleServers(t *testing.T, set specFiles) {
	want := []string{"https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com"}
	for name, doc := range set.docs {
		var got []string
		for _, s := range doc.Servers {
			got = append(got, s.URL)
			if s.Description == "" {
				t.Errorf("%s: server %s has no description", name, s.URL)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: servers %v, want %v (primary first)", name, got, want)
		}
	}
}

// Every operation of every file has an operationId (unique across files: they are merged into one
// package), a summary and a description; no method and path is defined by two files; and a
// callback operation of any file answers a Notification the way TestCallbacks pins for
// discount-card (event type unique across files).
func ruleOperations(t *testing.T, set specFiles) {
	ids, routes, events := map[string]string{}, map[string]string{}, map[string]string{}
	docs := set.docs
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		doc := docs[name]
		if len(operations(doc)) == 0 {
			t.Errorf("%s: no operations", name)
		}
		for _, o := range operations(doc) {
			where := name + ": " + o.where
			if o.op.OperationID == "" || o.op.Summary == "" || o.op.Description == "" {
				t.Errorf("%s: needs an operationId, a summary and a description", where)
			}
			if prev, ok := ids[o.op.OperationID]; ok && o.op.OperationID != "" {
				t.Errorf("%s: operationId %s is also used in %s", where, o.op.OperationID, prev)
			}
			ids[o.op.OperationID] = where
			if !o.callback {
				if prev, ok := routes[o.where]; ok {
					t.Errorf("%s: also defined in %s", where, prev)
				}
				routes[o.where] = name
				if len(o.op.Responses.Map()) == 0 || o.op.Responses.Default() != nil {
					t.Errorf("%s: needs explicit responses and no default", where)
				}
				continue
			}
			event, _ := o.op.Extensions["x-wechatpay-event-type"].(string)
			if prev, ok := events[event]; ok {
				t.Errorf("%s: event type %s is also handled by %s", where, event, prev)
			}
			events[event] = where
			if o.op.RequestBody == nil || o.op.RequestBody.Value == nil {
				t.Errorf("%s: no request body", where)
			} else if mt := o.op.RequestBody.Value.Content.Get("application/json"); mt == nil || mt.Schema == nil || !refTo(mt.Schema.Ref, "#/components/schemas/Notification") {
				t.Errorf("%s: request body is not a $ref to components/schemas/Notification", where)
			}
			if r := o.op.Responses.Value("204"); r == nil || len(r.Value.Content) != 0 {
				t.Errorf("%s: needs a 204 without body", where)
			}
		}
	}
}

// Every operation answers 4XX and 5XX with the common Error response, of
// its own file or of another (a $ref across files is as good as a copy);
// its body is an ErrorResponse with the shape of WeChat Pay's error body.
// A file that defines either component defines it that way too.
func ruleErrorResponses(t *testing.T, set specFiles) {
	seen := map[*openapi3.Response]bool{}
	for _, name := range set.names {
		doc := set.docs[name]
		for _, o := range operations(doc) {
			if o.callback {
				continue // TestCallbacks checks the NotificationFailure answers
			}
			for _, code := range []string{"4XX", "5XX"} {
				r := o.op.Responses.Value(code)
				if r == nil {
					t.Errorf("%s: %s: no %s response", name, o.where, code)
					continue
				}
				if !refTo(r.Ref, "#/components/responses/Error") {
					t.Errorf("%s: %s: %s is %q, want a $ref to components/responses/Error", name, o.where, code, r.Ref)
				}
				checkErrorResponse(t, name+": "+o.where+" "+code, r.Value, seen)
			}
		}
		if doc.Components == nil {
			continue
		}
		if r := doc.Components.Responses["Error"]; r != nil {
			checkErrorResponse(t, name+": components/responses/Error", r.Value, seen)
		}
		if s := doc.Components.Schemas["ErrorResponse"]; s != nil {
			checkErrorBody(t, name+": ErrorResponse", s.Value)
		}
	}
	if len(seen) == 0 {
		t.Error("no Error response")
	}
}

// refTo reports whether ref points at fragment ("#/components/...") of
// its own file or of another file of the folder.
func refTo(ref, fragment string) bool {
	return ref == fragment || strings.HasSuffix(ref, ".yaml"+fragment)
}

// checkErrorResponse checks an Error response once (files that share one
// by $ref share the value).
func checkErrorResponse(t *testing.T, where string, r *openapi3.Response, seen map[*openapi3.Response]bool) {
	if r == nil || seen[r] {
		return
	}
	seen[r] = true
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || !refTo(mt.Schema.Ref, "#/components/schemas/ErrorResponse") {
		t.Errorf("%s: the body is not a $ref to components/schemas/ErrorResponse", where)
		return
	}
	checkErrorBody(t, where+" body", mt.Schema.Value)
}

func checkErrorBody(t *testing.T, where string, s *openapi3.Schema) {
	if s == nil {
		t.Errorf("%s: missing", where)
		return
	}
	if !slices.Equal(s.Required, []string{"code", "message"}) {
		t.Errorf("%s: required %v, want [code message]", where, s.Required)
	}
	for _, f := range []string{"code", "message", "detail"} {
		if s.Properties[f] == nil {
			t.Errorf("%s: %s missing", where, f)
		}
	}
	// The body may carry keys we do not list, in detail too.
	extra := map[string]any{"code": "SIGN_ERROR", "message": "错误的签名,验签失败", "detail": map[string]any{
		"field": "signature", "location": "authorization", "detail": map[string]any{"issue": "sign not match"},
		"sign_information": map[string]any{"method": "GET", "url": "/v3/certificates"},
	}, "extra": true}
	if err := s.VisitJSON(extra); err != nil {
		t.Errorf("%s: refuses additional keys: %v", where, err)
	}
}

// Components defined in several files must be identical (DESIGN.md: the merge rule).
func ruleDuplicatesIdentical(t *testing.T, set specFiles) {
	docs := set.docs
	type seen struct {
		file string
		json []byte
	}
	check := func(kind, name, file string, v any, m map[string]seen) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := m[name]; ok && string(prev.json) != string(b) {
			t.Errorf("%s %s differs between %s and %s", kind, name, prev.file, file)
		}
		m[name] = seen{file, b}
	}
	schemas, responses, parameters := map[string]seen{}, map[string]seen{}, map[string]seen{}
	files := make([]string, 0, len(docs))
	for f := range docs {
		files = append(files, f)
	}
	slices.Sort(files)
	for _, f := range files {
		c := docs[f].Components
		if c == nil {
			continue // a file may take every component from the others
		}
		for n, s := range c.Schemas {
			check("schema", n, f, s, schemas)
		}
		for n, r := range c.Responses {
			check("response", n, f, r, responses)
		}
		for n, p := range c.Parameters {
			check("parameter", n, f, p, parameters)
		}
	}
	if _, ok := schemas["ErrorResponse"]; !ok {
		t.Error("ErrorResponse not defined")
	}
}

// Rules for every schema of every file, inline ones included: a date-time is a string of at most 32
// characters; every enum value is explained in the description.
func ruleSchemas(t *testing.T, set specFiles) {
	for name, doc := range set.docs {
		seen := map[*openapi3.Schema]bool{}
		for _, r := range schemaRoots(doc) {
			walk(r.schema, name+": "+r.where, seen, func(where string, s *openapi3.Schema) {
				if s.Format == "date-time" && (!s.Type.Is(openapi3.TypeString) || s.MaxLength == nil || *s.MaxLength != 32) {
					t.Errorf("%s: date-time that is not a string of maxLength 32", where)
				}
				for _, v := range s.Enum {
					if !strings.Contains(s.Description, fmt.Sprintf("- `%v`: ", v)) {
						t.Errorf("%s: enum value %v not described as \"- `%v`: ...\"", where, v, v)
					}
				}
			})
		}
	}
}

// Every file carries only the extensions of DESIGN.md's table, each where it means something and
// with a value of the right kind: the generator would silently ignore a misplaced one.
func ruleExtensions(t *testing.T, set specFiles) {
	for name, doc := range set.docs {
		data := set.raw[name]
		for _, p := range extensionProblems(name, data, doc) {
			t.Error(p)
		}
	}
}

// Every request and response body has a full example that its schema accepts, so examples used by
// docs and tests cannot drift from the schemas.
func ruleBodyExamples(t *testing.T, set specFiles) {
	for name, doc := range set.docs {
		for _, o := range operations(doc) {
			var bodies []struct {
				what string
				c    openapi3.Content
			}
			if o.op.RequestBody != nil {
				bodies = append(bodies, struct {
					what string
					c    openapi3.Content
				}{"request", o.op.RequestBody.Value.Content})
			}
			for code, r := range o.op.Responses.Map() {
				bodies = append(bodies, struct {
					what string
					c    openapi3.Content
				}{"response " + code, r.Value.Content})
			}
			for _, b := range bodies {
				for ct, mt := range b.c {
					where := name + ": " + o.where + ": " + b.what + " " + ct
					if mt.Example == nil {
						t.Errorf("%s: no example", where)
						continue
					}
					if mt.Schema == nil || mt.Schema.Value == nil {
						t.Errorf("%s: no schema", where)
						continue
					}
					if err := mt.Schema.Value.VisitJSON(asJSON(t, mt.Example)); err != nil {
						t.Errorf("%s: example does not match its schema: %v", where, err)
					}
				}
			}
		}
		if doc.Components == nil {
			continue
		}
		// Schema-level examples, those of the notification payloads first (they have no body of
		// their own): every schema a callback's x-wechatpay-resource names has one.
		for n, s := range doc.Components.Schemas {
			if s.Value.Example == nil {
				continue
			}
			if err := s.Value.VisitJSON(asJSON(t, s.Value.Example)); err != nil {
				t.Errorf("%s: schema %s: example does not match: %v", name, n, err)
			}
		}
		for _, o := range operations(doc) {
			res, _ := o.op.Extensions["x-wechatpay-resource"].(string)
			n := strings.TrimPrefix(res, "#/components/schemas/")
			if s := doc.Components.Schemas[n]; o.callback && s != nil && s.Value.Example == nil {
				t.Errorf("%s: %s, the payload of %s, has no example", name, n, o.where)
			}
		}
	}
}

// specExtensions are the extensions of DESIGN.md's table a spec file of ours may carry (not x-go-*,
// which is for users' own specs).
var specExtensions = []string{
	"x-wechatpay-idempotent", "x-wechatpay-unsigned-response", "x-wechatpay-offline-since",
	"x-wechatpay-event-type", "x-wechatpay-resource", "x-wechatpay-sign-part", "x-wechatpay-sensitive",
	"x-wechatpay-settled-by",
}

// The check itself finds each kind of mistake.
func TestExtensionProblemsFound(t *testing.T) {
	const bad = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v3/a:
    get:
      x-wechatpay-idempotent: true
      x-wechatpay-offline-since: '2020-03-26'
      parameters:
        - {name: q, in: query, x-wechatpay-sensitive: true, schema: {type: string}}
      responses:
        '200': {description: ok}
    post:
      x-go-name: Make
      x-wechatpay-settled-by: nosuchQuery
      x-wechatpay-unsigned-response: 'yes'
      requestBody:
        x-wechatpay-sign-part: meta
        content:
          application/json:
            schema:
              type: object
              properties:
                n: {type: integer, x-wechatpay-sensitive: true}
      responses:
        '200': {description: ok}
`
	doc, err := openapi3.NewLoader().LoadFromData([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(extensionProblems("bad.yaml", []byte(bad), doc), "\n")
	for _, want := range []string{
		"bad.yaml: GET /v3/a: x-wechatpay-idempotent on a GET",
		"bad.yaml: GET /v3/a: x-wechatpay-offline-since 2020-03-26: want a YYYY-MM-DD date on a deprecated operation",
		"bad.yaml: unexpected extension x-go-name",
		"bad.yaml: POST /v3/a: x-wechatpay-unsigned-response: yes, want true",
		"bad.yaml: POST /v3/a: x-wechatpay-settled-by nosuchQuery: want the operationId of a GET of this file",
		"bad.yaml: POST /v3/a: x-wechatpay-sign-part meta: want the name of a required part of a multipart/form-data body",
		"bad.yaml: POST /v3/a request application/json.n: x-wechatpay-sensitive true: want true on a string",
		"bad.yaml: x-wechatpay-sensitive written 2 times, 1 of them where it applies",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problem %q not found in:\n%s", want, got)
		}
	}
}

// operationByID finds the operation of a path (not a callback) with that operationId.
func operationByID(doc *openapi3.T, id string) *operation {
	for _, o := range operations(doc) {
		if !o.callback && id != "" && o.op.OperationID == id {
			return &o
		}
	}
	return nil
}

// extensionProblems lists what is wrong with the extensions of one spec file.
func extensionProblems(name string, data []byte, doc *openapi3.T) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	// A key in block style (at the start of a line, maybe after "- ") or in flow style (after "{" or ",").
	re := regexp.MustCompile(`(?m)(?:^\s*(?:- )?|[{,]\s*)(x-[A-Za-z0-9-]+)\s*:`)
	{
		written := map[string]int{}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			if !slices.Contains(specExtensions, m[1]) {
				errorf("%s: unexpected extension %s", name, m[1])
			}
			written[m[1]]++
		}
		placed := map[string]int{} // occurrences found where the extension applies
		for _, o := range operations(doc) {
			where := name + ": " + o.where
			for k, v := range o.op.Extensions {
				placed[k]++
				switch k {
				case "x-wechatpay-idempotent", "x-wechatpay-unsigned-response":
					if v != true || o.callback {
						errorf("%s: %s: %v, want true on an operation of a path", where, k, v)
					}
					if k == "x-wechatpay-idempotent" && strings.HasPrefix(o.where, http.MethodGet+" ") {
						errorf("%s: %s on a GET, which is idempotent anyway", where, k)
					}
				case "x-wechatpay-settled-by":
					// The query must be in the same file, so that the file stays whole on its own.
					id, _ := v.(string)
					q := operationByID(doc, id)
					if q == nil || !strings.HasPrefix(q.where, http.MethodGet+" ") || o.callback || o.op.Extensions["x-wechatpay-idempotent"] == true {
						errorf("%s: %s %v: want the operationId of a GET of this file, on an operation that is not idempotent", where, k, v)
					}
				case "x-wechatpay-offline-since":
					s, _ := v.(string)
					if _, err := time.Parse(time.DateOnly, s); err != nil || !o.op.Deprecated || o.callback {
						errorf("%s: %s %v: want a YYYY-MM-DD date on a deprecated operation", where, k, v)
					}
				case "x-wechatpay-event-type", "x-wechatpay-resource":
					if s, _ := v.(string); s == "" || !o.callback {
						errorf("%s: %s %v: want a string on a callback operation", where, k, v)
					}
				default:
					placed[k]--
				}
			}
			if o.callback {
				event, _ := o.op.Extensions["x-wechatpay-event-type"].(string)
				res, _ := o.op.Extensions["x-wechatpay-resource"].(string)
				if s := doc.Components.Schemas[strings.TrimPrefix(res, "#/components/schemas/")]; event == "" || !strings.HasPrefix(res, "#/components/schemas/") || s == nil {
					errorf("%s: a callback needs x-wechatpay-event-type and an x-wechatpay-resource naming a component schema (got %q, %q)", where, event, res)
				}
			}
			if o.op.RequestBody == nil {
				continue
			}
			body := o.op.RequestBody.Value
			if v, ok := body.Extensions["x-wechatpay-sign-part"]; ok {
				placed["x-wechatpay-sign-part"]++
				part, _ := v.(string)
				mt := body.Content.Get("multipart/form-data")
				if mt == nil || len(body.Content) != 1 || mt.Schema == nil || mt.Schema.Value.Properties[part] == nil || !slices.Contains(mt.Schema.Value.Required, part) {
					errorf("%s: x-wechatpay-sign-part %v: want the name of a required part of a multipart/form-data body", where, v)
				} else if !mt.Schema.Value.Properties[part].Value.Type.Is(openapi3.TypeObject) {
					errorf("%s: x-wechatpay-sign-part %s: the signed part must be a JSON object", where, part)
				}
			}
		}
		seen := map[*openapi3.Schema]bool{}
		for _, r := range schemaRoots(doc) {
			walk(r.schema, name+": "+r.where, seen, func(where string, s *openapi3.Schema) {
				if v, ok := s.Extensions["x-wechatpay-sensitive"]; ok {
					placed["x-wechatpay-sensitive"]++
					if v != true || !s.Type.Is(openapi3.TypeString) {
						errorf("%s: x-wechatpay-sensitive %v: want true on a string", where, v)
					}
				}
			})
		}
		for k, n := range written {
			if slices.Contains(specExtensions, k) && placed[k] != n {
				errorf("%s: %s written %d times, %d of them where it applies", name, k, n, placed[k])
			}
		}
	}
	slices.Sort(problems)
	return problems
}
