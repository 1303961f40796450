// Package version tells the wxpaygen commands (wxpaygen, wxpay-sandbox,
// wxpay) which version of this module they were built from, for their
// -version flag. It reads the build information the go command records in
// every binary (runtime/debug.ReadBuildInfo), so that nothing has to be
// stamped by hand and the generated code stays version-free.
package version

import (
	"runtime"
	"runtime/debug"
)

// Module is the module the commands belong to.
const Module = "github.com/wxpaygen/wxpaygen"

// Devel is the version of a build from a checkout (go run, go test, or a
// go build that recorded no version control information).
const Devel = "devel"

// Get returns the version of Module in this binary: its tag or
// pseudo-version when it was installed by version (go install ...@v1.2.3,
// or go build in a module that requires it), Devel in a checkout.
func Get() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Devel
	}
	return fromBuildInfo(info)
}

// Line is what -version prints: "wxpay v1.2.3 (go1.26.0 linux/amd64)".
func Line(command string) string {
	return command + " " + Get() + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

// fromBuildInfo finds Module in info: the main module when the command was
// built in it (a checkout, go install ...@version), else a dependency of
// the main module (go tool wxpaygen in a user's module), replaced or not.
func fromBuildInfo(info *debug.BuildInfo) string {
	m := &info.Main
	if m.Path != Module {
		m = nil
		for _, d := range info.Deps {
			if d.Path == Module {
				m = d
				break
			}
		}
	}
	if m == nil {
		return Devel
	}
	if m.Replace != nil {
		m = m.Replace // a directory replacement has no version: Devel
	}
	if m.Version == "" || m.Version == "(devel)" {
		return Devel
	}
	return m.Version
}
