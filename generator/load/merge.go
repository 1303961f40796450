package load

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// merge builds one document from the per-file documents (nil entries are
// files that failed to load). It shares the loaded elements instead of
// copying them, so their Origins stay; only a path item that two files both
// contribute operations to is a new (shallow) copy.
//
// Rules: paths are united, the same path+method in two files is an error;
// components are united, the same name with a deep-equal value (Origins
// ignored) is fine, with a different value an error naming both places; the
// openapi version, info, servers, security and top-level extensions come from
// the first file (by name) that has them; tags are united by name, first wins.
func (s *Spec) merge(docs []*openapi3.T) (*openapi3.T, diag.List) {
	var diags diag.List
	seen := mergedJSON{}
	out := &openapi3.T{Paths: openapi3.NewPaths()}
	comps := openapi3.NewComponents()
	out.Components = &comps
	opIDs := map[string]opRef{}
	pathFile := map[string]bool{} // paths already copied into out
	tagSeen := map[string]bool{}
	for _, doc := range docs {
		if doc == nil {
			continue
		}
		if out.OpenAPI == "" {
			out.OpenAPI = doc.OpenAPI
		}
		if out.Info == nil {
			out.Info = doc.Info
		}
		if len(out.Servers) == 0 {
			out.Servers = doc.Servers
		}
		if out.Security == nil {
			out.Security = doc.Security
		}
		if out.Extensions == nil {
			out.Extensions, s.extOrigin = doc.Extensions, doc.Origin
		}
		if doc.Paths != nil && out.Paths.Extensions == nil {
			out.Paths.Extensions = doc.Paths.Extensions
		}
		if out.ExternalDocs == nil {
			out.ExternalDocs = doc.ExternalDocs
		}
		for _, t := range doc.Tags {
			if t != nil && !tagSeen[t.Name] {
				tagSeen[t.Name] = true
				out.Tags = append(out.Tags, t)
			}
		}
		s.mergePaths(out, doc, pathFile, opIDs, &diags)
		if doc.Components != nil {
			s.mergeComponents(out.Components, doc.Components, seen, &diags)
		}
	}
	return out, diags
}

type opRef struct {
	ptr string
	op  *openapi3.Operation
}

func (s *Spec) mergePaths(out, doc *openapi3.T, copied map[string]bool, opIDs map[string]opRef, diags *diag.List) {
	if doc.Paths == nil {
		return
	}
	for _, p := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(p)
		if item == nil {
			continue
		}
		ops := item.Operations()
		for _, m := range slices.Sorted(maps.Keys(ops)) {
			op := ops[m]
			if op.OperationID == "" {
				continue
			}
			ptr := "/paths/" + escapePointer(p) + "/" + strings.ToLower(m)
			if prev, ok := opIDs[op.OperationID]; ok && prev.op != op {
				prevPos := s.Position(prev.op.Origin, prev.ptr)
				diags.Errorf(s.Position(op.Origin, ptr), "give each operation its own operationId",
					"operationId %q is used twice: also at %s (#%s)", op.OperationID, prevPos, prev.ptr)
				continue
			}
			opIDs[op.OperationID] = opRef{ptr, op}
		}
		have := out.Paths.Value(p)
		if have == nil {
			out.Paths.Set(p, item)
			continue
		}
		if !copied[p] {
			c := *have
			have = &c
			out.Paths.Set(p, have)
			copied[p] = true
		}
		for _, m := range slices.Sorted(maps.Keys(ops)) {
			ptr := "/paths/" + escapePointer(p) + "/" + strings.ToLower(m)
			if prev := have.GetOperation(m); prev != nil {
				diags.Errorf(s.Position(ops[m].Origin, ptr), "define each operation in one file only",
					"operation %s %s is defined twice: also at %s", m, p, s.Position(prev.Origin, ptr))
				continue
			}
			have.SetOperation(m, ops[m])
		}
	}
}

// mergeComponents unites src into dst, one section at a time.
func (s *Spec) mergeComponents(dst, src *openapi3.Components, seen mergedJSON, diags *diag.List) {
	mergeSection(s, seen, "schemas", &dst.Schemas, src.Schemas, func(r *openapi3.SchemaRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "parameters", &dst.Parameters, src.Parameters, func(r *openapi3.ParameterRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "headers", &dst.Headers, src.Headers, func(r *openapi3.HeaderRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "requestBodies", &dst.RequestBodies, src.RequestBodies, func(r *openapi3.RequestBodyRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "responses", &dst.Responses, src.Responses, func(r *openapi3.ResponseRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "securitySchemes", &dst.SecuritySchemes, src.SecuritySchemes, func(r *openapi3.SecuritySchemeRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "examples", &dst.Examples, src.Examples, func(r *openapi3.ExampleRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "links", &dst.Links, src.Links, func(r *openapi3.LinkRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	mergeSection(s, seen, "callbacks", &dst.Callbacks, src.Callbacks, func(r *openapi3.CallbackRef) *openapi3.Origin { return refOrigin(r.Origin, r.Value) }, diags)
	if dst.Extensions == nil {
		dst.Extensions = src.Extensions
	}
}

func mergeSection[M ~map[string]V, V comparable](s *Spec, seen mergedJSON, section string, dst *M, src M, origin func(V) *openapi3.Origin, diags *diag.List) {
	var zero V
	for _, name := range slices.Sorted(maps.Keys(src)) {
		v := src[name]
		if v == zero {
			continue
		}
		if *dst == nil {
			*dst = M{}
		}
		have, ok := (*dst)[name]
		if !ok {
			(*dst)[name] = v
			continue
		}
		if have == v || seen.same(have, v) {
			continue
		}
		ptr := "/components/" + section + "/" + escapePointer(name)
		diags.Errorf(s.Position(origin(v), ptr), "give one of them another name, or make both identical",
			"component %s %q differs from the one at %s", section, name, s.Position(origin(have), ptr))
	}
}

// mergedJSON holds the JSON of merged components, so that one shared by many
// files (an ErrorResponse in each) is marshalled once for the comparisons.
type mergedJSON map[any][]byte

// same compares a merged component with another by their JSON form, which
// leaves Origins out.
func (m mergedJSON) same(have, v any) bool {
	jh, ok := m[have]
	if !ok {
		var err error
		if jh, err = json.Marshal(have); err != nil {
			return false
		}
		m[have] = jh
	}
	jv, err := json.Marshal(v)
	return err == nil && bytes.Equal(jh, jv)
}
