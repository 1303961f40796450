//go:build !unix

package generator

// lockDir does nothing where there is no flock: two writes to one folder at
// once are not kept apart.
func lockDir(string) (unlock func()) { return func() {} }
