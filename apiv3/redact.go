package apiv3

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// redactedValue stands for a configuration value that looks like key
// material, wherever one would be printed.
const redactedValue = "<redacted: looks like key material>"

// keyLike reports whether s looks like key material rather than the path,
// URL, serial or ID a Config field should hold: PEM text (an environment
// variable's value put in a ...File field is the classic mistake), the
// Base64 body of a key without its armour, or a 32-character APIv3 key. It
// errs on the side of redacting: a path shaped like that is a mistake too.
func keyLike(s string) bool {
	t := strings.TrimSpace(s)
	switch {
	case strings.Contains(t, "-----BEGIN") || strings.Contains(t, "-----END") || strings.Contains(t, "PRIVATE KEY"):
		return true
	case strings.ContainsAny(t, "\r\n"):
		return true // no path, URL or ID spans lines; PEM does
	case len(t) == 32 && isAlnum(t), isAPIv3KeyFileName(t):
		return true // the shape of an APIv3 key
	case len(t) >= 64 && strings.HasPrefix(t, "MII") && isBase64Text(t):
		return true // DER of a key or certificate starts 30 82 ..: "MII" in Base64
	case len(t) >= 128 && isBase64Text(t):
		return true // a long Base64 run, never a path or URL
	}
	return false
}

// shown is how a configuration value appears in errors and in Config.String:
// quoted, or a placeholder when it looks like key material.
func shown(s string) string {
	if keyLike(s) {
		return redactedValue
	}
	return strconv.Quote(s)
}

// notAPathError is the error of a ...File field holding key material:
// what it holds is not shown, and the message says where the bytes go.
func notAPathError(fileField, pemField string) error {
	hint := "give the path of the file instead"
	if pemField != "" {
		hint = "put the PEM bytes in " + pemField + " instead (for example []byte(os.Getenv(\"...\"))), or give the path of the file"
	}
	return errConfig(fileField, "holds what looks like key material, not a file path (not shown); %s", hint)
}

// redactPathError returns err with the path of an *fs.PathError replaced when
// it looks like key material, so that a logger printing the wrapped chain
// finds no secret either.
func redactPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && keyLike(pe.Path) {
		return hidePath(err)
	}
	return err
}

// hidePath returns err with the path of an *fs.PathError replaced.
func hidePath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: redactedValue, Err: pe.Err}
	}
	return err
}

// isAPIv3KeyFileName reports whether the last element of path has the shape
// of an APIv3 key: a key given as a relative file name and joined to a
// directory.
func isAPIv3KeyFileName(path string) bool {
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	return len(base) == 32 && isAlnum(base)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// isBase64Text reports whether s holds only Base64 characters and spaces.
func isBase64Text(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '+' || c == '/' || c == '=' || c == ' ' || c == '\t') {
			return false
		}
	}
	return true
}
