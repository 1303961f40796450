// Package spec holds the hand-written OpenAPI 3.0 documents of the WeChat Pay APIv3 endpoints that
// wxpaygen generates a client for: discount-card.yaml (微信先享卡, the six operations and their
// three notifications) and certificates.yaml (下载平台证书).
//
// Every top-level *.yaml file is a complete document; the generator merges their paths. The files
// are embedded so that the generator's tests and the local sandbox validate against the very same
// bytes.
package spec

import "embed"

// FS holds every top-level *.yaml file of this folder.
//
//go:embed *.yaml
var FS embed.FS
