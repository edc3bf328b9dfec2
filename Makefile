# Two commands do all the set-up: `make run` and `make test`. Plain `make` lists the targets.
#
# uv lives in a tool environment of its own (.tools/), outside the .venv it manages: uv creates
# .venv itself and only ever syncs it, so no call of make deletes or rebuilds it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The interpreter itself, not a shim in front of it (pyenv's): uv compares it with .venv's own.
export UV_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys._base_executable)' 2>/dev/null)
export UV_PYTHON_DOWNLOADS := never
# Bytecode compiled at install: a shell with PYTHONDONTWRITEBYTECODE=1 (this kind of machine has
# it) would otherwise compile every module from source at each start, which doubled start-up.
SYNC := $(UV) sync --project backend --frozen --inexact --no-progress --compile-bytecode
COMPILE_OURS := $(BIN)/python -m compileall -q backend/saga_demo

# What the README names; `make` says so before installing anything with an older one.
PYTHON_MIN := 3.11
NODE_MIN := 20.19

.PHONY: help check-python check-node install install-dev frontend run test lint format bench \
	audit schema lock clean-data clean

help:  ## list the targets
	@echo "Saga Demo: make TARGET"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' \
		| expand -t 16

check-python:
	@scripts/check-versions python $(PYTHON)

check-node:
	@scripts/check-versions node

$(UV): | check-python
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)  ## install what the server needs into .venv/
	$(SYNC) --no-dev
	$(COMPILE_OURS)

install-dev: $(UV)  ## install what the server, its tests and its benchmarks need into .venv/
	$(SYNC) --extra bench
	$(COMPILE_OURS)

# The front end's packages, installed again only when package-lock.json is newer than them.
FRONTEND_DEPS := frontend/node_modules/.package-lock.json

$(FRONTEND_DEPS): frontend/package-lock.json | check-node
	cd frontend && npm ci --no-audit --no-fund

frontend: $(FRONTEND_DEPS)  ## build the pages (dashboard, GraphiQL, Swagger UI) into frontend/dist/
	cd frontend && npm run --silent build

run: install frontend  ## serve on http://localhost:8000 (SAGA_PORT=8080 make run for another port)
	$(BIN)/saga-demo serve

lint: install-dev $(FRONTEND_DEPS)  ## ruff, mypy (strict), the compose file; tsc, biome, vitest
	$(BIN)/ruff check backend tests scripts
	$(BIN)/ruff format --check backend tests scripts
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	cd frontend && npm run --silent lint && npm test

format: install-dev $(FRONTEND_DEPS)  ## apply ruff's fixes and formatting, and biome's
	$(BIN)/ruff check --fix backend tests scripts
	$(BIN)/ruff format backend tests scripts
	cd frontend && npm run format

test: lint frontend  ## everything: lint, types, the front end's build, then every test
	$(BIN)/pytest

audit: install-dev $(FRONTEND_DEPS)  ## known vulnerabilities in what ships: pip-audit (locked packages), npm audit --omit=dev
	$(BIN)/python scripts/audit.py

bench: install-dev  ## every benchmark (saga-demo bench all): a table, data/bench.json, data/bench.png
	$(BIN)/saga-demo bench all --json data/bench.json --plot data/bench.png

schema: install-dev  ## write schema.graphql and the SQLite head schema from the code (tests fail when out of date)
	$(BIN)/python -m saga_demo.api.graphql.export schema.graphql
	$(BIN)/python -m saga_demo.migrations

lock: $(UV)  ## re-resolve backend/uv.lock after editing backend/pyproject.toml
	$(UV) lock --project backend

clean-data: install  ## start from empty: delete the SQLite database (refused while a server uses it)
	$(BIN)/saga-demo delete-data

clean:  ## remove every install and build output (.tools, .venv, node_modules, dist); keeps data/
	rm -rf $(TOOLS) $(VENV) .pytest_cache .mypy_cache .ruff_cache frontend/node_modules frontend/dist
