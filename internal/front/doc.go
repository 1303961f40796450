// Package front is WeChat Pay's front door, assembled once from the wire
// rules of internal/gateway: what happens to every request before and after
// the business behaviour. The test kit wxpaytest, the project's test double
// internal/wxtest and the local sandbox internal/sandbox all serve through
// a [Server], so that they refuse, answer and sign exactly alike; each adds
// only its own behaviour behind it (programmed answers, recordings, the
// discount card's rules, persistence).
//
// A request goes through, in order:
//
//  1. the body, read within a deadline and a size limit (400, 413);
//  2. routing (silently: faults and response checks need the operation);
//  3. injected faults ([gateway.FaultSet]): latency, then a drop or a
//     replacing 202/429/500 answer, without processing;
//  4. [gateway.Verifier.Admit]: the Authorization (401 SIGN_ERROR), Accept
//     and User-Agent, the route (404, 405), the body as one JSON value in
//     UTF-8 and openapi3filter validation (400 PARAM_ERROR);
//  5. a programmed answer ([gateway.Answers]) for the operation, else the
//     [Handler], else the operation's [ValidExample];
//  6. the answer checked against the document (optional), signed with the
//     platform key (not a file download, which WeChat Pay does not sign),
//     with the badsig and stale faults applied, observed, and sent (or
//     dropped after processing).
package front
