package apiv3

// SupportPackageIsVersion4 is referenced by every package wxpaygen generates
// (`const _ = apiv3.SupportPackageIsVersion4`). It is the contract between
// generated code and this runtime: when the runtime gains something generated
// code calls, a new constant is added (version 2 added ClassPattern, version
// 3 the Validator's ParseInt, ParseNumber and ParseBool, and ValueOr, version
// 4 Request.OperationID), so that code generated for a newer runtime fails to
// compile at that line instead of at some call deep inside. The fix is to
// regenerate with a wxpaygen whose version matches the apiv3 package in your
// go.mod.
//
// The older constants stay: code generated for them still compiles and runs
// against this runtime.
const SupportPackageIsVersion4 = true

// SupportPackageIsVersion3 is what packages generated before
// Request.OperationID reference.
const SupportPackageIsVersion3 = true

// SupportPackageIsVersion2 is what packages generated before
// Validator.ParseInt reference.
const SupportPackageIsVersion2 = true

// SupportPackageIsVersion1 is what packages generated before ClassPattern
// reference.
const SupportPackageIsVersion1 = true

// RuntimeVersion is the version of this runtime, sent in the User-Agent.
const RuntimeVersion = "0.2.0"
