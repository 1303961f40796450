// Command cmd writes a synthetic spec (see package synth) to disk, for the
// benchmarks that run other generators on it (scripts/bench-peers.sh):
//
//	go run ./generator/internal/synth/cmd -copies 100 -out /tmp/spec100          # a folder
//	go run ./generator/internal/synth/cmd -copies 100 -single -out /tmp/s100.yaml # one file
//
// It prints the number of operations (callbacks not counted) and of
// callback operations written.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/wxpaygen/wxpaygen/generator/internal/synth"
)

func main() {
	copies := flag.Int("copies", 10, "copies of discount-card.yaml")
	out := flag.String("out", "", "folder to write (with -single: the file)")
	single := flag.Bool("single", false, "write one merged document instead of a folder")
	exclude := flag.String("exclude", "", "comma-separated bundled files to leave out")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: cmd -copies N -out DIR|FILE [-single] [-exclude a.yaml,b.yaml]")
		os.Exit(2)
	}
	opts := synth.Options{Copies: *copies}
	if *exclude != "" {
		opts.Exclude = strings.Split(*exclude, ",")
	}
	var st synth.Stats
	var err error
	if *single {
		st, err = synth.WriteSingle(*out, opts)
	} else {
		st, err = synth.Write(*out, opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("operations=%d callbacks=%d files=%d\n", st.Operations, st.Callbacks, len(st.Files))
}
