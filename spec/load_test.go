package spec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator"
)

// specFiles are the top-level YAML documents of a spec folder, loaded for
// the house rules: each with its $refs resolved, also those into other files
// of the folder (which the generator accepts), but not validated, since
// whether a folder is acceptable at all is the generator's to say
// (ruleGenerates runs it).
type specFiles struct {
	dir   string                 // the folder on disk, for the generator
	names []string               // sorted
	docs  map[string]*openapi3.T // by file name
	raw   map[string][]byte      // the bytes of each file
}

// bundled is this folder: the very files embedded in FS.
func bundled(t *testing.T) specFiles {
	t.Helper()
	set := loadFiles(t, ".", FS)
	if len(set.names) < 2 {
		t.Fatalf("FS holds %v, want at least discount-card.yaml and certificates.yaml", set.names)
	}
	return set
}

// load is the bundled documents by file name.
func load(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	return bundled(t).docs
}

// loadFiles loads the *.yaml files at the top of fsys, which holds the
// folder dir. A $ref may name any file of fsys, and nothing else, as the
// generator's loader allows.
func loadFiles(t *testing.T, dir string, fsys fs.FS) specFiles {
	t.Helper()
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set := specFiles{dir: dir, names: names, docs: map[string]*openapi3.T{}, raw: map[string][]byte{}}
	for _, name := range names {
		if set.raw[name], err = fs.ReadFile(fsys, name); err != nil {
			t.Fatal(err)
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
			p := path.Clean(u.Path)
			if u.Scheme != "" || u.Host != "" || !fs.ValidPath(p) {
				return nil, fmt.Errorf("$ref %s: only files of the spec folder may be referenced", u)
			}
			return fs.ReadFile(fsys, p)
		}
		doc, err := loader.LoadFromDataWithPath(set.raw[name], &url.URL{Path: name})
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		set.docs[name] = doc
	}
	return set
}

func discountCard(t *testing.T) *openapi3.T {
	t.Helper()
	doc := load(t)["discount-card.yaml"]
	if doc == nil {
		t.Fatal("discount-card.yaml missing from FS")
	}
	return doc
}

// operation is one operation of a document, callbacks included.
type operation struct {
	where    string // "METHOD path" or "callback key METHOD expression"
	op       *openapi3.Operation
	callback bool
}

// operations lists the operations of doc and of their callbacks. A callback
// that several operations share through a $ref to components/callbacks (the
// payment notification, which every prepay declares) is one declaration and
// is listed once.
func operations(doc *openapi3.T) []operation {
	var ops []operation
	seen := map[*openapi3.Operation]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			ops = append(ops, operation{where: method + " " + path, op: op})
			for key, cb := range op.Callbacks {
				for expr, item := range cb.Value.Map() {
					for cbMethod, cbOp := range item.Operations() {
						if seen[cbOp] {
							continue
						}
						seen[cbOp] = true
						ops = append(ops, operation{where: key + " " + cbMethod + " " + expr, op: cbOp, callback: true})
					}
				}
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].where < ops[j].where })
	return ops
}

// root is a schema where a walk starts.
type root struct {
	where  string
	schema *openapi3.Schema
}

// schemaRoots lists the component schemas and parameters, then the schemas of the parameters and
// bodies of every operation (callbacks included), so that inline schemas are walked too.
func schemaRoots(doc *openapi3.T) []root {
	var roots []root
	c := doc.Components
	if c == nil {
		c = &openapi3.Components{}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Schemas)) {
		roots = append(roots, root{n, c.Schemas[n].Value})
	}
	for _, n := range slices.Sorted(maps.Keys(c.Parameters)) {
		if p := c.Parameters[n].Value; p.Schema != nil {
			roots = append(roots, root{"parameter " + n, p.Schema.Value})
		}
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, p := range doc.Paths.Value(path).Parameters {
			if p.Value.Schema != nil {
				roots = append(roots, root{path + " parameter " + p.Value.Name, p.Value.Schema.Value})
			}
		}
	}
	for _, o := range operations(doc) {
		for _, p := range o.op.Parameters {
			if p.Value.Schema != nil {
				roots = append(roots, root{o.where + " parameter " + p.Value.Name, p.Value.Schema.Value})
			}
		}
		if o.op.RequestBody != nil {
			for _, ct := range slices.Sorted(maps.Keys(o.op.RequestBody.Value.Content)) {
				if mt := o.op.RequestBody.Value.Content[ct]; mt.Schema != nil {
					roots = append(roots, root{o.where + " request " + ct, mt.Schema.Value})
				}
			}
		}
		for _, code := range slices.Sorted(maps.Keys(o.op.Responses.Map())) {
			c := o.op.Responses.Value(code).Value.Content
			for _, ct := range slices.Sorted(maps.Keys(c)) {
				if mt := c[ct]; mt.Schema != nil {
					roots = append(roots, root{o.where + " response " + code + " " + ct, mt.Schema.Value})
				}
			}
		}
	}
	return roots
}

func walk(s *openapi3.Schema, where string, seen map[*openapi3.Schema]bool, f func(string, *openapi3.Schema)) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	f(where, s)
	for name, p := range s.Properties {
		walk(p.Value, where+"."+name, seen, f)
	}
	if s.Items != nil {
		walk(s.Items.Value, where+"[]", seen, f)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		walk(ap.Value, where+"{}", seen, f)
	}
	for kind, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		for i, x := range list {
			walk(x.Value, fmt.Sprintf("%s(%s %d)", where, kind, i), seen, f)
		}
	}
	if s.Not != nil {
		walk(s.Not.Value, where+"(not)", seen, f)
	}
}

// asJSON gives v the shape encoding/json would decode from the wire (float64 numbers, map[string]any).
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The house rules' loader refuses nothing the generator accepts, $refs
// across files and into a subfolder included (the old loader read each file
// alone and refused them): one set of rules says what a spec may be, the
// generator's.
func TestLoaderAcceptsWhatTheGeneratorAccepts(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.yaml": `openapi: 3.0.3
info: {title: a, version: '1'}
paths:
  /v3/a/{id}:
    get:
      parameters: [{$ref: 'b.yaml#/components/parameters/ID'}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'common/money.yaml#/components/schemas/Money'}
`,
		"b.yaml": `openapi: 3.0.3
info: {title: b, version: '1'}
paths: {}
components:
  parameters:
    ID: {name: id, in: path, required: true, schema: {type: string}}
`,
		"common/money.yaml": `components:
  schemas:
    Money: {type: object, properties: {total: {type: integer}}}
`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, list, err := generator.Generate(generator.Options{Spec: dir}); err != nil {
		t.Fatalf("the generator refuses the folder (make it one it accepts): %v", list)
	}
	set := loadFiles(t, dir, os.DirFS(dir))
	op := set.docs["a.yaml"].Paths.Value("/v3/a/{id}").Get
	if op.Parameters[0].Value == nil || op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value.Properties["total"] == nil {
		t.Error("the $refs across files are not resolved")
	}
}
