package apiv3

import (
	"regexp"
	"testing"
)

func TestVersion(t *testing.T) {
	if !SupportPackageIsVersion1 {
		t.Error("SupportPackageIsVersion1 must be true")
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(RuntimeVersion) {
		t.Errorf("RuntimeVersion %q is not semantic", RuntimeVersion)
	}
}
