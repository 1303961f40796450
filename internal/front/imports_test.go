package front_test

import (
	"go/build"
	"strings"
	"testing"
)

// The test double must stay an independent implementation of the wire rules:
// a mistake of the runtime's signer or verifier has to fail against it, not
// be shared with it.
func TestDoesNotImportTheRuntime(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range append(pkg.Imports, pkg.TestImports...) {
		if strings.HasSuffix(imp, "/apiv3") || strings.Contains(imp, "/apiv3/") || strings.Contains(imp, "/generated/") {
			t.Errorf("internal/front imports %s", imp)
		}
	}
}
