// Package cli is the command line of wxpay: one signed WeChat Pay APIv3
// call, the platform certificates, or a captured notification, from the
// shell. It is built on the runtime (apiv3) and on the spec the generator
// reads (the bundled one, embedded, or -spec DIR); streams, arguments and
// the environment are injected so that tests run it in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/wxpaygen/wxpaygen/internal/version"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // the call or the verification failed: API error, bad signature, transport, expired certificate
	ExitUsage   = 2 // nothing was sent: bad arguments, configuration, or a request the spec refuses
)

// Env is what the command reads and writes besides its arguments.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable (os.Getenv); nil reads none.
	Getenv func(string) string
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

const usage = `usage:
  wxpay call METHOD PATH [-p NAME=VALUE]... [-q NAME=VALUE]... [-H 'NAME: VALUE']... [-d JSON|@FILE|@-] [-v] [-no-validate]
  wxpay ls [PREFIX]
  wxpay certificates [-o DIR]
  wxpay notify (-headers FILE -body FILE | -request FILE)
  wxpay -version

PATH is a path template such as v3/discount-card/cards/{out_card_code} (its values
given with -p) or a path. Every command reads ./wxpay.json (-config FILE, or
$WXPAY_CONFIG), then WXPAY_* environment variables, then flags; "wxpay CMD -h"
lists them. call and ls read the bundled spec, or -spec DIR ($WXPAY_SPEC).

exit status: 0 success, 1 API or verification error, 2 usage (nothing was sent)
`

// Run executes wxpay with args (without the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	var err error
	switch args[0] {
	case "call":
		err = cmdCall(ctx, args[1:], &env)
	case "ls":
		err = cmdLs(args[1:], &env)
	case "certificates", "certs":
		err = cmdCertificates(ctx, args[1:], &env)
	case "notify":
		err = cmdNotify(args[1:], &env)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	case "version", "-version", "--version":
		fmt.Fprintln(env.Stdout, version.Line("wxpay"))
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "wxpay: unknown command %q\n%s", args[0], usage)
		return ExitUsage
	}
	return report(env.Stderr, args[0], err)
}

// report prints err, with its typed cause, and returns the exit code.
func report(w io.Writer, cmd string, err error) int {
	var ue usageError
	var re refusedError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp), errors.As(err, new(flagError)):
		return ExitUsage // the flag package has said what is wrong
	case errors.As(err, &ue):
		fmt.Fprintf(w, "wxpay %s: %v\n(wxpay %s -h lists its flags)\n", cmd, err, cmd)
		return ExitUsage
	case errors.As(err, &re):
		fmt.Fprintf(w, "wxpay %s: %v\n", cmd, err)
		if c := cause(err); c != "" {
			fmt.Fprintf(w, "cause: %s\n", c)
		}
		return ExitUsage
	}
	fmt.Fprintf(w, "wxpay %s: %v\n", cmd, err)
	if c := cause(err); c != "" {
		fmt.Fprintf(w, "cause: %s\n", c)
	}
	return ExitFailure
}

// usageError is a command line that cannot be run.
type usageError string

func (e usageError) Error() string { return string(e) }

func usagef(format string, args ...any) error { return usageError(fmt.Sprintf(format, args...)) }

// refusedError is a problem found before anything was sent: configuration
// that does not load, or a request that breaks the spec or the runtime's
// rules. Exit code 2, like usage.
type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

func refused(err error) error {
	if err == nil {
		return nil
	}
	return refusedError{err}
}

// newFlagSet is a flag set whose usage and errors go to stderr.
func newFlagSet(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("wxpay "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses flags placed before, between or after the positional
// arguments and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagError is a command line the flag package refused, after printing
// why and the flags.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }

// multiFlag is a repeatable flag.
type multiFlag []string

func (f *multiFlag) String() string     { return strings.Join(*f, ", ") }
func (f *multiFlag) Set(v string) error { *f = append(*f, v); return nil }
