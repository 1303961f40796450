// Package docs renders the generator's Markdown: one page per operation and
// an index, from the model, through the templates embedded in templates/.
package docs

import (
	"bytes"
	"fmt"
	"sync"
	"text/template"

	"github.com/wxpaygen/wxpaygen/templates"
)

var (
	parseOnce sync.Once
	parsed    *template.Template
	parseErr  error
)

func loadTemplates() (*template.Template, error) {
	parseOnce.Do(func() {
		parsed, parseErr = template.New("docs").Option("missingkey=error").ParseFS(templates.FS, "*.md.tmpl")
	})
	return parsed, parseErr
}

// renderPages executes the templates over prepared data; the file names are
// those of the pages plus README.md for the index.
func renderPages(index Index) (map[string][]byte, error) {
	t, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(index.Pages)+1)
	for _, p := range index.Pages {
		b, err := execute(t, "operation.md.tmpl", p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		if _, dup := out[p.File]; dup || p.File == "README.md" {
			return nil, fmt.Errorf("two pages would be written to docs/%s", p.File)
		}
		out[p.File] = b
	}
	b, err := execute(t, "index.md.tmpl", index)
	if err != nil {
		return nil, fmt.Errorf("README.md: %w", err)
	}
	out["README.md"] = b
	return out, nil
}

func execute(t *template.Template, name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	return append(b, '\n'), nil
}
