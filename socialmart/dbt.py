"""Run `dbt build` in-process against a build target (DuckDB file or PostgreSQL), logging each model and failing
with its name."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from socialmart.config import Settings
from socialmart.postgres_publish import analyze_tables
from socialmart.warehouse import BuildTarget

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
RAW_SCHEMAS = r"raw\_%"  # a LIKE pattern: the raw_<source> schemas dlt loads


class DbtBuildError(RuntimeError):
    """One or more dbt models or tests failed; the message names each with its error."""


@dataclass
class DbtRunResult:
    """What dbt built: counts per kind of node, and the failures."""

    models: int = 0
    tests_passed: int = 0
    tests_warned: int = 0
    seeds: int = 0
    failures: list[str] = field(default_factory=list)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set `values` in the environment for the block (profiles.yml reads them), then restore what was there, so a
    run's target and password never outlive it in this process."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def invoke_dbt(args: list[str]):
    """`dbtRunner().invoke(args)`, then close the DuckDB database dbt-duckdb kept open for the run.

    profiles.yml sets `keep_open: true`: otherwise dbt-duckdb closes the file whenever no node holds it and opens it
    again for the next, a checkpoint and a catalog read per node (dbt took 35 s instead of 60 s on a busy machine).
    Closing it here releases the file lock the moment dbt returns, so the gate, publish and readers can open it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    try:
        return dbtRunner().invoke(args)
    finally:
        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None


def target_dir(project: Path) -> Path:
    """Where dbt writes the manifest and run results: DBT_TARGET_PATH (relative to the project) or `target`."""
    return project / os.environ.get("DBT_TARGET_PATH", "target")


def log_file(project: Path) -> Path:
    """dbt's log file: in DBT_LOG_PATH (dbt reads a relative one from the working directory) or the project's `logs`."""
    configured = os.environ.get("DBT_LOG_PATH")
    return (Path(configured).resolve() if configured else project / "logs") / "dbt.log"


def _summarise(result, log) -> DbtRunResult:
    summary = DbtRunResult()
    for node_result in getattr(result.result, "results", None) or []:
        node = node_result.node
        status = str(node_result.status)
        kind = node.resource_type
        log(f"dbt {kind} {node.name}: {status} ({node_result.execution_time:.1f}s)")
        if status in ("error", "fail", "runtime error"):
            message = (node_result.message or "").strip().splitlines()
            summary.failures.append(f"{kind} {node.name}: {' '.join(message)[:500]}")
        elif kind == "model":
            summary.models += 1
        elif kind == "seed":
            summary.seeds += 1
        elif kind in ("test", "unit_test"):
            if status == "warn":
                summary.tests_warned += 1
            else:
                summary.tests_passed += 1
    return summary


def run_dbt_build(settings: Settings, target: BuildTarget, run_date: date, log=print) -> DbtRunResult:
    """Build every dbt model and run every dbt test in `target`, with its output of profiles.yml.

    On PostgreSQL the raw tables' planner statistics are refreshed first, and those of the tables dbt built after
    (postgres_publish.analyze_tables). Raises DbtBuildError naming each failed node; an exception inside dbt itself
    is re-raised with context.
    """
    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, RAW_SCHEMAS)} raw tables for the query planner")
    project = settings.dbt_project_dir
    args = [
        "build",
        # The dbt unit tests check the models' logic, not the night's data: make test runs them (tests/unit/dbt).
        "--exclude-resource-type",
        "unit_test",
        "--target",
        target.dbt_target,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--vars",
        json.dumps(settings.dbt_vars()),
        "--quiet",
    ]
    with _environment({**target.dbt_env(), "SOCIALMART_RUN_DATE": run_date.isoformat()}):
        result = invoke_dbt(args)
    if result.exception is not None:
        raise DbtBuildError(f"dbt could not run: {result.exception}") from result.exception
    summary = _summarise(result, log)
    if summary.failures or not result.success:
        details = "\n  ".join(summary.failures) or "dbt reported failure without a failed node; see dbt logs"
        raise DbtBuildError(f"dbt build failed:\n  {details}\nLogs: {log_file(project)}")
    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, target.marts_schema)} tables of {target.marts_schema}")
    return summary
