# socialmart. `make run` then `make test` from a fresh clone; uv is installed locally when missing.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --no-sync
export UV_PYTHON := 3.11
export UV_PYTHON_DOWNLOADS := never
# Write every installed module's bytecode once, at install. uv does not by default, and where PYTHONDONTWRITEBYTECODE
# is set (as in many containers) Python then compiles each module from source again in every process: 4.8 s of
# the 9.6 s that importing Prefect, dlt, dbt and GX took here (issue 8).
export UV_COMPILE_BYTECODE := 1

.PHONY: install browser run test lint format bench clean deploy worker

$(CURDIR)/.tools/bin/uv:
	python3.11 -m venv $(CURDIR)/.tools || python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml Makefile | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

run: install  ## Run the nightly pipeline (the sandbox brand when no credentials are configured)
	$(RUN) socialmart run

# Prefect: prefect.yaml's deployments and the process worker that runs them, on the Prefect server at PREFECT_API_URL
# (default: the one `prefect server start` serves on this machine). README, "Operate it".
deploy worker: export PREFECT_API_URL ?= http://127.0.0.1:4200/api
WORK_POOL := socialmart-process

deploy: install  ## Create the process work pool when missing, then deploy prefect.yaml in the configured timezone
	@timezone=$$($(RUN) python -m socialmart.deploy_timezone) \
		&& echo "Deploying to the Prefect server at $$PREFECT_API_URL; schedules in $$timezone" \
		&& { $(RUN) prefect work-pool inspect $(WORK_POOL) >/dev/null 2>&1 \
			|| $(RUN) prefect work-pool create $(WORK_POOL) --type process; } \
		&& SOCIALMART__REPORTING_TIMEZONE=$$timezone $(RUN) prefect --no-prompt deploy --all

worker: install  ## Start a worker that runs the deployments' flow runs, until stopped with Ctrl-C
	$(RUN) prefect worker start --pool $(WORK_POOL)

test: install browser  ## Run the whole test suite
	$(RUN) pytest

# Debian's Chromium prints the reports' PDFs and runs the browser tests (never a browser download of playwright's
# own). Installed when missing and we are root; otherwise the browser tests skip with the reason, or fail where
# SOCIALMART_REQUIRE_BROWSER is set (.ci/run).
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests and PDF reports"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
			|| echo "WARNING: apt-get could not install chromium: the browser tests will skip or fail"; \
	else \
		echo "WARNING: $(CHROMIUM) is missing and only root can apt-get install chromium: the browser tests will skip"; \
	fi

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# Both profiles by default, the agency one at full size (many minutes of both cores); e.g.
# `make bench BENCH_ARGS="--profile agency --scale 0.05"` for the same shapes smaller. README, "Measured on this machine".
BENCH_ARGS ?=
bench: install  ## Measure the brand and agency profiles; writes bench/results.json and bench/results.md
	$(RUN) python -m bench $(BENCH_ARGS)

clean:
	rm -rf warehouse output dbt_project/target dbt_project/logs .pytest_cache
