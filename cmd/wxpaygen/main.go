// Command wxpaygen generates a typed, chainable, signed Go client for WeChat
// Pay APIv3 from OpenAPI 3 descriptions.
//
//	wxpaygen [-spec spec/] [-out generated/wechatpay] [-package wechatpay] [-check] [-strict] [-initialisms FILE]
//	wxpaygen -version
//
// With -check it generates in memory and lists stale, missing and extra
// generated files without writing anything; it exits 1 when there are any.
package main

import (
	"os"

	"github.com/wxpaygen/wxpaygen/cmd/wxpaygen/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
