// Package cli is the command line of wxpaygen: flags in, generator.Generate,
// then write or check. Streams and arguments are injected so that tests run
// it in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/wxpaygen/wxpaygen/generator"
	"github.com/wxpaygen/wxpaygen/generator/diag"
	"github.com/wxpaygen/wxpaygen/internal/version"
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
		showVer  = fs.Bool("version", false, "print the version of wxpaygen (from the build information) and exit")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wxpaygen [-spec spec/] [-out generated/wechatpay] [-package wechatpay] [-check] [-strict] [-initialisms file] [-version]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *showVer {
		fmt.Fprintln(stdout, version.Line("wxpaygen"))
		return ExitOK
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
			fmt.Fprintf(stderr, "wxpaygen: %s is out of date; regenerate it by running this command without -check (%s), or go generate ./... where a //go:generate line runs it\n",
				*outDir, regenerateCommand(fs))
			return ExitFailure
		}
		return ExitOK
	}
	// An interrupt before the write commits leaves the folder as it was; one
	// after it lets the write finish (generator.WriteContext).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := generator.WriteContext(ctx, *outDir, files); err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "wxpaygen: interrupted; %s is as it was\n", *outDir)
			return ExitFailure
		}
		fmt.Fprintf(stderr, "wxpaygen: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// specDir is the folder that diagnostic paths are relative to, as the user
// named it, so that printed positions open from the user's shell: the spec
// folder, or the folder of a spec file (whatever its extension: .json too).
func specDir(spec string) string {
	if fi, err := os.Stat(spec); err == nil && !fi.IsDir() {
		return filepath.Dir(spec)
	}
	return spec
}

// printDiagnostics prints one diagnostic a line. One without a file (the
// spec folder itself is missing, say) gets the command's name instead, so
// that no line of output leaves its origin unsaid.
func printDiagnostics(w io.Writer, dir string, list diag.List) {
	for _, d := range list {
		if d.Pos.File == "" {
			fmt.Fprintln(w, "wxpaygen: "+d.String())
			continue
		}
		if f := filepath.FromSlash(d.Pos.File); !filepath.IsAbs(f) {
			d.Pos.File = filepath.ToSlash(filepath.Join(dir, f))
		}
		fmt.Fprintln(w, d.String())
	}
}

// regenerateCommand is the command line that was run, without -check: what
// writes the output whoever runs wxpaygen, from this repository (where make
// generate runs it), a go:generate line or a shell. Flags come in name
// order, as set.
func regenerateCommand(fs *flag.FlagSet) string {
	cmd := []string{"wxpaygen"}
	fs.Visit(func(f *flag.Flag) {
		switch {
		case f.Name == "check":
		case isBoolFlag(f):
			if f.Value.String() == "true" {
				cmd = append(cmd, "-"+f.Name)
			}
		default:
			cmd = append(cmd, "-"+f.Name, shellQuote(f.Value.String()))
		}
	})
	return strings.Join(cmd, " ")
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// shellQuote leaves a plain word as it is and single-quotes anything else,
// so that the printed command pastes into a POSIX shell.
func shellQuote(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '=' || r == ',' || r == '+' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			plain = false
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
