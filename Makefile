# Build, install and test steampipe-plugin-bluejay. `make help` lists the targets.
GO            ?= go
PLUGIN_DIR    ?= $(HOME)/.steampipe/plugins/local/bluejay
CONFIG_DIR    ?= $(HOME)/.steampipe/config
BINARY        := bin/steampipe-plugin-bluejay.plugin

.PHONY: help build install test lint vet fmt-check

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

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

lint: fmt-check vet ## gofmt and go vet

.PHONY: demo sql

demo: ## Run sample queries on the fake API with SQLite (no account, no network)
	$(GO) run ./cmd/bluejay-sql --demo

sql: ## Build bin/bluejay-sql: SQL over the plugin's tables on embedded SQLite, no Steampipe
	$(GO) build -o bin/bluejay-sql ./cmd/bluejay-sql
