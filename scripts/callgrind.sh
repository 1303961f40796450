#!/usr/bin/env bash
# Instructions per call of the generated client and of the bare baseline
# (internal/benchbase), counted by valgrind's callgrind: repeatable where
# wall-clock times on a shared 2-core machine are not (issue 6). The server
# (benchcall -serve) runs in its own process, outside valgrind, so the counts
# are the client's alone.
#
# Each client makes N1 and then N2 calls in two runs; instructions per call are
# (Ir(N2) - Ir(N1)) / (N2 - N1), which cancels start-up, key parsing, the
# first connection and the warm-up of encoding/json's caches. The ratio is to
# the first client of CLIENTS (the baseline by default). "notification" is one
# DISCOUNT_CARD.USER_ACCEPTED notification verified, decrypted and dispatched
# (generated client only).
#
#   scripts/callgrind.sh            # N1=20 N2=120; addUserRecords, getCard, notification
#   N1=10 N2=60 OPS=addUserRecords scripts/callgrind.sh
#   KEEP=1 scripts/callgrind.sh     # keep callgrind.out files (in $OUT) for callgrind_annotate
#
# Needs valgrind (apt-get install valgrind; on Debian/Ubuntu the script offers
# to install it when run as root with INSTALL=1). GODEBUG=cpu.rdtscp=off
# because valgrind 3.19 does not decode RDTSCP, which the Go runtime uses when
# the CPU has it; asyncpreemptoff=1 because callgrind 3.19 trips an assertion
# on the preemption signal (SIGURG); GOMAXPROCS=1 keeps the schedule, and so
# the count, steady.
set -euo pipefail
cd "$(dirname "$0")/.."

N1=${N1:-20}
N2=${N2:-120}
OPS=${OPS:-"addUserRecords getCard notification"}
CLIENTS=${CLIENTS:-"baseline generated generated-samehttp"}

if ! command -v valgrind >/dev/null; then
	if [[ ${INSTALL:-0} == 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		apt-get install -y valgrind >&2
	else
		echo "callgrind.sh: valgrind is not installed; install it (apt-get install valgrind) or rerun as root with INSTALL=1" >&2
		exit 2
	fi
fi

OUT=${OUT:-$(mktemp -d)}
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$OUT"' EXIT
go build -o "$OUT/benchcall" ./internal/benchbase/cmd/benchcall

# The server: its stdin is a pipe held open by this shell, so it ends with us.
exec 3> >("$OUT/benchcall" -serve >"$OUT/url")
for _ in $(seq 50); do [[ -s $OUT/url ]] && break; sleep 0.1; done
URL=$(head -n1 "$OUT/url")
[[ -n $URL ]] || { echo "callgrind.sh: the benchmark server did not start" >&2; exit 1; }

# instructions runs benchcall under callgrind and prints the total Ir.
instructions() { # client op n
	local f="$OUT/callgrind.out.$1.$2.$3"
	GOMAXPROCS=1 GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$f" \
		"$OUT/benchcall" -url "$URL" -client "$1" -op "$2" -n "$3" >"$f.log" 2>&1 ||
		{ cat "$f.log" >&2; exit 1; }
	awk '/^totals:/ {print $2}' "$f"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version | cut -d' ' -f3-) $(nproc) CPUs: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
echo "# instructions per call = (Ir(N2=$N2) - Ir(N1=$N1)) / $((N2 - N1)), client process only"
printf '%-16s %-20s %14s %8s\n' op client instr/call ratio
for op in $OPS; do
	base=""
	for client in $CLIENTS; do
		# a notification is handled without a server and has no baseline
		[[ $op != notification || $client == generated ]] || continue
		a=$(instructions "$client" "$op" "$N1")
		b=$(instructions "$client" "$op" "$N2")
		per=$(( (b - a) / (N2 - N1) ))
		[[ -n $base ]] || base=$per
		ratio=$(awk -v p="$per" -v b="$base" 'BEGIN {printf "%.4f", p / b}')
		printf '%-16s %-20s %14d %8s\n' "$op" "$client" "$per" "${ratio}x"
	done
done
