package load

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// validate runs kin-openapi's document validation with its default options
// (examples and defaults are validated against their schemas, unknown formats
// are allowed) in multi-error mode, and locates every error it returns.
func (s *Spec) validate(doc *openapi3.T, file string) (diags diag.List) {
	defer func() {
		if r := recover(); r != nil {
			diags.Errorf(diag.Position{File: file}, "this is a bug in kin-openapi; simplify the construct around the reported place or report it",
				"kin-openapi panicked while validating: %v", r)
		}
	}()
	err := doc.Validate(context.Background(), openapi3.EnableMultiError())
	if err == nil {
		return nil
	}
	var errs []error
	if me, ok := err.(openapi3.MultiError); ok {
		errs = flatten(me)
	} else {
		errs = []error{err}
	}
	seen := map[string]bool{}
	for _, e := range errs {
		d := s.locate(doc, file, e)
		// A schema reached through $refs from several places is reported by
		// kin-openapi once per place; report it once, where it is written.
		key := fmt.Sprintf("%s\x00%s", d.Pos.String(), d.Message)
		if seen[key] {
			continue
		}
		seen[key] = true
		diags = append(diags, d)
	}
	return diags
}

func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		if sub, ok := e.(openapi3.MultiError); ok {
			out = append(out, flatten(sub)...)
		} else if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// componentSections maps the section names of ComponentValidationError to the
// keys of the Components object.
var componentSections = map[string]string{
	"schema":          "schemas",
	"parameter":       "parameters",
	"header":          "headers",
	"request body":    "requestBodies",
	"response":        "responses",
	"security scheme": "securitySchemes",
	"example":         "examples",
	"link":            "links",
	"callback":        "callbacks",
}

// locate turns one validation error into a diagnostic: the context wrappers
// in its chain give the JSON Pointer and the element whose Origin gives the
// line; an Origin carried by the error itself, when deeper, wins.
func (s *Spec) locate(doc *openapi3.T, file string, err error) diag.Diagnostic {
	var (
		ptr     string
		origin  *openapi3.Origin // of the deepest element named by a wrapper
		errOrig *openapi3.Origin // the deepest Origin carried by an error
		msg     = err
		path    string
		item    *openapi3.PathItem
	)
	for e := err; e != nil; e = errors.Unwrap(e) {
		if o := originField(e); o != nil && o.Key != nil {
			errOrig = o
		}
		switch w := e.(type) {
		case *openapi3.SectionValidationError:
			ptr = "/" + w.Section
			if w.Section == "info" && doc.Info != nil {
				origin = doc.Info.Origin
			}
			if w.Section == "external docs" {
				ptr = "/externalDocs"
			}
			msg = w.Cause
		case *openapi3.PathValidationError:
			path = w.Path
			ptr = "/paths/" + escapePointer(w.Path)
			if doc.Paths != nil {
				if item = doc.Paths.Value(w.Path); item != nil {
					origin = item.Origin
				}
			}
			msg = w.Cause
		case *openapi3.OperationValidationError:
			ptr = "/paths/" + escapePointer(path) + "/" + strings.ToLower(w.Method)
			if item != nil {
				if op := item.GetOperation(w.Method); op != nil && op.Origin != nil {
					origin = op.Origin
				}
			}
			msg = w.Cause
		case *openapi3.ComponentValidationError:
			sec := componentSections[w.Section]
			if sec == "" {
				sec = w.Section
			}
			ptr = "/components/" + sec + "/" + escapePointer(w.Name)
			if o := componentOrigin(doc.Components, sec, w.Name); o != nil {
				origin = o
			}
			msg = w.Cause
		case *openapi3.PathParametersError:
			ptr = "/paths/" + escapePointer(w.Path) + "/" + strings.ToLower(w.Method)
			origin = w.Origin
			if doc.Paths != nil {
				if it := doc.Paths.Value(w.Path); it != nil {
					if op := it.GetOperation(w.Method); op != nil && op.Origin != nil {
						origin = op.Origin
					}
				}
			}
			errOrig = nil
		}
	}
	if errOrig != nil {
		if origin != nil && origin.Key != nil && !within(errOrig, origin) {
			// The element at fault is not inside the one the pointer names:
			// it was reached through a $ref (reported there too).
			ptr = ""
		}
		origin = errOrig
	}
	if origin == doc.Origin && ptr != "" {
		origin = nil // the whole document: the pointer says more
	}
	pos := s.originPosition(origin, ptr) // without an Origin, Load places ptr in file
	if pos.File == "" {
		pos.File = file
	}
	return diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: shortMessage(msg), Hint: hintFor(err)}
}

// shortMessage renders an error, leaving out the schema and value dumps of a
// *openapi3.SchemaError (which span many lines).
func shortMessage(err error) string {
	text := err.Error()
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		short := se.Reason
		if p := se.JSONPointer(); len(p) > 0 {
			short += " at /" + strings.Join(p, "/")
		}
		text = strings.Replace(text, se.Error(), short, 1)
	}
	return strings.TrimSpace(text)
}

// within reports whether a lies in the block b heads (or is b), in the same file.
func within(a, b *openapi3.Origin) bool {
	if a.Key.File != b.Key.File {
		return false
	}
	if a.Key.Line < b.Key.Line || (a.Key.Line == b.Key.Line && a.Key.Column < b.Key.Column) {
		return false
	}
	return b.Key.EndLine == 0 || a.Key.Line <= b.Key.EndLine
}

// originField returns the Origin field of a struct (an error or an element),
// if it has one.
func originField(e any) *openapi3.Origin {
	v := reflect.ValueOf(e)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	f := v.FieldByName("Origin")
	if !f.IsValid() || !f.CanInterface() {
		return nil
	}
	o, _ := f.Interface().(*openapi3.Origin)
	return o
}

// componentOrigin finds the Origin of a named component.
func componentOrigin(c *openapi3.Components, section, name string) *openapi3.Origin {
	if c == nil {
		return nil
	}
	switch section {
	case "schemas":
		if r := c.Schemas[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "parameters":
		if r := c.Parameters[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "headers":
		if r := c.Headers[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "requestBodies":
		if r := c.RequestBodies[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "responses":
		if r := c.Responses[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "securitySchemes":
		if r := c.SecuritySchemes[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "examples":
		if r := c.Examples[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "links":
		if r := c.Links[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	case "callbacks":
		if r := c.Callbacks[name]; r != nil {
			return refOrigin(r.Origin, r.Value)
		}
	}
	return nil
}

// refOrigin prefers the Origin of a $ref wrapper (where the component is
// written in this document) over the one of the value it holds.
func refOrigin(wrapper *openapi3.Origin, value any) *openapi3.Origin {
	if wrapper != nil && wrapper.Key != nil {
		return wrapper
	}
	return originField(value)
}

// hintFor suggests a fix for the common kinds of validation errors.
func hintFor(err error) string {
	var (
		pp  *openapi3.PathParametersError
		rf  *openapi3.RequiredFieldError
		sv  *openapi3.SchemaValueError
		ste *openapi3.SchemaTypeError
	)
	switch {
	case errors.As(err, &pp):
		return "declare every {name} of the path template as an `in: path` parameter, and no others"
	case errors.As(err, &rf):
		return "add the missing field"
	case errors.As(err, &sv):
		return "make the value match its schema, or fix the schema"
	case errors.As(err, &ste):
		return "use one of the OpenAPI 3.0 types: string, number, integer, boolean, array, object"
	}
	return "fix the element so it is valid OpenAPI 3.0"
}
