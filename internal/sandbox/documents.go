package sandbox

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/spec"
)

// newRouter loads the spec folder dir ("" for the bundled spec.FS) as the
// generator reads it, and routes on every operation of every file.
func newRouter(dir string) (*gateway.Router, error) {
	var doc *openapi3.T
	var err error
	if dir == "" {
		doc, err = front.LoadSpecFS(spec.FS)
	} else {
		doc, err = front.LoadSpec(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	rt, err := gateway.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return rt, nil
}
