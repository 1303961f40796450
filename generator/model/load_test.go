package model

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/generator/load"
)

// loadSpec loads one spec file the way generation does (load.Load).
func loadSpec(t *testing.T, file string) *load.Spec {
	t.Helper()
	spec, err := load.Load(file)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	return spec
}

// loadSpecWithoutPatternCheck loads one file with kin-openapi directly, with
// origins and without validating patterns, for the case of a pattern only the
// model refuses.
func loadSpecWithoutPatternCheck(t *testing.T, file string) *load.Spec {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	l := openapi3.NewLoader()
	l.IncludeOrigin = true
	doc, err := l.LoadFromFile(abs)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableSchemaPatternValidation()); err != nil {
		t.Fatalf("validate %s: %v", file, err)
	}
	return &load.Spec{Dir: filepath.Dir(abs), Files: []string{filepath.Base(abs)}, Doc: doc}
}
