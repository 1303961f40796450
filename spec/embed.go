// Package spec holds the hand-written OpenAPI 3.0 documents of the WeChat Pay APIv3 endpoints that
// wxpaygen generates a client for:
//
//   - discount-card.yaml: 微信先享卡 (discount card), its six operations and three notifications;
//   - pay-transactions.yaml: 基础支付 (payments), JSAPI/mini-program, App, H5 and Native prepay, the
//     order queries by transaction_id and by out_trade_no, close, and TRANSACTION.SUCCESS;
//   - refund.yaml: 退款 (domestic refunds), create and query, and REFUND.SUCCESS, REFUND.ABNORMAL and
//     REFUND.CLOSED;
//   - certificates.yaml: 下载平台证书 (platform certificates);
//   - media.yaml: 图片上传 (image upload, multipart signed over its meta part);
//   - bill.yaml: 交易账单 (the trade bill and its unsigned download).
//
// A file added the way README.md's "Extending the spec" shows needs no change here.
//
// The generator merges the documents' paths. FS embeds them all, so that the generator's tests,
// the local sandbox and the wxpay command validate against the very same bytes.
package spec

import "embed"

// FS holds every top-level *.yaml file of this folder.
//
//go:embed *.yaml
var FS embed.FS
