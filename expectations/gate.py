"""The data-quality gate: validate a DuckDB warehouse file with the suites and report the outcome."""

from __future__ import annotations

import time
from pathlib import Path

from expectations.params import GateParams
from expectations.results import CheckResult, GateResult
from expectations.specs import AssetSpec

__all__ = ["CheckResult", "GateParams", "GateResult", "run_gate"]


def run_gate(duckdb_path: Path, params: GateParams, docs_dir: Path | None = None) -> GateResult:
    """Validate the warehouse at ``duckdb_path`` and return every check's result.

    The file is opened read-only through duckdb-engine and every connection is closed before this returns, so
    the caller can replace or reopen the file. Checks on tables that are absent (a source did not load) fail
    with a message naming the missing schema or table instead of raising. The computation runs in DuckDB; only
    aggregates and up to ``params.sample_rows`` bad rows per check come back to Python.

    Args:
        duckdb_path: The warehouse (build) file.
        params: Run date and thresholds.
        docs_dir: When given, Data Docs are built into this directory.

    Raises:
        FileNotFoundError: When ``duckdb_path`` does not exist.
    """
    duckdb_path = Path(duckdb_path)
    if not duckdb_path.is_file():
        raise FileNotFoundError(f"warehouse file not found: {duckdb_path}")

    # Imported here: these import Great Expectations (about 10 s), which callers of GateParams need not pay.
    from expectations import runner, suites
    from expectations.datasource import add_duckdb_datasource, close_datasource, list_tables

    started = time.perf_counter()
    context = runner.new_context(docs_dir)
    datasource = add_duckdb_datasource(context, "warehouse", duckdb_path, read_only=True)
    checks: list[CheckResult] = []
    try:
        schemas, tables = list_tables(datasource)
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


def _missing(asset: AssetSpec, schemas: set[str], tables: set[str]) -> str:
    """Describe the asset's required tables that are absent ('' when all are present)."""
    reasons = []
    for table in asset.requires:
        if table in tables:
            continue
        schema = table.split(".", 1)[0]
        reasons.append(f"schema {schema} is absent" if schema not in schemas else f"table {table} is absent")
    return "; ".join(dict.fromkeys(reasons))
