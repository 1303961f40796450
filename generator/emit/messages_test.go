package emit

import (
	"testing"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generator/model"
)

// The generated checks call apiv3's Validator helpers, which record the
// messages the model would otherwise have spelled at every site.
func TestRuntimeRecordsTheModelsMessages(t *testing.T) {
	if apiv3.MessageUTF8MB4 != model.MessageUTF8MB4 {
		t.Errorf("apiv3.MessageUTF8MB4 = %q, model.MessageUTF8MB4 = %q", apiv3.MessageUTF8MB4, model.MessageUTF8MB4)
	}
	if apiv3.MessageRequired != "is required" {
		t.Errorf("apiv3.MessageRequired = %q, the generated required checks meant %q", apiv3.MessageRequired, "is required")
	}
}
