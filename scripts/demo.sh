#!/usr/bin/env bash
# demo.sh: run examples/discountcard and examples/payment against a fresh
# wxpay-sandbox on loopback.
#
#   bash scripts/demo.sh [EXAMPLE FLAGS...]     e.g. bash scripts/demo.sh -v
#
# Builds wxpay-sandbox and the example into a temporary directory, writes a
# sandbox setup there (wxpay-sandbox init), serves it on a free loopback port,
# runs the examples (the discount card, then a payment and its refund), and
# always stops the sandbox and removes the directory.
# Exits non-zero when any step fails.
#
# Environment:
#   DEMO_FAULT  a wxpay-sandbox fault spec to serve with, to watch retries, e.g.
#               DEMO_FAULT='drop,times=1,op=addUserRecords;500,times=1,op=getCard';
#               examples/discountcard then runs with -v, which prints every attempt
#   GO          the go command (default: go)
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
work=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-demo.XXXXXX")
sandbox_pid=

cleanup() {
	local status=$?
	if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
		kill "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 ]]; then
		if [[ -s $work/serve.err ]]; then
			echo "--- wxpay-sandbox stderr ---" >&2
			cat "$work/serve.err" >&2
		fi
		echo "==> demo FAILED (exit $status)" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '==> %s\n' "$*"; }

step "building wxpay-sandbox, examples/discountcard and examples/payment"
"$GO" build -o "$work/bin/" ./cmd/wxpay-sandbox ./examples/discountcard ./examples/payment

step "wxpay-sandbox init"
"$work/bin/wxpay-sandbox" init "$work/setup" >/dev/null

serve_flags=(-dir "$work/setup" -addr 127.0.0.1:0)
if [[ -n ${DEMO_FAULT:-} ]]; then
	serve_flags+=(-fault "$DEMO_FAULT")
fi
step "wxpay-sandbox serve ${serve_flags[*]}"
"$work/bin/wxpay-sandbox" serve "${serve_flags[@]}" >"$work/serve.out" 2>"$work/serve.err" &
sandbox_pid=$!

base_url=
for _ in $(seq 100); do
	base_url=$(sed -n 's/^listening on //p' "$work/serve.out")
	[[ -n $base_url ]] && break
	if ! kill -0 "$sandbox_pid" 2>/dev/null; then
		echo "demo: wxpay-sandbox exited before listening" >&2
		exit 1
	fi
	sleep 0.1
done
if [[ -z $base_url ]]; then
	echo "demo: wxpay-sandbox did not print 'listening on' within 10s" >&2
	exit 1
fi
step "sandbox listening on $base_url"

example_flags=("$@")
if [[ -n ${DEMO_FAULT:-} && " $* " != *" -v "* ]]; then
	example_flags+=(-v) # the retries the faults cause show only with -v
fi
step "examples/discountcard -dir SETUP -base-url $base_url ${example_flags[*]}"
"$work/bin/discountcard" -dir "$work/setup" -base-url "$base_url" "${example_flags[@]}"

step "examples/payment -dir SETUP -base-url $base_url"
"$work/bin/payment" -dir "$work/setup" -base-url "$base_url"

step "demo passed"
