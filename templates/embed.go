// Package templates holds the text/template sources for the generator's
// non-Go outputs (the per-operation Markdown pages). It lives beside the
// templates because embed patterns cannot reach a parent folder.
package templates

import "embed"

// FS holds every *.tmpl file of this folder.
//
//go:embed *.tmpl
var FS embed.FS
