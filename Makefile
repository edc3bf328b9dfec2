# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(shell command -v python3)
SYNC := $(UV) sync --project backend --frozen --inexact --no-progress

.PHONY: install install-dev frontend run test lint format bench schema lock clean

# The front end's packages, installed again only when package-lock.json is newer than them.
FRONTEND_DEPS := frontend/node_modules/.package-lock.json

$(UV):
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

install: $(UV)  ## install what the server needs
	$(SYNC) --no-dev

install-dev: $(UV)  ## install what the server and its tests need
	$(SYNC)

$(FRONTEND_DEPS): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend: $(FRONTEND_DEPS)  ## build the pages (dashboard, GraphiQL) into frontend/dist/
	cd frontend && npm run build

run: install frontend  ## serve on http://localhost:8000 with SQLite
	$(BIN)/saga-demo serve

lint: install-dev $(FRONTEND_DEPS)  ## ruff (lint and format), mypy in strict mode; tsc and biome
	$(BIN)/ruff check backend tests bench
	$(BIN)/ruff format --check backend tests bench
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	cd frontend && npm run lint && npm test

format: install-dev $(FRONTEND_DEPS)
	$(BIN)/ruff check --fix backend tests bench
	$(BIN)/ruff format backend tests bench
	cd frontend && npm run format

test: lint frontend  ## everything: lint, types, the front end's build, then every test
	$(BIN)/pytest

bench: install-dev  ## figures: sagas/s through POST /orders at concurrency 1, 8, 32; tx per saga
	$(BIN)/python bench/load.py

schema: install-dev  ## write schema.graphql from the code (CI fails when it is out of date)
	$(BIN)/python -m saga_demo.api.graphql.export schema.graphql

lock: $(UV)  ## re-resolve the Python lock file after editing backend/pyproject.toml
	$(UV) lock --project backend

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache frontend/node_modules frontend/dist
