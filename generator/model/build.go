package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
	"github.com/wxpaygen/wxpaygen/generator/load"
)

// Build computes the generated package's model from a loaded spec. The list
// holds warnings and errors; the API is nil when there is an error. An
// error that costs only some operations leaves them out with a warning
// instead (degrade.go; not with Options.Strict): API.LeftOut names them.
func Build(s *load.Spec, opts Options) (*API, diag.List) {
	ex := &exclusions{ops: map[string]bool{}, schemas: map[string]bool{}}
	var leftOut diag.List
	for {
		b := newBuilder(s.Doc, s.Files, s.Position)
		b.excluded = ex
		b.fileAt = s.FilePosition
		b.useInitialismsFile(opts.InitialismsFile)
		api := b.build()
		b.reportUnusedInitialisms()
		if !b.diags.hasErrors() {
			api.LeftOut = ex.described
			list := append(b.diags.list, leftOut...)
			list.Sort()
			return api, list
		}
		more, ok := b.degrade()
		if opts.Strict || !ok {
			b.diags.list.Sort()
			return nil, b.diags.list
		}
		leftOut = append(leftOut, more...)
	}
}

// builder holds the state of one Build: the document (read, never
// changed), the model being made, the names taken and the diagnostics.
type builder struct {
	doc      *openapi3.T
	files    []string
	position func(*openapi3.Origin, string) diag.Position
	// fileAt locates a line of a file given by path (the initialisms file).
	fileAt func(path string, line int) diag.Position
	api    *API
	diags  report
	// excluded are the operations and schemas a previous round left out.
	excluded *exclusions
	scope    scope
	// components maps a component schema's name to its named type.
	components map[string]*Type
	// patterns maps an expression to its package-level variable.
	patterns map[string]*Pattern
	// events maps an event type to its notification.
	events map[string]*Notification
	// names spells Go names (schema part: naming.go, initialisms_file.go).
	names *namer
	// schemaState is the schema part's bookkeeping (types.go).
	schemaState
}

func newBuilder(doc *openapi3.T, files []string, position func(*openapi3.Origin, string) diag.Position) *builder {
	return &builder{
		doc: doc, files: files, position: position,
		api:        &API{Sources: slices.Clone(files)},
		scope:      scope{},
		components: map[string]*Type{},
		patterns:   map[string]*Pattern{},
		events:     map[string]*Notification{},
		names:      newNamer(),
	}
}

// build runs the passes in order: component types first (so references
// and recursion resolve), then operations, the chain, what Validate covers,
// and finally the collision check over every package-level name.
func (b *builder) build() *API {
	if b.doc.Info != nil {
		b.api.Title, b.api.Description = b.doc.Info.Title, b.doc.Info.Description
	}
	b.declareComponents()
	b.fillComponents()
	b.buildOperations()
	b.markSensitive()
	b.buildChain()
	b.finishUnions()
	b.markValidated()
	b.breakValueCycles()
	b.markZeroChecks()
	b.finish()
	return b.api
}

// finish sorts what is sorted by Go name and claims the package-level names.
func (b *builder) finish() {
	byName := func(a, c *Type) int { return cmp.Compare(a.Name, c.Name) }
	slices.SortStableFunc(b.api.Types, byName)
	slices.SortFunc(b.api.Notifications, func(a, c *Notification) int { return cmp.Compare(a.GoName, c.GoName) })
	b.api.Patterns = b.usedPatterns()
	slices.SortFunc(b.api.Patterns, func(a, c *Pattern) int { return cmp.Compare(a.GoName, c.GoName) })
	b.claimNames()
}

// pointer joins JSON Pointer tokens, escaping each.
func pointer(base string, tokens ...string) string {
	var sb strings.Builder
	sb.WriteString(base)
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(pointerEscaper.Replace(t))
	}
	return sb.String()
}

// pointerEscaper escapes a JSON Pointer token (RFC 6901). Built once: a
// Replacer per token was a third of everything the generator allocated.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pos locates an element by its Origin and pointer.
func (b *builder) pos(o *openapi3.Origin, ptr string) diag.Position {
	return b.position(o, ptr)
}

// seqPos locates item i of a sequence-valued field (e.g. an enum value),
// falling back to the element's own place.
func (b *builder) seqPos(o *openapi3.Origin, field string, i int, ptr string) diag.Position {
	p := b.pos(o, ptr)
	if o != nil && i < len(o.Sequences[field]) {
		loc := o.Sequences[field][i]
		p.Line, p.Column = loc.Line, loc.Column
	}
	return p
}

// schemaOrigin prefers the reference's own place (a property written as
// $ref) over the referenced schema's.
func schemaOrigin(r *openapi3.SchemaRef) *openapi3.Origin {
	if r.Origin != nil && r.Origin.Key != nil {
		return r.Origin
	}
	if r.Value != nil {
		return r.Value.Origin
	}
	return nil
}

// sortedKeys returns a map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
