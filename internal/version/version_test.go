package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	dep := func(path, version string, replace *debug.Module) *debug.Module {
		return &debug.Module{Path: path, Version: version, Replace: replace}
	}
	for _, tt := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"checkout: go run, go test", debug.BuildInfo{Main: debug.Module{Path: Module, Version: "(devel)"}}, Devel},
		{"no main module", debug.BuildInfo{}, Devel},
		{"go install @version", debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v1.2.3"}}, "v1.2.3"},
		{"go build in a checkout with VCS stamping", debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v0.0.0-20260101120000-0123456789ab+dirty"}},
			"v0.0.0-20260101120000-0123456789ab+dirty"},
		{"a tool of a user's module", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop", Version: "(devel)"},
			Deps: []*debug.Module{dep("golang.org/x/text", "v0.14.0", nil), dep(Module, "v1.4.0", nil)}}, "v1.4.0"},
		{"replaced by a clone", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{dep(Module, "v0.0.0-00010101000000-000000000000", &debug.Module{Path: "../wxpaygen"})}}, Devel},
		{"replaced by a fork's version", debug.BuildInfo{Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{dep(Module, "v1.4.0", &debug.Module{Path: "example.com/fork", Version: "v1.4.1"})}}, "v1.4.1"},
	} {
		if got := fromBuildInfo(&tt.info); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLineInATest(t *testing.T) {
	got := Line("wxpay")
	if !strings.HasPrefix(got, "wxpay devel (go") {
		t.Errorf("Line = %q, want wxpay devel (go...)", got)
	}
}
