package sandbox

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
	"github.com/wxpaygen/wxpaygen/spec"
)

// specFiles are the embedded documents the sandbox serves, in routing order.
var specFiles = []string{"discount-card.yaml", "certificates.yaml"}

// newRouter loads and validates the embedded documents and routes on them.
func newRouter() (*gateway.Router, error) {
	var docs []*openapi3.T
	for _, name := range specFiles {
		data, err := spec.FS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			return nil, fmt.Errorf("sandbox: loading spec/%s: %w", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("sandbox: spec/%s: %w", name, err)
		}
		docs = append(docs, doc)
	}
	rt, err := gateway.NewRouter(docs...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return rt, nil
}
