# Goodwill developer commands. Only Python 3.11+, make and git are needed: the first target run
# creates .venv from the lock file (uv.lock) with a pinned uv bootstrapped from PyPI.
PYTHON ?= python3
UV_VERSION := 0.13.9
BOOT := .venv-boot
VENV := .venv
UV := $(BOOT)/bin/uv
RUN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: help demo test lint format lock bench clean serve

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*## /\t/'

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Goodwill needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-groups --quiet
	@touch $@

demo: $(VENV)/.synced  ## seed the demo airline into demo.db (SQLite) and serve it on http://127.0.0.1:8000
	$(RUN)/goodwill --database-url sqlite:///demo.db demo

test: $(VENV)/.synced  ## run the test suite (SQLite; and PostgreSQL when GOODWILL_TEST_DATABASE_URL is set)
	$(RUN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.synced  ## ruff format check, ruff, mypy strict, import-linter
	$(RUN)/ruff format --check src tests
	$(RUN)/ruff check src tests
	$(RUN)/mypy
	$(RUN)/lint-imports

format: $(VENV)/.synced  ## apply ruff format and safe fixes
	$(RUN)/ruff format src tests
	$(RUN)/ruff check --fix src tests

lock: $(UV)  ## refresh uv.lock after changing pyproject.toml
	$(UV) lock

clean:  ## remove environments and demo files
	rm -rf $(BOOT) $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
