// Package generator turns OpenAPI 3 descriptions of WeChat Pay APIv3
// endpoints into a typed, chainable, signed Go client.
//
// It runs in stages, each in its own package: load (read, merge and validate
// the spec files) -> model (every Go decision: names, types, validation, the
// chain) -> emit (Go source through jennifer) and docs (Markdown through
// text/template). Generate returns every output file in memory; Write puts
// them on disk only after generation succeeded, so a broken spec never
// half-writes a package.
package generator

import (
	"fmt"
	"sync"

	"github.com/wxpaygen/wxpaygen/generator/diag"
	"github.com/wxpaygen/wxpaygen/generator/docs"
	"github.com/wxpaygen/wxpaygen/generator/emit"
	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

// Options says what to generate.
type Options struct {
	// Spec is a spec file or a folder whose top-level *.yaml and *.yml
	// files are merged.
	Spec string
	// Package is the name of the generated Go package.
	Package string
	// Strict turns warnings into errors.
	Strict bool
	// Initialisms, when set, is a file of "word Spelling" lines merged over
	// the built-in initialisms table; an entry no name uses is a warning.
	Initialisms string
}

// Result is the outcome of one generation.
type Result struct {
	// Files are the output files; nil when nothing may be written.
	Files Files
	// Diagnostics are the warnings (and, on failure, the errors).
	Diagnostics diag.List
	// Err is non-nil when nothing may be written.
	Err error
	// Operations counts the spec's operations; LeftOut lists those that
	// were not generated ("METHOD /path"), each with a warning saying why.
	Operations int
	LeftOut    []string
}

// Summary is the line that ends a run that left operations out, e.g.
// "580 of 584 operations generated, 4 left out (warnings above)"; "" when
// every operation was generated.
func (r Result) Summary() string {
	if len(r.LeftOut) == 0 || r.Err != nil {
		return ""
	}
	return fmt.Sprintf("%d of %d operations generated, %d left out (warnings above)", r.Operations-len(r.LeftOut), r.Operations, len(r.LeftOut))
}

// Generate loads the spec, builds the model and renders every output file.
// The returned list holds warnings (and, on failure, the errors); err is
// non-nil when nothing may be written. Diagnostic positions are relative to
// the spec folder.
func Generate(opts Options) (files Files, list diag.List, err error) {
	r := Run(opts)
	return r.Files, r.Diagnostics, r.Err
}

// Run is Generate with the whole outcome, including which operations an
// error cost (see model.Build).
func Run(opts Options) (r Result) {
	// A panic past the loader (which recovers kin-openapi's own) is a bug of
	// ours; report it as an error so that a spec never crashes the tool and
	// nothing is written.
	defer func() {
		if p := recover(); p != nil {
			r.Files, r.Err = nil, fmt.Errorf("internal error while generating (please report it with the spec): %v", p)
			r.Diagnostics = append(r.Diagnostics, diag.Diagnostic{Severity: diag.Error, Message: r.Err.Error()})
		}
	}()
	return generate(opts)
}

func generate(opts Options) Result {
	if opts.Package == "" {
		opts.Package = "wechatpay"
	}
	spec, err := load.Load(opts.Spec)
	if err != nil {
		return Result{Diagnostics: asList(err), Err: err}
	}
	// Lint and the model only read the spec: lint runs on the other core,
	// a panic in it handed back here like one in the docs below.
	var (
		list      diag.List
		lintPanic any
		lint      sync.WaitGroup
	)
	lint.Go(func() {
		defer func() { lintPanic = recover() }()
		list = spec.Lint()
	})
	api, built := model.Build(spec, model.Options{InitialismsFile: opts.Initialisms, Strict: opts.Strict})
	lint.Wait()
	if lintPanic != nil {
		panic(lintPanic)
	}
	list = append(list, built...)
	list.Sort()
	if opts.Strict {
		for i := range list {
			list[i].Severity = diag.Error
		}
	}
	if err := list.Err(); err != nil {
		return Result{Diagnostics: list, Err: err}
	}
	r := Result{Diagnostics: list, Operations: len(api.Operations) + len(api.LeftOut), LeftOut: api.LeftOut}
	r.Files, r.Err = render(api, opts.Package)
	if r.Err != nil {
		r.Files = nil
	}
	return r
}

// render runs emit and docs, which only read the model: the docs are
// rendered beside emit, on the other core. A panic there is handed back to
// this goroutine so that Run's recover reports it.
func render(api *model.API, pkg string) (Files, error) {
	var (
		pages     map[string][]byte
		docsErr   error
		docsPanic any
		wg        sync.WaitGroup
	)
	wg.Go(func() {
		defer func() { docsPanic = recover() }()
		pages, docsErr = docs.Render(api, pkg)
	})
	out, err := emit.Go(api, pkg)
	wg.Wait()
	if docsPanic != nil {
		panic(docsPanic)
	}
	if err != nil {
		return nil, fmt.Errorf("emit: %w", err)
	}
	if docsErr != nil {
		return nil, fmt.Errorf("docs: %w", docsErr)
	}
	files := Files(out)
	for name, b := range pages {
		files["docs/"+name] = b
	}
	return files, nil
}

func asList(err error) diag.List {
	if l, ok := err.(diag.List); ok {
		return l
	}
	return diag.List{{Severity: diag.Error, Message: err.Error()}}
}
