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
    rebuild: str = ""  # what the incremental models rebuilt and why (socialmart/rebuild_window.py)


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


def invoke_dbt(args: list[str], manifest=None):
    """`dbtRunner(manifest).invoke(args)` (a manifest already parsed saves parsing it again), then close the DuckDB
    database dbt-duckdb kept open for the run.

    profiles.yml sets `keep_open: true`: otherwise dbt-duckdb closes the file whenever no node holds it and opens it
    again for the next, a checkpoint and a catalog read per node (dbt took 35 s instead of 60 s on a busy machine).
    Closing it here releases the file lock the moment dbt returns, so the gate, publish and readers can open it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    try:
        return dbtRunner(manifest=manifest).invoke(args)
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


def run_dbt_build(
    settings: Settings, target: BuildTarget, run_date: date, log=print, select: list[str] | None = None
) -> DbtRunResult:
    """Build every dbt model and run every dbt test in `target`, with its output of profiles.yml (`select`: only
    those nodes, with the tests that read only them; the tests use it).

    On a DuckDB build file the incremental models rebuild only the days whose raw data changed, or everything when
    in doubt (socialmart/rebuild_window.py decides, after a `dbt parse` for the manifest, and records the raw
    tables' fingerprints once dbt succeeded). On PostgreSQL the incremental models always rebuild whole (their
    full_refresh config): the marts are built in a fresh schema anyway. There the raw tables' planner statistics
    are refreshed first, and those of the tables dbt built after (postgres_publish.analyze_tables). Raises
    DbtBuildError naming each failed node; an exception inside dbt itself is re-raised with context.
    """
    from socialmart import rebuild_window

    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, RAW_SCHEMAS)} raw tables for the query planner")
    project = settings.dbt_project_dir
    dbt_vars = settings.dbt_vars()
    common = [
        "--target",
        target.dbt_target,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--vars",
        json.dumps(dbt_vars),
        "--quiet",
    ]
    env = {**target.dbt_env(), "SOCIALMART_RUN_DATE": run_date.isoformat()}
    manifest, decision = None, None
    if target.duckdb_file is not None:
        with _environment(env):
            parsed = invoke_dbt(["parse", *common])
        if parsed.exception is not None or not parsed.success:
            raise DbtBuildError(f"dbt could not parse the project: {parsed.exception}. Logs: {log_file(project)}")
        manifest = parsed.result
        decision = rebuild_window.decide(target.duckdb_file, manifest, project, dbt_vars, run_date)
    else:
        decision = rebuild_window.RebuildDecision(True, "PostgreSQL builds its marts in a fresh schema")
    log(decision.describe())
    args = [
        "build",
        # The dbt unit tests check the models' logic, not the night's data: make test runs them (tests/unit/dbt).
        "--exclude-resource-type",
        "unit_test",
        # PostgreSQL: the incremental models configure full_refresh=true themselves (macros/rebuild_window.sql).
        *(["--full-refresh"] if decision.full_refresh and target.duckdb_file is not None else []),
        *(["--select", *select, "--indirect-selection", "cautious"] if select else []),
        *common,
    ]
    with _environment({**env, **decision.env()}):
        result = invoke_dbt(args, manifest)
    if result.exception is not None:
        raise DbtBuildError(f"dbt could not run: {result.exception}") from result.exception
    summary = _summarise(result, log)
    summary.rebuild = decision.describe()
    if summary.failures or not result.success:
        details = "\n  ".join(summary.failures) or "dbt reported failure without a failed node; see dbt logs"
        raise DbtBuildError(f"dbt build failed:\n  {details}\nLogs: {log_file(project)}")
    if target.duckdb_file is not None:
        rebuild_window.record(target.duckdb_file, decision)
    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, target.marts_schema)} tables of {target.marts_schema}")
    return summary
