"""The data-quality gate: validate a build (DuckDB file or PostgreSQL database) with the suites and report the
outcome."""

from __future__ import annotations

import time
from contextlib import suppress
from pathlib import Path

from expectations.params import GateParams
from expectations.results import CheckResult, GateResult
from expectations.specs import AssetSpec
from socialmart.postgres_publish import PUBLISHED_SCHEMA
from socialmart.warehouse import BuildTarget

__all__ = ["CheckResult", "GateConnectionError", "GateParams", "GateResult", "run_gate"]


class GateConnectionError(ConnectionError):
    """The gate could not reach the warehouse; the message names it (never its password) and what to check."""


def preload() -> None:
    """Import the gate's modules, Great Expectations among them (about 2 s), ahead of the gate.

    `socialmart run`, `backfill` and `publish` call it while Prefect's temporary server starts in its own process,
    time in which they would otherwise wait idle (issue 8). It runs in the calling thread: an import in a second
    thread lets other code see half-imported modules (dlt's check for pandas failed on one). An import that fails
    here fails again in the gate, where the run reports it.
    """
    with suppress(Exception):
        from expectations import datasource, runner, suites  # noqa: F401


def run_gate(target: BuildTarget | Path, params: GateParams, docs_dir: Path | None = None) -> GateResult:
    """Validate the build and return every check's result.

    ``target`` is a run's build target, or the path of a DuckDB file. The DuckDB file is opened read-only through
    duckdb-engine and every connection is closed before this returns, so the caller can replace or reopen the
    file. On PostgreSQL the gate reads in read-only sessions, and reads the marts from the schema the run built
    them in (``BuildTarget.marts_schema``, ``marts__build``) while the suites and results name them ``marts``.
    Checks on tables that are absent (a source did not load) fail with a message naming the missing schema or
    table instead of raising. The computation runs in the database; only aggregates and up to
    ``params.sample_rows`` bad rows per check come back to Python.

    Args:
        target: The build: a BuildTarget, or the path of a DuckDB warehouse (build) file.
        params: Run date and thresholds.
        docs_dir: When given, Data Docs are built into this directory.

    Raises:
        FileNotFoundError: When the DuckDB file does not exist.
        GateConnectionError: When the PostgreSQL database does not accept a connection.
    """
    if not isinstance(target, BuildTarget):
        target = BuildTarget(duckdb_file=Path(target))
    if target.duckdb_file is not None and not target.duckdb_file.is_file():
        raise FileNotFoundError(f"warehouse file not found: {target.duckdb_file}")

    # Imported here: these import Great Expectations (about 2 s), which callers of GateParams need not pay.
    from great_expectations.datasource.fluent.interfaces import TestConnectionError

    from expectations import runner, suites
    from expectations.datasource import add_warehouse_datasource, close_datasource, config_variables, list_tables
    from expectations.sql import reading_schemas

    renamed = {PUBLISHED_SCHEMA: target.marts_schema} if target.marts_schema != PUBLISHED_SCHEMA else {}
    started = time.perf_counter()
    context = runner.new_context(docs_dir, config_variables(target))
    try:  # adding a datasource connects to the database
        datasource = add_warehouse_datasource(context, "warehouse", target)
    except TestConnectionError as exc:
        raise _unreachable(target, exc) from None
    checks: list[CheckResult] = []
    try:
        schemas, tables = _as_published(*list_tables(datasource), renamed)
        with reading_schemas(renamed):
            for asset in suites.build_all(params, tables):
                missing = _missing(asset, schemas, tables)
                if missing:
                    checks.extend(runner.not_evaluated(asset, f"{asset.missing_prefix}: {missing}"))
                else:
                    checks.extend(runner.run_asset(context, datasource, asset, params.sample_rows))
    finally:
        close_datasource(datasource)
    docs_index = runner.build_docs(context, docs_dir) if docs_dir is not None else None
    return GateResult.from_checks(checks, params.run_date, time.perf_counter() - started, docs_index)


def _unreachable(target: BuildTarget, error: Exception) -> GateConnectionError:
    """The error for a database that refused the connection: the driver's reason, never the password (the target
    prints without it, and the driver's messages do not repeat it)."""
    cause = error.__cause__ or error
    reason = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0]
    hint = "Check that the server is up and the [socialmart] postgres_dsn secret." if target.postgres else ""
    return GateConnectionError(f"the quality gate could not connect to {target}: {reason}. {hint}".strip())


def _as_published(schemas: set[str], tables: set[str], renamed: dict[str, str]) -> tuple[set[str], set[str]]:
    """The schemas and tables as the suites name them: a schema read from another (``marts`` from
    ``marts__build``) under its published name, and what is published under that name now left out."""
    published_name = {physical: logical for logical, physical in renamed.items()}

    def logical(schema: str) -> str | None:
        if schema in published_name:
            return published_name[schema]
        return None if schema in renamed else schema

    named_schemas = {name for name in map(logical, schemas) if name is not None}
    named_tables = set()
    for table in tables:
        schema, _, name = table.partition(".")
        if logical(schema) is not None:
            named_tables.add(f"{logical(schema)}.{name}")
    return named_schemas, named_tables


def _missing(asset: AssetSpec, schemas: set[str], tables: set[str]) -> str:
    """Describe the asset's required tables that are absent ('' when all are present)."""
    reasons = []
    for table in asset.requires:
        if table in tables:
            continue
        schema = table.split(".", 1)[0]
        reasons.append(f"schema {schema} is absent" if schema not in schemas else f"table {table} is absent")
    return "; ".join(dict.fromkeys(reasons))
