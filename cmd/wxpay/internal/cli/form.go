package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

// formValue is one -F NAME=VALUE: the value as given, or the bytes of the
// file @FILE names (@- for standard input), with that file's base name.
type formValue struct {
	content  []byte
	filename string
}

// readForms parses the -F flags, by part name.
func readForms(forms []string, stdin io.Reader) (map[string]formValue, error) {
	values := map[string]formValue{}
	for _, f := range forms {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, usagef("-F %q: want NAME=VALUE or NAME=@FILE", f)
		}
		if _, dup := values[name]; dup {
			return nil, usagef("-F %s given twice", name)
		}
		v := formValue{content: []byte(value)}
		switch {
		case value == "@-":
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, usagef("-F %s=@-: %v", name, err)
			}
			v.content = b
		case strings.HasPrefix(value, "@"):
			b, err := os.ReadFile(value[1:])
			if err != nil {
				return nil, usagef("-F %s: %v", name, err)
			}
			v.content, v.filename = b, filepath.Base(value[1:])
		}
		values[name] = v
	}
	return values, nil
}

// setMultipart makes r's body the multipart/form-data body of m from the
// -F values, as the generated client makes it: the parts in the spec's
// order, JSON parts as JSON, the file named by the signed part's filename
// member (meta.filename), the signed part named.
func setMultipart(r *apiv3.Request, op *model.Operation, values map[string]formValue) error {
	m := op.Multipart
	known := map[string]bool{}
	for _, p := range m.Parts {
		known[p.Name] = true
	}
	for name := range values {
		if !known[name] {
			return usagef("-F %s: %s has no such part (its parts: %s)", name, op.ID, partNames(m))
		}
	}
	var signed map[string]any // the signed part decoded, for the file name
	mp := &apiv3.Multipart{Sign: m.Sign}
	for _, p := range m.Parts {
		v, ok := values[p.Name]
		if !ok {
			continue // a missing required part is the spec check's to report
		}
		part := apiv3.Part{Name: p.Name, ContentType: p.ContentType}
		switch p.Kind {
		case model.PartJSON:
			b := bytes.TrimSpace(v.content)
			if !json.Valid(b) {
				return usagef("-F %s: the part is JSON in the spec; this is not JSON", p.Name)
			}
			part.JSON = json.RawMessage(b)
			if p.Name == m.Sign {
				json.Unmarshal(b, &signed)
			}
		default:
			part.Content = v.content
		}
		mp.Parts = append(mp.Parts, part)
	}
	for i, p := range m.Parts {
		if p.Kind != model.PartFile {
			continue
		}
		for j := range mp.Parts {
			if mp.Parts[j].Name != p.Name {
				continue
			}
			name, _ := signed[filenameOf(m.Parts[i])].(string)
			mp.Parts[j].Filename = firstOf(name, values[p.Name].filename, p.Name)
		}
	}
	r.Body, r.Multipart = nil, mp
	return nil
}

// filenameOf is the signed part's member that names the file ("filename"
// of meta), "" when the spec has none.
func filenameOf(p *model.Part) string {
	if p.Filename == nil {
		return ""
	}
	return p.Filename.JSONName
}

func partNames(m *model.Multipart) string {
	names := make([]string, len(m.Parts))
	for i, p := range m.Parts {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
