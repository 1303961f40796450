package wechatpay_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
	"github.com/wxpaygen/wxpaygen/spec"
)

// specDoc loads one of the bundled spec files, the very bytes the generator
// read, for the test server to validate against.
func specDoc(t testing.TB, name string) *openapi3.T {
	t.Helper()
	data, err := spec.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// testConfig is a public-key-mode configuration with the test keys.
func testConfig(baseURL string) apiv3.Config {
	return apiv3.Config{
		BaseURL:                   baseURL,
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}
}

// newServerAndClient starts a loopback WeChat Pay double for the spec file
// and a generated client pointed at it.
func newServerAndClient(t testing.TB, specFile string, opts wxtest.Options, clientOpts ...apiv3.Option) (*wxtest.Server, *wechatpay.Client) {
	t.Helper()
	if opts.Spec == nil {
		opts.Spec = specDoc(t, specFile)
	}
	opts.ValidateResponses = true
	srv := wxtest.NewServer(t, opts)
	client, err := wechatpay.NewClient(testConfig(srv.URL), clientOpts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
