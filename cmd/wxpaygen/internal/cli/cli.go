// Package cli is the command line of wxpaygen: flags in, generator.Generate,
// then write or check. Streams and arguments are injected so that tests run
// it in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator"
	"github.com/wxpaygen/wxpaygen/generator/diag"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // generation failed, or -check found drift
	ExitUsage   = 2
)

// Run executes wxpaygen with args (without the program name).
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxpaygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		specPath = fs.String("spec", "spec", "spec `file or folder`; a folder's top-level *.yaml/*.yml files are merged")
		outDir   = fs.String("out", filepath.Join("generated", "wechatpay"), "output `folder`")
		pkg      = fs.String("package", "wechatpay", "Go package `name` of the output")
		check    = fs.Bool("check", false, "generate in memory and list stale, missing and extra files without writing; exit 1 if any")
		strict   = fs.Bool("strict", false, "treat warnings as errors")
		inits    = fs.String("initialisms", "", "`file` of \"word Spelling\" lines merged over the built-in initialisms table")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wxpaygen [-spec spec/] [-out generated/wechatpay] [-package wechatpay] [-check] [-strict] [-initialisms file]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wxpaygen: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return ExitUsage
	}
	if !isIdentifier(*pkg) {
		fmt.Fprintf(stderr, "wxpaygen: -package %q is not a Go package name\n", *pkg)
		return ExitUsage
	}

	r := generator.Run(generator.Options{Spec: *specPath, Package: *pkg, Strict: *strict, Initialisms: *inits})
	files, err := r.Files, r.Err
	printDiagnostics(stderr, specDir(*specPath), r.Diagnostics)
	if s := r.Summary(); s != "" {
		fmt.Fprintln(stderr, "wxpaygen: "+s)
	}
	if err != nil {
		if _, isList := err.(diag.List); !isList {
			fmt.Fprintf(stderr, "wxpaygen: %v\n", err)
		}
		fmt.Fprintln(stderr, "wxpaygen: nothing was written")
		return ExitFailure
	}
	if *check {
		d, err := generator.Check(*outDir, files)
		if err != nil {
			fmt.Fprintf(stderr, "wxpaygen: %v\n", err)
			return ExitFailure
		}
		if !d.Empty() {
			fmt.Fprint(stdout, d.String())
			fmt.Fprintf(stderr, "wxpaygen: %s is out of date; run `make generate`\n", *outDir)
			return ExitFailure
		}
		return ExitOK
	}
	if err := generator.Write(*outDir, files); err != nil {
		fmt.Fprintf(stderr, "wxpaygen: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// specDir is the folder that diagnostic paths are relative to, as the user
// named it, so that printed positions open from the user's shell.
func specDir(spec string) string {
	if strings.HasSuffix(spec, ".yaml") || strings.HasSuffix(spec, ".yml") {
		return filepath.Dir(spec)
	}
	return spec
}

func printDiagnostics(w io.Writer, dir string, list diag.List) {
	for _, d := range list {
		if d.Pos.File != "" {
			d.Pos.File = filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(d.Pos.File)))
		}
		fmt.Fprintln(w, d.String())
	}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
		case i > 0 && '0' <= r && r <= '9':
		default:
			return false
		}
	}
	return true
}
