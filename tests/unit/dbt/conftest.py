"""Shared scaffolding of the dbt tests: build a small raw warehouse, run dbt in-process, query the result.

conftest is not importable with importlib mode, so the helpers reach the tests through the `dbt_harness` fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
WAREHOUSE_NAME = "socialmart.duckdb"


def run_dbt(args: list[str], warehouse: Path, work_dir: Path, monkeypatch: pytest.MonkeyPatch, run_date: str) -> Any:
    """Invokes dbt in-process with the project's profiles.yml pointed at `warehouse`."""
    from socialmart.dbt import invoke_dbt

    monkeypatch.setenv("SOCIALMART_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return invoke_dbt(
        [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--vars",
            json.dumps({"run_date": run_date}),
        ]
    )


def failures(result: Any, ok: Iterable[str] = ("success", "pass", "no-op")) -> list[str]:
    """`unique_id: status message` of every node whose status is not in `ok` (exposures build as no-op)."""
    ok = tuple(ok)
    return [f"{r.node.unique_id}: {r.status} {r.message}" for r in (result.result or []) if str(r.status) not in ok]


def build_selected(
    warehouse: Path, work_dir: Path, select: list[str], run_date: str, ok: Iterable[str] = ("success", "pass")
) -> None:
    """`dbt build --select <select> --indirect-selection cautious`, asserting every node ends in `ok`.

    Cautious: no test that also reads an unselected model.
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_dbt(
            ["build", "--select", *select, "--indirect-selection", "cautious"],
            warehouse,
            work_dir,
            monkeypatch,
            run_date,
        )
    failed = failures(result, ok)
    assert result.success and not failed, "\n".join(failed)


def sql_warehouse(work_dir: Path, raw_sql: str) -> Path:
    """A DuckDB file in `work_dir` created by running `raw_sql`."""
    path = work_dir / WAREHOUSE_NAME
    with duckdb.connect(str(path)) as con:
        con.execute(raw_sql)
    return path


def load_sources(warehouse: Path, work_dir: Path, sources: Mapping[str, Any]) -> None:
    """Runs each dlt source into its dataset (raw_<source>) of `warehouse`, one pipelines dir per dataset."""
    import dlt

    for dataset, source in sources.items():
        pipeline = dlt.pipeline(
            pipeline_name=f"test_{dataset}",
            destination=dlt.destinations.duckdb(str(warehouse)),
            dataset_name=dataset,
            pipelines_dir=str(work_dir / "pipelines" / dataset),
        )
        pipeline.run(source)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the warehouse (opened read-only)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def schema_of(path: Path, table: str) -> str:
    """The schema dbt built `table` in."""
    [(schema,)] = query(path, f"select table_schema from information_schema.tables where table_name = '{table}'")
    return schema


@pytest.fixture(scope="session")
def dbt_harness() -> Any:
    """The module-level helpers above, for tests."""

    class _Harness:
        PROJECT_DIR = PROJECT_DIR
        WAREHOUSE_NAME = WAREHOUSE_NAME
        WITH_WARN = ("success", "pass", "warn")
        run_dbt = staticmethod(run_dbt)
        failures = staticmethod(failures)
        build_selected = staticmethod(build_selected)
        sql_warehouse = staticmethod(sql_warehouse)
        load_sources = staticmethod(load_sources)
        query = staticmethod(query)
        schema_of = staticmethod(schema_of)

    return _Harness()
