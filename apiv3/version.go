package apiv3

// SupportPackageIsVersion1 is referenced by every package wxpaygen generates
// (`const _ = apiv3.SupportPackageIsVersion1`). It is the contract between
// generated code and this runtime: when the runtime changes what generated
// code may call, the constant is renamed (SupportPackageIsVersion2, ...), so
// that code generated for another runtime fails to compile at that line
// instead of misbehaving. The fix is to regenerate with a wxpaygen whose
// version matches the apiv3 package in your go.mod.
const SupportPackageIsVersion1 = true

// RuntimeVersion is the version of this runtime, sent in the User-Agent.
const RuntimeVersion = "0.1.0"
