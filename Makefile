# wxpaygen: a menu of the project's commands. `make help` lists them.
GO ?= go
SPEC ?= spec
OUT ?= generated/wechatpay
PKG ?= wechatpay
WXPAYGEN = $(GO) run ./cmd/wxpaygen -spec $(SPEC) -out $(OUT) -package $(PKG)

.PHONY: help generate check vet test fuzz bench demo

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

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
fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  dir=$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$dir $$t"; $(GO) test ./$$dir -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME); \
	  done; \
	done

bench: ## benchmarks with allocation counts
	$(GO) test -run '^$$' -bench . -benchmem ./...

demo: ## run the quickstart for real: sandbox init + serve on a free loopback port, the example, stop
	bash scripts/demo.sh
