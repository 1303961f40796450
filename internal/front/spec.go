package front

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/load"
)

// LoadSpec reads the spec folder dir as the generator does (every top-level
// *.yaml/*.yml, $refs across its files, paths merged), so that what is
// served is exactly what the client was generated from, and a spec the
// generator accepts is never refused here.
func LoadSpec(dir string) (*openapi3.T, error) {
	s, err := load.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", dir, err)
	}
	return s.Doc, nil
}

// LoadSpecFS is LoadSpec for a spec folder held in fsys (its root, e.g.
// spec.FS): the files are copied to a temporary folder, which the loader
// reads (it takes paths, to locate every error by file and line), then
// removed.
func LoadSpecFS(fsys fs.FS) (*openapi3.T, error) {
	dir, err := os.MkdirTemp("", "wxpay-spec-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.CopyFS(dir, fsys); err != nil {
		return nil, fmt.Errorf("copying the spec folder: %w", err)
	}
	doc, err := LoadSpec(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (read from an fs.FS, copied to %s)", err, filepath.Base(dir))
	}
	return doc, nil
}
