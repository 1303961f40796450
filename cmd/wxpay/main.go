// Command wxpay makes signed WeChat Pay APIv3 calls from the shell, downloads
// the platform certificates and checks captured notifications, with the
// runtime the generated client uses (package apiv3) and the bundled spec.
//
//	wxpay call METHOD PATH [-p NAME=VALUE]... [-q NAME=VALUE]... [-H 'NAME: VALUE']... [-d JSON|@FILE|@-] [-v]
//	wxpay ls [PREFIX]
//	wxpay certificates [-o DIR]
//	wxpay notify (-headers FILE -body FILE | -request FILE)
//	wxpay -version
//
// call signs the request, sends it, verifies the answer and prints its
// status and Request-ID (standard error) and its JSON, indented (standard
// output). When the operation is in the spec, the request is validated
// against it first, as the sandbox validates it. The configuration is
// ./wxpay.json (-config FILE), overridden by WXPAY_* environment variables,
// overridden by flags; see README.md, section "wxpay: calls from the shell".
//
// Exit status: 0 success, 1 API or verification error, 2 usage (nothing was
// sent).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wxpaygen/wxpaygen/cmd/wxpay/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
