# Build, install and test steampipe-plugin-bluejay. `make help` lists the targets.
GO            ?= go
PLUGIN_DIR    ?= $(HOME)/.steampipe/plugins/local/bluejay
CONFIG_DIR    ?= $(HOME)/.steampipe/config
BINARY        := bin/steampipe-plugin-bluejay.plugin

.PHONY: help build install test lint vet fmt-check tidy-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## Build the plugin binary into bin/
	$(GO) build -o $(BINARY) .

install: build ## Install the plugin into ~/.steampipe (and the sample config, if none is there)
	mkdir -p $(PLUGIN_DIR) $(CONFIG_DIR)
	cp $(BINARY) $(PLUGIN_DIR)/bluejay.plugin
	@if [ -f $(CONFIG_DIR)/bluejay.spc ]; then \
		echo "kept your $(CONFIG_DIR)/bluejay.spc"; \
	else \
		cp config/bluejay.spc $(CONFIG_DIR)/bluejay.spc && echo "wrote $(CONFIG_DIR)/bluejay.spc: set api_key there"; \
	fi

test: ## Run every test (unit, end-to-end through the built plugin binary) against the fake API
	$(GO) test -count=1 ./...
	@# a data race fixed in the SDK shows only to the race detector (third_party/README.md, 0108)
	$(GO) test -race -count=1 -run '^TestQueryCacheCountsMissesWithoutARace$$' ./sdkfix

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' ':!:third_party/')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must be what `go mod tidy` makes of them: direct requirements in their own
# block, no stale sums. `go mod tidy -diff` prints the difference and fails when there is one.
tidy-check:
	$(GO) mod tidy -diff

# golangci-lint, pinned; `make lint` installs it from the Go module proxy on first use.
GOLANGCI_LINT_VERSION := 2.15.0
GOLANGCI_LINT         ?= $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)/golangci-lint

.PHONY: release-check

lint: fmt-check tidy-check vet ## gofmt, go mod tidy, go vet and golangci-lint (.golangci.yml)
	@$(GOLANGCI_LINT) version 2>/dev/null | grep -q "version $(GOLANGCI_LINT_VERSION) " || { \
		echo "installing golangci-lint v$(GOLANGCI_LINT_VERSION) into $(dir $(GOLANGCI_LINT))"; \
		GOBIN=$(dir $(GOLANGCI_LINT)) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION); }
	$(GOLANGCI_LINT) run ./...

# The targets .goreleaser.yml releases, checked the way it builds them (CGO_ENABLED=0, netgo):
# linux/amd64 compiled and linked, both mains in one `go build`; the others type-checked from
# source by cmd/release-typecheck, which proves every package has a complete, well-typed set of
# files there without cgo, at a fraction of three more compiles of the whole tree (README, CI).
# bluejay-sql too, whose line editor must build without cgo on each of them.
RELEASE_CROSS := linux/arm64 darwin/amd64 darwin/arm64
RELEASE_MAINS := . ./cmd/bluejay-sql

release-check: ## Build the linux/amd64 release and type-check the other release targets (CGO_ENABLED=0, netgo), as .goreleaser.yml builds them
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && echo "go build linux/amd64 $(RELEASE_MAINS)" && \
		CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -tags netgo -trimpath -o "$$out" $(RELEASE_MAINS)
	$(GO) run ./cmd/release-typecheck -targets "$(RELEASE_CROSS)" -tags netgo $(RELEASE_MAINS)

.PHONY: fdw sdk-check

sdk-check: ## Prove third_party/steampipe-plugin-sdk is the module proxy's v5.14.1 plus third_party/steampipe-plugin-sdk-patches, nothing else
	scripts/sdk-check.sh


fdw: ## Build Steampipe's Postgres FDW for this plugin (from ../shared/engines) and install it into the machine's PostgreSQL
	scripts/fdw.sh

.PHONY: powerpipe dashboard-assets

powerpipe: ## Build Powerpipe v1.5.2 (from ../shared/engines) into ~/.cache/bluejay, linked as bin/powerpipe, for the mod's tests
	scripts/powerpipe.sh binary

dashboard-assets: ## Build Powerpipe's dashboard UI into ~/.cache/bluejay, linked as bin/dashboard-assets, for powerpipe server
	scripts/powerpipe.sh assets

.PHONY: screenshots

screenshots: ## Run the browser test (needs make fdw, powerpipe, dashboard-assets) and keep its screenshots of the dashboards in docs/img
	BLUEJAY_SCREENSHOTS=$(CURDIR)/docs/img BLUEJAY_REQUIRE_FDW=1 BLUEJAY_REQUIRE_POWERPIPE=1 $(GO) test -count=1 -run TestDashboardsInBrowser ./powerpipetest
.PHONY: demo sql

demo: ## Run sample queries on the fake API with SQLite (no account, no network)
	$(GO) run ./cmd/bluejay-sql --demo

sql: ## Build bin/bluejay-sql: SQL over the plugin's tables on embedded SQLite, no Steampipe
	$(GO) build -o bin/bluejay-sql ./cmd/bluejay-sql

.PHONY: bench

bench: ## Measure the built plugin against the API's bound (fake API, 50 ms a request), the micro-benchmarks, and scans through the FDW beside SQLite (needs make fdw); see docs/performance.md
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./api
	$(GO) test -run '^$$' -bench . -benchmem ./bluejay
	@# a target that misses makes bluejay-bench exit 1; the rest of the bench still runs
	-$(GO) run ./cmd/bluejay-bench $(BENCH_FLAGS)
	BLUEJAY_REQUIRE_FDW=1 $(GO) test -run '^$$' -bench 'FDWScan|FDWSessionStart|GRPCScan|SQLiteScan' -benchtime=5x ./fdwtest
	BLUEJAY_REQUIRE_FDW=1 $(GO) test -run '^$$' -bench 'FDWManyAgents|FDWJoinInnerScans|FDWJoinAgainstItsScans|FDWOwnerJoin' -benchtime=3x ./fdwtest
	$(GO) test -run '^$$' -bench Open -benchtime=10x ./engine
	@# the whole mod: powerpipe benchmark run all through the FDW beside bluejay-sql check all (needs make powerpipe)
	BLUEJAY_REQUIRE_FDW=1 BLUEJAY_REQUIRE_POWERPIPE=1 $(GO) test -run '^$$' -bench 'PowerpipeBenchmarkRunAll|CheckAllSQLite' -benchtime=3x ./powerpipetest

.PHONY: fuzz

# Each fuzz target, as package:target. Their seeds (f.Add and testdata/fuzz) also run in `make test`.
FUZZ_TARGETS := api:FuzzPageDecode api:FuzzListCallLogsBody api:FuzzParseTime api:FuzzFlexibleID \
	bluejay:FuzzWindowCovering bluejay:FuzzPageSizeFor bluejay:FuzzQualValueStrings bluejay:FuzzResolveSettings
FUZZTIME ?= 10s

fuzz: ## Fuzz the response decoding and the qual/config mapping, FUZZTIME (10s) per target
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $$t for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*} || exit 1; \
	done
