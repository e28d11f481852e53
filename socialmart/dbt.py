"""Run `dbt build` in-process against a build target (DuckDB file or PostgreSQL), logging each model and failing
with its name."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date

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
    from dbt.cli.main import dbtRunner

    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, RAW_SCHEMAS)} raw tables for the query planner")
    os.environ.update(target.dbt_env())
    project = settings.dbt_project_dir
    args = [
        "build",
        "--target",
        target.dbt_target,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--vars",
        json.dumps(settings.dbt_vars(run_date)),
        "--quiet",
    ]
    result = dbtRunner().invoke(args)
    if result.exception is not None:
        raise DbtBuildError(f"dbt could not run: {result.exception}") from result.exception
    summary = _summarise(result, log)
    if summary.failures or not result.success:
        details = "\n  ".join(summary.failures) or "dbt reported failure without a failed node; see dbt logs"
        raise DbtBuildError(f"dbt build failed:\n  {details}\nLogs: {project / 'logs' / 'dbt.log'}")
    if target.postgres:
        log(f"analyzed {analyze_tables(target.postgres, target.marts_schema)} tables of {target.marts_schema}")
    return summary
