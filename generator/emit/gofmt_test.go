package emit

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/wxpaygen/wxpaygen/generator/internal/synth"
	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

var synthCopies = flag.Int("emit.synth", 10, "copies of discount-card in the synthetic spec of TestGofmtSynth")

// rawFiles renders api's files unformatted, cut marks included: the input
// of gofmt.
func rawFiles(t *testing.T, api *model.API) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, g := range gens {
		f := newFile(api, "wechatpay")
		if !g.gen(f, api) {
			continue
		}
		f.NoFormat = true
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		out[g.name] = buf.Bytes()
	}
	return out
}

// checkGofmt compares gofmt with format.Source of the whole file at chunk
// sizes from every mark to the default, and checks that every mark the
// emitter placed is one safeCut accepts (an unsafe one would only cost
// speed, so nothing else would notice it).
func checkGofmt(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, raw := range files {
		want, err := format.Source(unmark(raw))
		if err != nil {
			t.Fatalf("%s: format.Source: %v", name, err)
		}
		pieces := bytes.Split(raw, cutLine)
		for i := 1; i < len(pieces); i++ {
			if !safeCut(pieces[i-1], pieces[i]) {
				t.Errorf("%s: cut %d of %d is not safe; the source after it:\n%.300s", name, i, len(pieces)-1, pieces[i])
			}
		}
		if n := len(split(raw, 0)); n != len(pieces) {
			t.Errorf("%s: split at every mark gave %d chunks, want %d", name, n, len(pieces))
		}
		for _, size := range []int{0, 4 << 10, chunkSize} {
			got, err := gofmt(raw, size)
			if err != nil {
				t.Fatalf("%s, chunks of %d: %v", name, size, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s, chunks of %d: differs from format.Source at byte %d:\n%s", name, size, firstDiff(got, want), around(got, want))
			}
		}
	}
}

// TestGofmtGolden checks chunked formatting on every golden case.
func TestGofmtGolden(t *testing.T) {
	for _, name := range cases(t, "testdata") {
		t.Run(name, func(t *testing.T) {
			api, diags := model.Build(loadSpec(t, filepath.Join("testdata", name)), model.Options{})
			if api == nil {
				t.Fatalf("build: %v", diags)
			}
			checkGofmt(t, rawFiles(t, api))
		})
	}
}

// TestGofmtSynth checks chunked formatting on the synthetic spec (10 copies
// by default; -emit.synth=100 is the size of the benchmarks), where the
// large files are split in many chunks at the default size too.
func TestGofmtSynth(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a synthetic spec")
	}
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Options{Copies: *synthCopies}); err != nil {
		t.Fatal(err)
	}
	spec, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	api, diags := model.Build(spec, model.Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	files := rawFiles(t, api)
	if n := len(split(files["types.gen.go"], chunkSize)); n < 2 {
		t.Errorf("types.gen.go is %d bytes and formats in %d chunk(s); want several", len(files["types.gen.go"]), n)
	}
	checkGofmt(t, files)
}

// TestGofmtError checks that a declaration that does not format, in a
// later chunk, gives the error of the whole file: its name, the position in
// the unformatted file, and the line itself.
func TestGofmtError(t *testing.T) {
	f := jen.NewFile("p")
	for i := range 5 {
		cut(f)
		f.Add(note(fmt.Sprintf("T%d is a type.", i)))
		f.Type().Id(fmt.Sprintf("T%d", i)).Int()
	}
	cut(f)
	f.Add(note("Bad does not parse."))
	f.Func().Id("Bad").Params().Block(jen.Id("x").Op(":=").Op("}"))
	f.NoFormat = true
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if n := len(split(raw, 0)); n != 7 {
		t.Fatalf("split gave %d chunks, want 7", n)
	}
	_, want := format.Source(unmark(raw))
	if want == nil {
		t.Fatal("the broken source formats")
	}
	if _, err := gofmt(raw, 0); err == nil || err.Error() != want.Error() {
		t.Errorf("gofmt error = %v, want the whole file's %v", err, want)
	}

	f.NoFormat = false
	_, err := render("bad.gen.go", f)
	if err == nil {
		t.Fatal("render: no error")
	}
	bad := unmark(raw)
	line := bytes.Count(bad[:bytes.Index(bad, []byte("x := }"))], []byte("\n")) + 1
	for _, s := range []string{"emit bad.gen.go: ", fmt.Sprintf("%d:6: expected operand", line), fmt.Sprintf("> %6d | x := }", line)} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("render error does not contain %q:\n%v", s, err)
		}
	}
}

// TestGofmtStrayMark checks that a mark that is not removed (one not at the
// start of a line) fails formatting instead of reaching the output.
func TestGofmtStrayMark(t *testing.T) {
	src := []byte("package p\n\nvar x = 1 " + cutMark + "\n")
	if out, err := gofmt(src, 0); err == nil {
		t.Errorf("gofmt accepted a stray mark:\n%s", out)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// around shows got and want around their first difference.
func around(got, want []byte) string {
	i := firstDiff(got, want)
	lo := max(0, i-200)
	return fmt.Sprintf("got:\n%s\nwant:\n%s", got[lo:min(len(got), i+200)], want[lo:min(len(want), i+200)])
}
