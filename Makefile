# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(shell command -v python3)
SYNC := $(UV) sync --project backend --frozen --inexact --no-progress

.PHONY: install install-dev run test lint format bench lock clean

$(UV):
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

install: $(UV)  ## install what the server needs
	$(SYNC) --no-dev

install-dev: $(UV)  ## install what the server and its tests need
	$(SYNC)

run: install  ## serve on http://localhost:8000 with SQLite
	$(BIN)/saga-demo serve

lint: install-dev  ## ruff (lint and format) and mypy in strict mode
	$(BIN)/ruff check backend tests bench
	$(BIN)/ruff format --check backend tests bench
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

format: install-dev
	$(BIN)/ruff check --fix backend tests bench
	$(BIN)/ruff format backend tests bench

test: lint  ## everything: lint, types, then every test
	$(BIN)/pytest

bench: install-dev  ## figures: sagas/s through POST /orders at concurrency 1, 8, 32; tx per saga
	$(BIN)/python bench/load.py

lock: $(UV)  ## re-resolve the Python lock file after editing backend/pyproject.toml
	$(UV) lock --project backend

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
