package apiv3

import (
	"runtime/debug"
	"testing"
)

func TestDefaultNonce(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		n, err := defaultNonce()
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 32 || !isHex(n) || checkHeaderToken(n) != nil {
			t.Fatalf("nonce %q is not 32 hex characters", n)
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
	}
}

func TestDefaultNonceAllocatesOnce(t *testing.T) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				t.Skip("the race detector makes the random buffer escape")
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = defaultNonce() }); n > 1 {
		t.Errorf("defaultNonce allocates %.0f times, want 1 (the string)", n)
	}
}

func TestDefaultNonceIsUpperCase(t *testing.T) {
	n, err := defaultNonce()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(n); i++ {
		if 'a' <= n[i] && n[i] <= 'f' {
			t.Fatalf("nonce %q has lower-case hex", n)
		}
	}
}
