package docsnippet

import (
	"slices"
	"testing"
)

func TestShape(t *testing.T) {
	a := Shape("5. queryOrder trade_state=SUCCESS (Request-ID 74EVvRgUM70kW2aAqpOvCp85ymTnlxiX) on http://127.0.0.1:41107/n ")
	b := Shape("5. queryOrder trade_state=SUCCESS (Request-ID eU4gKVRb67s8vvp9jOESB2Au899DXy8i) on http://127.0.0.1:39537/n")
	if a != b {
		t.Errorf("runs differ only in ids and ports: %q != %q", a, b)
	}
	if c := Shape("5. queryOrder trade_state=NOTPAY (Request-ID 74EVvRgUM70kW2aAqpOvCp85ymTnlxiX) on http://127.0.0.1:41107/n"); c == a {
		t.Errorf("another state has the same shape: %q", c)
	}
}

func TestShownOutput(t *testing.T) {
	readme := "# x\n\n## Quickstart\n\n```sh\nmake demo\n```\n\n```\n==> a\n1. one\n==> b\n2. two\n==> end\n```\n\n## Next\n\n```\n==> b\nnot this\n==> end\n```\n"
	got, err := ShownOutput(readme, "## Quickstart", "==> b", "==> end")
	if err != nil || !slices.Equal(got, []string{"2. two"}) {
		t.Errorf("ShownOutput = %q, %v", got, err)
	}
	if _, err := ShownOutput(readme, "## Quickstart", "==> c", "==> end"); err == nil {
		t.Error("no error for a missing marker")
	}
}
