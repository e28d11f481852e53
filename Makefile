# socialmart. `make run` then `make test` from a fresh clone; uv is installed locally when missing.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --no-sync
export UV_PYTHON := 3.11
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test lint format bench clean

$(CURDIR)/.tools/bin/uv:
	python3.11 -m venv $(CURDIR)/.tools || python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

run: install  ## Run the nightly pipeline (the sandbox brand when no credentials are configured)
	$(RUN) socialmart run

test: install  ## Run the whole test suite
	$(RUN) pytest

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: install  ## Measure the pipeline; writes bench/results.json and bench/results.md
	$(RUN) python -m bench

clean:
	rm -rf warehouse output dbt_project/target dbt_project/logs .pytest_cache
