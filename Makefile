# wxpaygen: a menu of the project's commands. `make help` lists them.
GO ?= go
SPEC ?= spec
OUT ?= generated/wechatpay
PKG ?= wechatpay
WXPAYGEN = $(GO) run ./cmd/wxpaygen -spec $(SPEC) -out $(OUT) -package $(PKG)

.PHONY: help deps generate check vet test fuzz bench bench-client bench-generator bench-instructions bench-peers bench-build bench-sandbox demo

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# deps installs, when missing, what tests need beyond Go: redis-server, which
# apiv3/redisdedupe's tests start on a loopback port of their own (they skip
# without it, except under CI). Debian packages, as root or through sudo.
deps: ## install redis-server for the Redis store's tests when it is missing (apt-get; quiet, idempotent)
	@command -v redis-server >/dev/null 2>&1 || { \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "deps: installing redis-server (apt-get)"; log=$$(mktemp); \
	  if ! { $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	         $$sudo apt-get install -y -qq --no-install-recommends redis-server; } >$$log 2>&1; then \
	    cat $$log; rm -f $$log; exit 1; \
	  fi; rm -f $$log; \
	}

generate: ## regenerate generated/ from spec/ (same as go generate ./...)
	$(WXPAYGEN)

check: ## fail when generated/ differs from what the spec generates (stale, missing or extra files)
	$(WXPAYGEN) -check

vet: ## go vet every package
	$(GO) vet ./...

test: vet ## vet, race-enabled tests and the drift check: what CI runs
	$(GO) test -race ./...
	$(MAKE) --no-print-directory check

FUZZTIME ?= 30s
# Each input that finds new code is minimized before the fuzzing goes on; at
# the default 60s a slow target (FuzzLoad, FuzzGenerate) spends its time there.
FUZZMINIMIZETIME ?= 2s
fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  dir=$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$dir $$t"; $(GO) test ./$$dir -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME); \
	  done; \
	done

bench: bench-client bench-generator ## every benchmark with allocation counts, and the allocation budgets

bench-client: ## the generated call against a bare baseline (server in its own process), chain, path, Validate, notifications; then the allocation budgets (without -race)
	$(GO) test ./generated/wechatpay/ ./apiv3/ ./internal/... ./wxpaytest/ -run '^$$' -bench . -benchmem
	$(GO) test ./generated/wechatpay/ ./apiv3/ -run 'Alloc' -count=1

bench-generator: ## generator on synthetic specs (10/100/1000 copies of discount-card), per stage, and go build of the 100-copy output
	$(GO) test ./generator/internal/synth -run TestGenerates -synth.build -count=1
	$(GO) test ./generator -run '^$$' -bench '^Benchmark(Generate|Stages|BuildGenerated|GenerateCorpus|BuildCorpus)$$' -benchmem -timeout 60m

bench-instructions: ## instructions per call, generated client vs baseline (valgrind's callgrind; repeatable on a busy machine)
	bash scripts/callgrind.sh

bench-peers: ## wxpaygen beside oapi-codegen v2.8.2 and ogen v1.24.0 on the same synthetic specs (needs the Go module proxy; ~20 min; not part of test)
	bash scripts/bench-peers.sh

bench-build: ## go build cost of the corpus's package beside oapi-codegen v2.8.2, and of a user's program calling two operations (needs ../shared/corpus and the Go module proxy; ~6 min; BASE=<commit> adds an older wxpaygen)
	bash scripts/bench-build.sh

bench-sandbox: ## the sandbox's measurements (docs/PERFORMANCE.md): load test at 5,000 records, empty store vs 100,000 records, 1,000 notifications across kill -9, full disk (~10 min)
	$(GO) test ./internal/sandbox/ -run '^TestLoad$$' -v -count=1
	WXPAY_LOAD_LARGE=1 $(GO) test ./internal/sandbox/ -run '^TestLoadLargeStore$$' -v -count=1 -timeout 30m
	WXPAY_CRASH_NOTIFICATIONS=1000 $(GO) test ./cmd/wxpay-sandbox/ -run '^(TestKillAndRestart|TestFullAndReadOnlyDisk)$$' -v -count=1
	$(GO) test ./internal/sandbox/ -run '^$$' -bench StoreAddRecord -benchtime 2000x -count 3

demo: ## run the quickstart for real: sandbox init + serve on a free loopback port, the example, stop
	bash scripts/demo.sh
