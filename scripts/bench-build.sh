#!/usr/bin/env bash
# bench-build: what the generated code of the real-world corpus costs to build
# (issue 15), beside oapi-codegen v2.8.2 (types + client) on the same file, in
# the same run. Prints, as min and median of interleaved runs (A, B, A, B...):
#
#   gen    generation, whole process: wall, CPU (user+sys), peak RSS
#   build  go build of the generated package after a one-line change (a new
#          file holding a constant; dependencies cached): wall, CPU of the
#          go command and its children (compile), peak RSS of the largest one
#   user   a user's program (package main) calling no operation (user0) and
#          two operations (user2) of the full package: go build -o after a
#          one-line change to main.go, and the binary's size
#
# Outputs go to testdata folders inside the modules that compile them
# (bench/testdata/work for wxpaygen, bench/peers/testdata/work for
# oapi-codegen), removed at the end. Needs the corpus
# (../shared/corpus/apiv3-train.yaml) and the Go module proxy for oapi-codegen.
# Never cleans the build cache: "after a change" is a changed file.
#
#   scripts/bench-build.sh                 # RUNS=5 BUILDS=5
#   BASE=2b54893 scripts/bench-build.sh    # also wxpaygen as of a commit (its own tree and apiv3)
#   ONLY=wxpaygen BUILDS=3 scripts/bench-build.sh
#   PROFILE=/tmp/prof scripts/bench-build.sh   # also a compiler CPU profile of each package
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
CORPUS=${CORPUS:-$root/../shared/corpus/apiv3-train.yaml}
RUNS=${RUNS:-5}
BUILDS=${BUILDS:-5}
ONLY=${ONLY:-wxpaygen,oapi-codegen}
BASE=${BASE:-}
PROFILE=${PROFILE:-}
OAPI=github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
export GOWORK=off

if [ ! -f "$CORPUS" ]; then
  echo "bench-build: no corpus at $CORPUS; nothing to measure" >&2
  exit 0
fi
work=$(mktemp -d)
dirs=()
cleanup() { rm -rf "$work" "${dirs[@]}"; }
trap cleanup EXIT
res=$work/results

# name -> generator command, module root, output folder
declare -A cmd mod out
names=()
want() { [[ ",$ONLY," == *",$1,"* ]]; }

echo "building the generators ..." >&2
if want wxpaygen; then
  go build -o "$work/wxpaygen" ./cmd/wxpaygen
  names+=(wxpaygen); mod[wxpaygen]=$root; out[wxpaygen]=$root/bench/testdata/work/wx
  cmd[wxpaygen]="$work/wxpaygen -spec $CORPUS -out ${out[wxpaygen]} -package wx"
  dirs+=("$root/bench/testdata/work/wx" "$root/bench/testdata/work/user0" "$root/bench/testdata/work/user2")
fi
if [ -n "$BASE" ]; then
  b=wxpaygen@$BASE
  mkdir -p "$work/base"
  git archive "$BASE" | tar -x -C "$work/base"
  (cd "$work/base" && go build -o "$work/wxpaygen-base" ./cmd/wxpaygen)
  names+=("$b"); mod[$b]=$work/base; out[$b]=$work/base/bench/testdata/work/wx
  cmd[$b]="$work/wxpaygen-base -spec $CORPUS -out ${out[$b]} -package wx"
fi
if want oapi-codegen; then
  (cd "$work" && GOBIN=$work/bin go install "$OAPI")
  printf 'package: api\ngenerate:\n  models: true\n  client: true\noutput-options:\n  response-type-suffix: Resp\n' >"$work/oapi.yml"
  names+=(oapi-codegen); mod[oapi-codegen]=$root/bench/peers; out[oapi-codegen]=$root/bench/peers/testdata/work/oapi
  cmd[oapi-codegen]="$work/bin/oapi-codegen -config $work/oapi.yml -o ${out[oapi-codegen]}/api.gen.go $CORPUS"
  dirs+=("$root/bench/peers/testdata/work/oapi")
fi

# timed KIND NAME DIR CMD...: one measurement, appended to $res.
timed() {
  local kind=$1 name=$2 dir=$3; shift 3
  (cd "$dir" && /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >"$work/log" 2>&1) || { cat "$work/log" >&2; exit 1; }
  local e us sy m; read -r e us sy m <"$work/t"
  echo "$kind $name $e $(echo "$us + $sy" | bc) $m" >>"$res"
}

echo "generating ($RUNS runs each) ..." >&2
for _ in $(seq "$RUNS"); do
  for n in "${names[@]}"; do
    rm -rf "${out[$n]}"; mkdir -p "${out[$n]}"
    # shellcheck disable=SC2086
    timed gen "$n" "$root" ${cmd[$n]}
  done
done
for n in "${names[@]}"; do
  lines=$(cat "${out[$n]}"/*.go | wc -l)
  funcs=$(cat "${out[$n]}"/*.go | grep -c '^func ' || true)
  echo "$n: $(ls "${out[$n]}"/*.go | wc -l) Go files, $lines lines, $funcs funcs" >&2
done

nonce() { printf 'package %s\n\nconst benchBuild = %s // %s\n' "$1" "$2" "$(date +%s%N)" >"$3/zz_bench.go"; }
pkgname() { sed -n 's/^package \([a-z0-9_]*\).*/\1/p' "$(ls "$1"/*.go | head -1)" | head -1; }

echo "go build of each package after a change ($BUILDS runs each) ..." >&2
for n in "${names[@]}"; do (cd "${mod[$n]}" && go build "./${out[$n]#"${mod[$n]}"/}"); done # dependencies
for i in $(seq "$BUILDS"); do
  for n in "${names[@]}"; do
    nonce "$(pkgname "${out[$n]}")" "$i" "${out[$n]}"
    timed build "$n" "${mod[$n]}" go build "./${out[$n]#"${mod[$n]}"/}"
  done
done
if [ -n "$PROFILE" ]; then
  mkdir -p "$PROFILE"
  for n in "${names[@]}"; do
    nonce "$(pkgname "${out[$n]}")" 0 "${out[$n]}"
    (cd "${mod[$n]}" && go build -gcflags="-cpuprofile=$PROFILE/${n//[@\/]/_}.cpu" "./${out[$n]#"${mod[$n]}"/}")
  done
fi

# A user's program: the wxpaygen outputs only (the calls are spelled in their API).
userprog() { # dir module-path calls
  mkdir -p "$1"
  cat >"$1/main.go" <<EOF
package main

import (
	"context"
	"fmt"

	"github.com/wxpaygen/wxpaygen/apiv3"
	wx "$2"
)

const change = 0

func main() {
	c, err := wx.NewClient(apiv3.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	_ = ctx
$3
	fmt.Println(c != nil, change)
}
EOF
}
calls='	_, _, err = c.V3.Pay.Transactions.Jsapi.Post(ctx, &wx.PostV3PayTransactionsJsapiRequest{})
	fmt.Println(err)
	_, _, err = c.V3.Refund.Domestic.Refunds.Post(ctx, &wx.PostV3RefundDomesticRefundsRequest{})
	fmt.Println(err)'
users=()
for n in "${names[@]}"; do
  [[ $n == wxpaygen* ]] || continue
  u=${out[$n]%/wx}
  path=github.com/wxpaygen/wxpaygen/bench/testdata/work/wx
  userprog "$u/user0" "$path" ""
  userprog "$u/user2" "$path" "$calls"
  users+=("$n")
done
if [ ${#users[@]} -gt 0 ]; then
  echo "a user's program, after a change to main.go ($BUILDS runs each) ..." >&2
  for n in "${users[@]}"; do
    u=${out[$n]%/wx}
    (cd "${mod[$n]}" && go build -o "$work/u0" "./${u#"${mod[$n]}"/}/user0" && go build -o "$work/u2" "./${u#"${mod[$n]}"/}/user2")
  done
  for i in $(seq "$BUILDS"); do
    for n in "${users[@]}"; do
      u=${out[$n]%/wx}
      for p in user0 user2; do
        sed -i "s/^const change = .*/const change = $i/" "$u/$p/main.go"
        timed "$p" "$n" "${mod[$n]}" go build -o "$work/$p-bin" "./${u#"${mod[$n]}"/}/$p"
        echo "size $n $p $(stat -c %s "$work/$p-bin")" >>"$work/sizes"
      done
    done
  done
fi

echo
echo "# $(go env GOVERSION), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# min / median of interleaved runs; wall s, CPU s (user+sys, with children), peak RSS MB"
printf '%-7s %-22s %5s %15s %15s %13s\n' what generator runs wall CPU 'peak RSS'
for kind in gen build user0 user2; do
  for n in "${names[@]}"; do
    grep -q "^$kind $n " "$res" || continue
    awk -v k="$kind" -v n="$n" '$1==k && $2==n {print $3, $4, $5}' "$res" | sort -n >"$work/s"
    cnt=$(wc -l <"$work/s")
    med() { cut -d' ' -f"$1" "$work/s" | sort -n | sed -n "$(( (cnt + 1) / 2 ))p"; }
    mn() { cut -d' ' -f"$1" "$work/s" | sort -n | head -1; }
    printf '%-7s %-22s %5d %7s/%-7s %7s/%-7s %6d/%-6d\n' "$kind" "$n" "$cnt" "$(mn 1)" "$(med 1)" "$(mn 2)" "$(med 2)" \
      $(( $(mn 3) / 1024 )) $(( $(med 3) / 1024 ))
  done
done
if [ -f "$work/sizes" ]; then
  echo
  for n in "${users[@]}"; do
    s0=$(awk -v n="$n" '$2==n && $3=="user0" {print $4; exit}' "$work/sizes")
    s2=$(awk -v n="$n" '$2==n && $3=="user2" {print $4; exit}' "$work/sizes")
    echo "binary $n: user0 $s0 bytes, user2 $s2 bytes, growth $((s2 - s0)) bytes"
  done
fi
