package generator

import (
	"maps"
	"slices"
)

// Files maps output paths, slash-separated and relative to the output
// folder, to their content.
type Files map[string][]byte

// Names returns the file names, sorted.
func (f Files) Names() []string { return slices.Sorted(maps.Keys(f)) }
