package cli

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// sensitiveSpec has an operation whose body carries x-wechatpay-sensitive
// strings at the top, in an array of objects and through x-is-sensitive.
const sensitiveSpec = `openapi: 3.0.3
info: {title: sensitive, version: '1'}
paths:
  /v3/people:
    post:
      operationId: addPerson
      parameters:
        - {name: Wechatpay-Serial, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Person'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Person:
      type: object
      required: [name]
      properties:
        name: {type: string, x-wechatpay-sensitive: true}
        note: {type: string}
        friends:
          type: array
          items: {$ref: '#/components/schemas/Friend'}
    Friend:
      type: object
      properties:
        id_card: {type: string}
      x-is-sensitive: [id_card]
`

// TestCallEncryptsSensitiveFields: wxpay call encrypts the body's
// sensitive strings with the platform key, as the generated client does,
// sends the key's serial, and leaves the rest as given.
func TestCallEncryptsSensitiveFields(t *testing.T) {
	specDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(specDir, "people.yaml"), []byte(sensitiveSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := load.Load(specDir)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		body   []byte
		serial string
	)
	srv := wxtest.NewServer(t, wxtest.Options{Spec: s.Doc, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ = io.ReadAll(r.Body)
		serial = r.Header.Get("Wechatpay-Serial")
		w.WriteHeader(http.StatusNoContent)
	})})
	t.Chdir(testkeysDir(t))
	res := wxpay(t, map[string]string{"WXPAY_BASE_URL": srv.URL}, "", "call", "POST", "v3/people", "-spec", specDir,
		"-d", `{"name":"张三","note":"plain","friends":[{"id_card":"110101199003077777"}]}`)
	if res.code != ExitOK {
		t.Fatalf("call:\n%s", res)
	}
	mu.Lock()
	defer mu.Unlock()
	var sent struct {
		Name    string `json:"name"`
		Note    string `json:"note"`
		Friends []struct {
			IDCard string `json:"id_card"`
		} `json:"friends"`
	}
	if err := json.Unmarshal(body, &sent); err != nil || len(sent.Friends) != 1 {
		t.Fatalf("sent %s: %v", body, err)
	}
	key := platformKey(t)
	for field, want := range map[string]string{"name": "张三", "friends[0].id_card": "110101199003077777"} {
		got := sent.Name
		if field != "name" {
			got = sent.Friends[0].IDCard
		}
		if pt, err := decryptOAEP(key, got); err != nil || pt != want {
			t.Errorf("%s sent as %q: decrypts to %q, %v; want %q", field, got, pt, err, want)
		}
	}
	if sent.Note != "plain" || serial != testkeys.PublicKeyID {
		t.Errorf("note %q (want it as given), Wechatpay-Serial %q (want %s)", sent.Note, serial, testkeys.PublicKeyID)
	}
	if strings.Contains(res.stderr+res.stdout, "张三") {
		t.Errorf("the plaintext of a sensitive field was printed:\n%s", res)
	}
}

func platformKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	b, _ := pem.Decode(testkeys.PlatformKeyPEM)
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

func decryptOAEP(key *rsa.PrivateKey, b64 string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", err
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, key, ct, nil)
	return string(pt), err
}
