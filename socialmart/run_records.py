"""The run records BI tools trend: `ops.pipeline_runs` (one row per nightly run) and `ops.dq_results` (one row per
quality check per run), stored for every run, good or failed.

A good run writes its rows into its build before publishing, so they arrive together with the marts they describe.
A failed DuckDB run must leave the published marts as they were, so publish_failed_run publishes a copy of the
previous published file with only the run's rows appended (the same atomic replace as a good run). The tables are
created explicitly with typed columns through SQLAlchemy Core, so the same code writes to a PostgreSQL target.
Column meanings: docs/publishing.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.schema import CreateSchema

from expectations.results import CheckResult
from socialmart import warehouse
from socialmart.warehouse import BuildTarget

SCHEMA = "ops"
RunStatus = Literal["success", "failed"]

metadata = sa.MetaData(schema=SCHEMA)

pipeline_runs = sa.Table(
    "pipeline_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("run_date", sa.Date, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("failed_step", sa.String(32)),
    sa.Column("error_message", sa.Text),
    sa.Column("is_sandbox", sa.Boolean, nullable=False),
    sa.Column("sources_loaded", sa.Integer, nullable=False),
    sa.Column("sources_failed", sa.Integer, nullable=False),
    sa.Column("failed_sources", sa.Text),
    sa.Column("rows_loaded", sa.BigInteger, nullable=False),
    sa.Column("dbt_models", sa.Integer),
    sa.Column("dbt_tests_passed", sa.Integer),
    sa.Column("dbt_tests_warned", sa.Integer),
    sa.Column("gate_checks", sa.Integer),
    sa.Column("gate_errors", sa.Integer),
    sa.Column("gate_warnings", sa.Integer),
    sa.Column("is_published", sa.Boolean, nullable=False),
    sa.Column("load_seconds", sa.Double),
    sa.Column("dbt_seconds", sa.Double),
    sa.Column("gate_seconds", sa.Double),
    sa.Column("parquet_seconds", sa.Double),
    sa.Column("total_seconds", sa.Double, nullable=False),
)

dq_results = sa.Table(
    "dq_results",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("run_date", sa.Date, nullable=False),
    sa.Column("suite", sa.String(255), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("evaluated", sa.Boolean, nullable=False),
    sa.Column("table_name", sa.String(255), nullable=False),
    sa.Column("column_name", sa.String(255)),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("observed_value", sa.Text),
    sa.Column("samples", sa.Text),
    sa.Column("message", sa.Text),
)


@dataclass(frozen=True)
class PipelineRun:
    """One row of `ops.pipeline_runs`: what a run did, as far as it got. Seconds are None for a stage not run;
    counts of a step not run (dbt, gate) are None."""

    run_id: str
    run_date: date
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    failed_step: str | None
    error_message: str | None
    is_sandbox: bool
    sources_loaded: int
    sources_failed: int
    failed_sources: str | None
    rows_loaded: int
    dbt_models: int | None
    dbt_tests_passed: int | None
    dbt_tests_warned: int | None
    gate_checks: int | None
    gate_errors: int | None
    gate_warnings: int | None
    is_published: bool
    load_seconds: float | None
    dbt_seconds: float | None
    gate_seconds: float | None
    parquet_seconds: float | None
    total_seconds: float


def _engine(target: BuildTarget) -> sa.Engine:
    """A SQLAlchemy engine on the target (the password travels inside the URL object, never as text)."""
    if target.postgres is not None:
        pg = target.postgres
        url = sa.URL.create(
            "postgresql+psycopg2",
            username=pg.user,
            password=pg.password or None,
            host=pg.host,
            port=pg.port,
            database=pg.dbname,
        )
        return sa.create_engine(url)
    return sa.create_engine(sa.URL.create("duckdb", database=str(target.duckdb_file)))


def _check_rows(run: PipelineRun, checks: Sequence[CheckResult]) -> list[dict]:
    return [{**check.to_record(), "run_id": run.run_id, "run_date": run.run_date} for check in checks]


def write_run_records(target: BuildTarget, run: PipelineRun, checks: Sequence[CheckResult]) -> None:
    """Insert the run's row and one row per check into the target's `ops` tables, creating them if absent.

    One transaction: either both tables get the run's rows or neither does.
    """
    with _transaction(target) as con:
        con.execute(CreateSchema(SCHEMA, if_not_exists=True))
        metadata.create_all(con)
        con.execute(pipeline_runs.insert(), [asdict(run)])
        if checks:
            con.execute(dq_results.insert(), _check_rows(run, checks))


def publish_failed_run(published: Path, build_dir: Path, run: PipelineRun, checks: Sequence[CheckResult]) -> None:
    """Record a failed DuckDB run: publish a copy of the published warehouse with only the run's rows appended.

    Everything else in the file (marts, raw data, load state) stays as the last good run left it. With no published
    warehouse yet, the published file starts with only the `ops` tables.
    """
    with _published_copy(published, build_dir) as copy:
        write_run_records(copy, run, checks)


def record_failed_reports(where: Path | BuildTarget, build_dir: Path, run_id: str, message: str) -> None:
    """Mark published run `run_id` failed at step `report` with `message` (reports are built after publishing, so
    its row was written as a success). `where` is the published DuckDB file, updated through a copy and the same
    atomic replace as a publish, or a PostgreSQL target, whose `ops` schema is updated in place."""
    change = (
        pipeline_runs.update()
        .where(pipeline_runs.c.run_id == run_id, pipeline_runs.c.status == "success")  # a failed load stays first
        .values(status="failed", failed_step="report", error_message=message)
    )
    if isinstance(where, BuildTarget):
        with _transaction(where) as con:
            con.execute(change)
        return
    with _published_copy(where, build_dir) as copy, _transaction(copy) as con:
        con.execute(change)


@contextmanager
def _transaction(target: BuildTarget) -> Iterator[sa.Connection]:
    """One transaction on the target, its engine disposed afterwards."""
    engine = _engine(target)
    try:
        with engine.begin() as con:
            yield con
    finally:
        engine.dispose()


@contextmanager
def _published_copy(published: Path, build_dir: Path) -> Iterator[BuildTarget]:
    """A copy of the published DuckDB warehouse to change; published by the same atomic replace as a run when the
    block ends without an error, discarded otherwise."""
    build = warehouse.start_build(published, build_dir)
    try:
        yield BuildTarget(duckdb_file=build)
        warehouse.publish(build, published)
    finally:
        warehouse.discard(build)
