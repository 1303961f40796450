package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestCallUploadsAnImage: -F builds the multipart body of the spec's image
// upload; the sandbox checks the signature over the meta part and the
// file's sha256 and answers a media_id.
func TestCallUploadsAnImage(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	env := sb.env()

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(file, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(img.Bytes())
	meta := `{"filename":"logo.png","sha256":"` + hex.EncodeToString(sum[:]) + `"}`

	r := wxpay(t, env, "", "call", "POST", "v3/merchant/media/upload", "-F", "meta="+meta, "-F", "file=@"+file)
	if r.code != ExitOK || !strings.Contains(r.stdout, `"media_id"`) {
		t.Fatalf("upload:\n%s", r)
	}
	// The file is held to its meta's sha256 as WeChat Pay holds it: by the
	// sandbox, and by wxpay's own check before sending.
	wrong := `{"filename":"logo.png","sha256":"` + strings.Repeat("0", 64) + `"}`
	if r := wxpay(t, env, "", "call", "POST", "v3/merchant/media/upload", "-F", "meta="+wrong, "-F", "file=@"+file, "-no-validate"); r.code != ExitFailure || !strings.Contains(r.stderr, "PARAM_ERROR") {
		t.Errorf("the sandbox took a meta whose sha256 is not the file's:\n%s", r)
	}
	before := sb.requests.Load()
	if r := wxpay(t, env, "", "call", "POST", "v3/merchant/media/upload", "-F", "meta="+wrong, "-F", "file=@"+file); r.code != ExitUsage || !strings.Contains(r.stderr, "sha256") {
		t.Errorf("wxpay sent a meta whose sha256 is not the file's:\n%s", r)
	}

	// What wxpay refuses before sending anything.
	for name, args := range map[string][]string{
		"a part the operation lacks": {"call", "POST", "v3/merchant/media/upload", "-F", "meta=" + meta, "-F", "picture=@" + file},
		"a meta that is not JSON":    {"call", "POST", "v3/merchant/media/upload", "-F", "meta=filename", "-F", "file=@" + file},
		"-F on a JSON operation":     {"call", "POST", "v3/discount-card/cards", "-F", "meta=" + meta},
		"-F and -d":                  {"call", "POST", "v3/merchant/media/upload", "-F", "meta=" + meta, "-d", "{}"},
		"-F outside the spec":        {"call", "POST", "v3/not/in/the/spec", "-F", "meta=" + meta},
		"a missing file":             {"call", "POST", "v3/merchant/media/upload", "-F", "meta=" + meta, "-F", "file=@/nonexistent.png"},
	} {
		if r := wxpay(t, env, "", args...); r.code != ExitUsage {
			t.Errorf("%s: want exit %d:\n%s", name, ExitUsage, r)
		}
	}
	if n := sb.requests.Load() - before; n != 0 {
		t.Errorf("%d refused requests were sent", n)
	}
}
