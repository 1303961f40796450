package apiv3

import (
	"regexp"
	"testing"
)

func TestVersion(t *testing.T) {
	if !SupportPackageIsVersion1 || !SupportPackageIsVersion2 || !SupportPackageIsVersion3 || !SupportPackageIsVersion4 {
		t.Error("every SupportPackageIsVersion constant must stay true")
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(RuntimeVersion) {
		t.Errorf("RuntimeVersion %q is not semantic", RuntimeVersion)
	}
}
