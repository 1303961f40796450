package wechatpay

// Regenerate this package from the bundled spec with `go generate ./...` at
// the repository root (or `make generate`).
//go:generate go run ../../cmd/wxpaygen -spec ../../spec -out . -package wechatpay
