package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWarnings builds each spec of testdata/warnings, which must succeed,
// and compares the warnings, one a line, with want.txt. A case's
// initialisms.txt, when present, is passed as the initialisms file.
func TestWarnings(t *testing.T) {
	dirs, err := filepath.Glob("testdata/warnings/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var opts Options
			if f := filepath.Join(dir, "initialisms.txt"); fileExists(f) {
				opts.InitialismsFile = f
			}
			api, diags := Build(loadSpec(t, filepath.Join(dir, "spec.yaml")), opts)
			if api == nil || len(diags) == 0 {
				t.Fatalf("want a model and warnings; got %v", diags)
			}
			got := strings.ReplaceAll(diags.Error(), filepath.ToSlash(dir)+"/", "") + "\n"
			want := filepath.Join(dir, "want.txt")
			if *update {
				os.WriteFile(want, []byte(got), 0o644)
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(strings.ReplaceAll(string(b), "\r\n", "\n"), got); d != "" {
				t.Errorf("diagnostics differ (-want +got):\n%s", d)
			}
		})
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// TestRawFallback: a schema the generator cannot type is json.RawMessage,
// and the rest of the type is kept.
func TestRawFallback(t *testing.T) {
	api, _ := Build(loadSpec(t, "testdata/warnings/untypable/spec.yaml"), Options{})
	for _, ty := range api.Types {
		if ty.Name != "Thing" {
			continue
		}
		kinds := map[string]Kind{}
		for _, f := range ty.Fields {
			kinds[f.JSONName] = f.Type.Kind
		}
		want := map[string]Kind{"choice": KindRaw, "not_string": KindRaw, "bools": KindRaw, "name": KindString, "mixed": KindStruct}
		if d := cmp.Diff(want, kinds); d != "" {
			t.Errorf("kinds (-want +got):\n%s", d)
		}
		return
	}
	t.Fatal("no Thing")
}

// TestInitialismsFile: entries of the file spell names; the built-in table
// still applies.
func TestInitialismsFile(t *testing.T) {
	dir := "testdata/warnings/unused_initialism"
	api, _ := Build(loadSpec(t, dir+"/spec.yaml"), Options{InitialismsFile: dir + "/initialisms.txt"})
	var names []string
	for _, ty := range api.Types {
		if ty.Name == "Thing" {
			for _, f := range ty.Fields {
				names = append(names, f.GoName)
			}
		}
	}
	if d := cmp.Diff([]string{"SKUCode", "QRURL"}, names); d != "" {
		t.Errorf("field names (-want +got):\n%s", d)
	}
}

// TestEnumNames: values without Go letters are named by position, a value
// whose constant another has keeps its underscores.
func TestEnumNames(t *testing.T) {
	names := func(dir, typ string) []string {
		api, diags := Build(loadSpec(t, "testdata/warnings/"+dir+"/spec.yaml"), Options{})
		if api == nil {
			t.Fatal(diags)
		}
		for _, ty := range api.Types {
			if ty.Name == typ {
				var got []string
				for _, v := range ty.Values {
					got = append(got, v.GoName)
				}
				return got
			}
		}
		t.Fatalf("no type %s", typ)
		return nil
	}
	if d := cmp.Diff([]string{"ThingLevelValue1", "ThingLevelValue2"}, names("non_ascii_enum", "ThingLevel")); d != "" {
		t.Errorf("positional names (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"KindAB", "KindA_B", "KindC"}, names("enum_clash", "Kind")); d != "" {
		t.Errorf("clashing names (-want +got):\n%s", d)
	}
}

// TestSettledBy: x-wechatpay-settled-by links an operation that is not safe
// to repeat to the GET that settles its outcome; the marks the warnings
// name link nothing. Unmarked, a POST is linked to the GET keyed by the
// merchant's number (out_*) its body carries, not by another member.
func TestSettledBy(t *testing.T) {
	api, _ := Build(loadSpec(t, "testdata/warnings/settled_by/spec.yaml"), Options{})
	got := map[string]string{}
	for _, op := range api.Operations {
		if op.SettledBy != nil {
			got[op.ID] = op.SettledBy.ID
		}
	}
	if d := cmp.Diff(map[string]string{"createOrder": "getOrder", "createBatch": "getBatch"}, got); d != "" {
		t.Errorf("settled-by links (-want +got):\n%s", d)
	}
}
