"""Shared test fixtures: one Prefect test server and one PostgreSQL server for the session, and an isolated
warehouse per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults)

if TYPE_CHECKING:
    from postgres_support import PostgresRun, PostgresServer

# pytest-xdist workers (make test runs one per core) share the dbt project folder: each worker gets its own dbt
# target and log folders, so two dbt invocations never overwrite each other's manifest or partial-parse file.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    os.environ.setdefault("DBT_TARGET_PATH", f"target/{_WORKER}")
    # dbt reads a relative log path from the working directory (the target path from the project): make it absolute.
    os.environ.setdefault("DBT_LOG_PATH", str(Path(__file__).resolve().parents[1] / "dbt_project" / "logs" / _WORKER))
# The session's two nightly runs, each built once on the one worker that runs every test reading it.
DUCKDB_NIGHTLY_GROUP = "duckdb-nightly"  # tests/e2e: the scenario's two DuckDB runs
POSTGRES_NIGHTLY_GROUP = "postgres-nightly"  # the tests of the Postgres nightly run


def _group(item: pytest.Item) -> str:
    """The xdist group of a test: the nightly run it reads, else its module."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("first_run") == "postgres"
    if on_postgres or "postgres_nightly" in item.fixturenames:
        return POSTGRES_NIGHTLY_GROUP
    if "e2e" in item.path.parts:
        return DUCKDB_NIGHTLY_GROUP
    return item.nodeid.split("::")[0]


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups into the test ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests for pytest-xdist's loadgroup scheduling, so that the session's DuckDB scenario and Postgres
    nightly run (2-6 minutes each) are each built on one worker only, and each other module runs on one worker, so
    its module-scoped fixtures are built once."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))


# Under trust authentication the server ignores a password, so the Postgres nightly run always sends one: the tests
# check that it shows up in no log.
FALLBACK_PASSWORD = "never-logged-9f3c"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Run flows against one temporary Prefect server for the whole session (starting one takes ~20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield


@pytest.fixture
def isolated_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the warehouse and reports at a temporary folder, keeping the committed config and inputs."""
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp_path / "reports"))
    for key in list(os.environ):
        if key.startswith("SOURCES__"):
            monkeypatch.delenv(key)
    return tmp_path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (see tests/postgres_support.py); tests get their own databases from it.

    Without one, the tests that need it are skipped with the reason, or fail when SOCIALMART_REQUIRE_POSTGRES is
    set (CI sets it, so the Postgres tests can never be skipped there unnoticed).
    """
    import postgres_support

    stack = ExitStack()
    try:
        server = stack.enter_context(postgres_support.postgres_server())
    except postgres_support.PostgresUnavailable as exc:
        if os.environ.get(postgres_support.REQUIRE_ENV):
            pytest.fail(f"{postgres_support.REQUIRE_ENV} is set, but there is no PostgreSQL: {exc}", pytrace=False)
        pytest.skip(f"no PostgreSQL server: {exc}")
    with stack:
        print(f"PostgreSQL for the tests: {server.origin}")
        yield server


@pytest.fixture(scope="session")
def postgres_nightly(
    prefect_harness: None, postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PostgresRun]:
    """One first nightly run for the e2e RUN_DATE on the sandbox with `warehouse = "postgres"`, into a database of
    its own: load, dbt, gate and schema-swap publish, with a login password for the read-only role
    socialmart_reader. Shared by the Postgres integration and e2e tests (a full run on PostgreSQL takes ~2 minutes,
    so make test runs it once)."""
    import logging
    from dataclasses import replace

    from e2e_scenario import RUN_DATE
    from postgres_support import READER_PASSWORD, LogLines, PostgresRun

    from flows.nightly import nightly

    root = tmp_path_factory.mktemp("postgres-nightly")
    with postgres_server.database("nightly") as database:
        database = replace(database, password=database.password or FALLBACK_PASSWORD)
        log = LogLines()
        # Only the run sees the Postgres settings: the session's other tests keep the DuckDB warehouse.
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOCIALMART__WAREHOUSE", "postgres")
            mp.setenv("SOCIALMART__POSTGRES_DSN", database.dsn)
            mp.setenv("SOCIALMART__POSTGRES_READER_PASSWORD", READER_PASSWORD)
            mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
            mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
            logging.getLogger().addHandler(log)
            try:
                summary = nightly(run_date=RUN_DATE, sandbox=True)
            finally:
                logging.getLogger().removeHandler(log)
        yield PostgresRun(summary, database, "\n".join(log.lines))
