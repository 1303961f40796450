#!/bin/sh
# bench-peers: wxpaygen beside oapi-codegen v2.8.2 and ogen v1.24.0, as released, on the same
# synthetic specs (N renamed copies of spec/discount-card.yaml plus the other bundled documents,
# merged into one file). Prints generation time, lines of Go per operation and `go build` time
# of each output. Needs the Go module proxy (the peers are installed with `go install pkg@version`
# into a temporary folder; bench/peers/go.mod pins the runtime packages their output imports).
# Not part of `make test`. See docs/PERFORMANCE.md.
#
#   scripts/bench-peers.sh                                  # 10, 100, 1000 copies; build 100
#   COPIES=10,100 BUILD=100 RUNS=3 scripts/bench-peers.sh   # smaller
#   scripts/bench-peers.sh -only wxpaygen,ogen -v           # extra flags go to the driver
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
cd bench/peers
exec go run . -repo "$root" -copies "${COPIES:-10,100,1000}" -build "${BUILD:-100}" \
  -runs "${RUNS:-5}" -builds "${BUILDS:-3}" ${EXCLUDE:+-exclude "$EXCLUDE"} "$@"
