"""The nightly's dbt step for the incremental-model tests: run_dbt_build (the rebuild decision included) on a small
DuckDB warehouse, and the copy of a warehouse whose next build is a full refresh, to compare a night with."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb

from socialmart import rebuild_window
from socialmart.dbt import run_dbt_build
from socialmart.warehouse import BuildTarget

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def nightly_build(warehouse: Path, run_date: date, select: list[str], dbt_vars: dict[str, Any]) -> str:
    """run_dbt_build of `select` into `warehouse`; returns what it said about the incremental models."""
    settings = SimpleNamespace(dbt_project_dir=PROJECT_DIR, dbt_vars=lambda: dict(dbt_vars))
    result = run_dbt_build(settings, BuildTarget(duckdb_file=warehouse), run_date, log=lambda _: None, select=select)
    return result.rebuild


def stateless_copy(warehouse: Path, work: Path, drop_tables: Sequence[str] = ()) -> Path:
    """A copy of `warehouse` in `work/reference` (same file name: DuckDB views record it) without its rebuild state,
    and without `drop_tables` (schema.table), so that its next build is a full refresh."""
    reference = work / "reference" / warehouse.name
    if reference.parent.exists():
        shutil.rmtree(reference.parent)
    reference.parent.mkdir()
    shutil.copyfile(warehouse, reference)
    with duckdb.connect(str(reference)) as con:
        con.execute(f"drop schema if exists {rebuild_window.STATE_SCHEMA} cascade")
        for table in drop_tables:
            con.execute(f"drop table if exists {table}")
    return reference
