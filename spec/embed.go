// Package spec holds the hand-written OpenAPI 3.0 documents that the bundled client is generated
// from: every top-level *.yaml file of this folder, each a complete document for one product. They
// are discount-card.yaml (微信先享卡: six operations and three notifications), certificates.yaml
// (下载平台证书), and the endpoints added the way README.md's "Extending the spec" shows:
// bill.yaml (交易账单), media.yaml (图片上传), pay-transactions.yaml (查询订单) and refund.yaml
// (申请退款); a file added the same way needs no change here.
//
// The generator merges the documents' paths. FS embeds them all, so that the generator's tests,
// the local sandbox and the wxpay command validate against the very same bytes.
package spec

import "embed"

// FS holds every top-level *.yaml file of this folder.
//
//go:embed *.yaml
var FS embed.FS
