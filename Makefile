# Zhixiang — `make help` lists every target. The two you need: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help

help: ## list every target
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) ## create .venv and install Zhixiang with its dev tools

run: install ## serve on http://127.0.0.1:8000 with demo data (SQLite, in-process fan-out, Stripe test servers on loopback)
	@$(BIN)/zhixiang migrate
	@$(BIN)/zhixiang demo
	@$(BIN)/zhixiang serve --stripe-test-servers

# Two pytest workers: most tests wait on a database, a browser or a server process, so two share
# even a 2-core box well (each worker has its own PostgreSQL database and Redis key prefix).
TEST_WORKERS ?= 2

# The test session's preflight (tests/preflight.py) uses the PostgreSQL and Redis at ZX_TEST_PG_URL /
# ZX_TEST_REDIS_URL when they answer, or starts private ones for the run and removes them after.
test: install ## run the whole suite (SQLite and PostgreSQL, Redis, Stripe test server, Chromium); TEST_WORKERS=0 runs it in one process
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install ## ruff lint and format check, mypy on the domain packages
	@$(BIN)/ruff check server broadcast distribution commission loadtests tests
	@$(BIN)/ruff format --check server broadcast distribution commission loadtests tests
	@$(BIN)/mypy broadcast distribution commission

fmt: install ## format the code
	@$(BIN)/ruff check --fix server broadcast distribution commission loadtests tests
	@$(BIN)/ruff format server broadcast distribution commission loadtests tests

migrate: install ## apply database migrations (DATABASE_URL)
	@$(BIN)/zhixiang migrate

bench: install ## run every benchmark and rewrite BENCHMARKS.md (add ARGS=--quick for a short run)
	@$(BIN)/python -m loadtests all $(ARGS)

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

.PHONY: help install run test lint fmt migrate bench clean
