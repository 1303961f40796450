package wechatpay

// Regenerate this package from the bundled spec with `go generate ./...` at
// the repository root (or `make generate`). Only this file and the tests
// are written by hand; every *.gen.go file and docs/ are generated, the
// package doc comment included (client.gen.go).
//go:generate go run ../../cmd/wxpaygen -spec ../../spec -out . -package wechatpay
