package apiv3

import "testing"

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
