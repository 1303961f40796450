// Package roundtrip is the project's proof that a spec round-trips: every
// operation of a document goes through the generated, typed client to a
// loopback WeChat Pay double that checks the signature and validates the
// request against the same document, and the answer comes back verified
// and decoded into the typed response. Beside it, the validation-fidelity
// test breaks every JSON request body in one place per constraint and
// compares the server's verdict (openapi3filter) with the client's
// (json.Unmarshal into the typed request, then Validate).
//
// It takes any spec (TestRoundTripBundledSpec guards spec/,
// TestRoundTripCorpus the real-world corpus in ../shared), and holds no
// rule for a path, an operation or a product. For one spec, Run:
//
//  1. loads the spec with generator/load, generates the client with
//     generator.Generate, and builds the model with generator/model;
//  2. builds each operation's input (cases.go) from the spec's examples,
//     completed from the schemas where missing or invalid
//     (internal/specvalue): the path parameters, the required query and
//     header parameters, the body with every member, the digest of an
//     unsigned download; and each JSON body's mutations (mutate.go);
//  3. writes the generated package, a generated test (emit.go: one typed
//     call per operation through the chain, one driver.Check per JSON body)
//     and the inputs into a temporary folder of the module whose name starts
//     with "_" (so that ./... ignores it), removed afterwards;
//  4. starts internal/wxtest on the document (signature check,
//     openapi3filter, answers from wxtest.ValidExampleHandler, every answer
//     validated against the document) and runs go test once on that
//     package, without -race; the driver (package driver) writes what
//     happened;
//  5. judges (run.go): an operation is ok when its typed call succeeded
//     and the server recorded a verified request routed to that operation,
//     answered 2xx; each mutation gets the server's verdict from
//     wxtest.Server.CheckRequest on the operation's recorded request with
//     the body replaced, beside the client's from the driver.
//
// The reports (report.go) list every refused operation with who refused
// and why, and the fidelity table per constraint kind: both refuse, both
// accept, only the server refuses, only the client refuses, and the one
// excused class (a required number or boolean left out, which decodes to
// 0/false: only the server can tell). Any other disagreement fails.
package roundtrip
