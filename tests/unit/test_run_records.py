"""ops.pipeline_runs and ops.dq_results: typed tables, one row per run and per check, and a failed run recorded in
the published DuckDB warehouse without touching its marts. The same writer runs on PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from expectations.results import CheckResult
from socialmart import run_records
from socialmart.warehouse import BuildTarget

STARTED = datetime(2026, 11, 11, 6, 0, 0, tzinfo=UTC)
FINISHED = datetime(2026, 11, 11, 6, 1, 30, 500000, tzinfo=UTC)

GOOD_RUN = run_records.PipelineRun(
    run_id="20261111-060000-abc123",
    run_date=date(2026, 11, 11),
    started_at=STARTED,
    finished_at=FINISHED,
    status="success",
    failed_step=None,
    error_message=None,
    is_sandbox=True,
    sources_loaded=18,
    sources_failed=0,
    failed_sources=None,
    rows_loaded=4_566_000_123,
    dbt_models=97,
    dbt_tests_passed=412,
    dbt_tests_warned=1,
    gate_checks=2,
    gate_errors=0,
    gate_warnings=1,
    is_published=True,
    load_seconds=13.4,
    dbt_seconds=19.25,
    gate_seconds=1.4,
    parquet_seconds=0.3,
    total_seconds=90.5,
)
FAILED_RUN = replace(
    GOOD_RUN,
    run_id="20261112-060000-def456",
    run_date=date(2026, 11, 12),
    status="failed",
    failed_step="dbt",
    error_message="dbt build failed: model fct_channel_daily",
    dbt_models=None,
    dbt_tests_passed=None,
    dbt_tests_warned=None,
    gate_checks=None,
    gate_errors=None,
    gate_warnings=None,
    is_published=False,
    gate_seconds=None,
    parquet_seconds=None,
)
CHECKS = [
    CheckResult(
        name="spend_non_negative.raw_meta_ads.ad_insights",
        suite="raw.meta_ads_ad_insights",
        severity="error",
        success=True,
        table="raw_meta_ads.ad_insights",
        column="spend",
        rule="spend >= 0",
        observed_value=0,
        message="no negative spend",
    ),
    CheckResult(
        name="naming_compliance.marts.dim_campaigns",
        suite="marts.dim_campaigns",
        severity="warning",
        success=False,
        table="marts.dim_campaigns",
        column="campaign_name",
        rule="campaign names follow the convention",
        observed_value=Decimal("0.25"),
        samples=[{"campaign_id": "c1", "campaign_name": "spring sale"}],
        message="25% of campaigns do not follow the naming convention",
    ),
]

DUCKDB_TYPES = {
    "pipeline_runs": {
        "run_id": "VARCHAR",
        "run_date": "DATE",
        "started_at": "TIMESTAMP WITH TIME ZONE",
        "finished_at": "TIMESTAMP WITH TIME ZONE",
        "status": "VARCHAR",
        "failed_step": "VARCHAR",
        "error_message": "VARCHAR",
        "is_sandbox": "BOOLEAN",
        "sources_loaded": "INTEGER",
        "sources_failed": "INTEGER",
        "failed_sources": "VARCHAR",
        "rows_loaded": "BIGINT",
        "dbt_models": "INTEGER",
        "dbt_tests_passed": "INTEGER",
        "dbt_tests_warned": "INTEGER",
        "gate_checks": "INTEGER",
        "gate_errors": "INTEGER",
        "gate_warnings": "INTEGER",
        "is_published": "BOOLEAN",
        "load_seconds": "DOUBLE",
        "dbt_seconds": "DOUBLE",
        "gate_seconds": "DOUBLE",
        "parquet_seconds": "DOUBLE",
        "total_seconds": "DOUBLE",
    },
    "dq_results": {
        "run_id": "VARCHAR",
        "name": "VARCHAR",
        "run_date": "DATE",
        "suite": "VARCHAR",
        "severity": "VARCHAR",
        "success": "BOOLEAN",
        "evaluated": "BOOLEAN",
        "table_name": "VARCHAR",
        "column_name": "VARCHAR",
        "rule": "VARCHAR",
        "observed_value": "VARCHAR",
        "samples": "VARCHAR",
        "message": "VARCHAR",
    },
}


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("set timezone = 'UTC'")
        return con.execute(sql, params or []).fetchall()


def _make_published(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_spend as select 12.34::decimal(18, 2) as spend")
        con.execute("create view marts.v_spend as select spend * 2 as double_spend from marts.fct_spend")


def test_tables_are_created_with_typed_columns_and_hold_the_runs_rows(tmp_path: Path) -> None:
    db = tmp_path / "build.duckdb"
    run_records.write_run_records(BuildTarget(duckdb_file=db), GOOD_RUN, CHECKS)

    types = _rows(
        db,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'ops' order by table_name, ordinal_position",
    )
    by_table: dict[str, dict[str, str]] = {}
    for table, column, data_type in types:
        by_table.setdefault(table, {})[column] = data_type
    assert by_table == DUCKDB_TYPES
    assert list(by_table["pipeline_runs"]) == list(DUCKDB_TYPES["pipeline_runs"])

    [run] = _rows(db, "select * from ops.pipeline_runs")
    assert dict(zip(DUCKDB_TYPES["pipeline_runs"], run, strict=True)) == {
        **asdict(GOOD_RUN),
        "started_at": STARTED,
        "finished_at": FINISHED,
    }
    checks = _rows(
        db,
        "select run_id, run_date, name, severity, success, evaluated, table_name, column_name, observed_value, "
        "samples, message from ops.dq_results order by name",
    )
    assert checks == [
        (
            GOOD_RUN.run_id,
            date(2026, 11, 11),
            "naming_compliance.marts.dim_campaigns",
            "warning",
            False,
            True,
            "marts.dim_campaigns",
            "campaign_name",
            json.dumps("0.25"),
            json.dumps([{"campaign_id": "c1", "campaign_name": "spring sale"}]),
            "25% of campaigns do not follow the naming convention",
        ),
        (
            GOOD_RUN.run_id,
            date(2026, 11, 11),
            "spend_non_negative.raw_meta_ads.ad_insights",
            "error",
            True,
            True,
            "raw_meta_ads.ad_insights",
            "spend",
            "0",
            "[]",
            "no negative spend",
        ),
    ]


def test_each_run_appends_its_rows(tmp_path: Path) -> None:
    target = BuildTarget(duckdb_file=tmp_path / "build.duckdb")
    run_records.write_run_records(target, GOOD_RUN, CHECKS)
    run_records.write_run_records(target, FAILED_RUN, [])
    rows = _rows(
        target.duckdb_file, "select run_id, status, failed_step, is_published from ops.pipeline_runs order by 1"
    )
    assert rows == [(GOOD_RUN.run_id, "success", None, True), (FAILED_RUN.run_id, "failed", "dbt", False)]
    assert _rows(target.duckdb_file, "select run_id, count(*) from ops.dq_results group by 1") == [(GOOD_RUN.run_id, 2)]


def test_a_run_recorded_twice_is_refused_and_leaves_no_partial_rows(tmp_path: Path) -> None:
    target = BuildTarget(duckdb_file=tmp_path / "build.duckdb")
    run_records.write_run_records(target, GOOD_RUN, CHECKS)
    with pytest.raises(sa.exc.IntegrityError, match=f'Duplicate key "run_id: {GOOD_RUN.run_id}"'):
        run_records.write_run_records(target, replace(GOOD_RUN, status="failed"), CHECKS[:1])
    assert _rows(target.duckdb_file, "select status from ops.pipeline_runs") == [("success",)]
    assert _rows(target.duckdb_file, "select count(*) from ops.dq_results") == [(2,)]


def test_failed_run_is_appended_to_the_published_file_and_the_marts_stay(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    _make_published(published)
    run_records.write_run_records(BuildTarget(duckdb_file=published), GOOD_RUN, CHECKS)
    reader = duckdb.connect(str(published), read_only=True)  # a BI reader holding the file across the swap

    run_records.publish_failed_run(published, tmp_path / ".build", FAILED_RUN, CHECKS[1:])

    assert reader.execute("select count(*) from ops.pipeline_runs").fetchone() == (1,)
    reader.close()
    assert _rows(published, "select run_id, status from ops.pipeline_runs order by run_id") == [
        (GOOD_RUN.run_id, "success"),
        (FAILED_RUN.run_id, "failed"),
    ]
    assert _rows(published, "select name from ops.dq_results where run_id = ?", [FAILED_RUN.run_id]) == [
        ("naming_compliance.marts.dim_campaigns",)
    ]
    assert _rows(published, "select spend from marts.fct_spend") == [(Decimal("12.34"),)]
    assert _rows(published, "select double_spend from marts.v_spend") == [(Decimal("24.68"),)]
    assert list((tmp_path / ".build").iterdir()) == []


def test_failed_first_run_starts_a_warehouse_holding_only_its_record(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    run_records.publish_failed_run(published, tmp_path / ".build", FAILED_RUN, [])
    assert _rows(published, "select run_id, failed_step from ops.pipeline_runs") == [(FAILED_RUN.run_id, "dbt")]
    assert _rows(published, "select distinct table_schema from information_schema.tables") == [("ops",)]


REPORTS_FAILED = "Published, but these reports could not be built:\n  pacing report: PDF failed"


def test_failed_reports_turn_the_published_runs_row_into_a_failed_report_step(tmp_path: Path) -> None:
    published = tmp_path / "socialmart.duckdb"
    _make_published(published)
    run_records.write_run_records(BuildTarget(duckdb_file=published), GOOD_RUN, CHECKS)
    run_records.write_run_records(BuildTarget(duckdb_file=published), FAILED_RUN, [])
    reader = duckdb.connect(str(published), read_only=True)  # a BI reader holding the file across the swap

    run_records.record_failed_reports(published, tmp_path / ".build", GOOD_RUN.run_id, REPORTS_FAILED)
    run_records.record_failed_reports(published, tmp_path / ".build", FAILED_RUN.run_id, REPORTS_FAILED)

    assert reader.execute("select status from ops.pipeline_runs order by run_id").fetchall() == [
        ("success",),
        ("failed",),
    ]
    reader.close()
    assert _rows(
        published,
        "select run_id, status, failed_step, error_message, is_published from ops.pipeline_runs order by run_id",
    ) == [
        (GOOD_RUN.run_id, "failed", "report", REPORTS_FAILED, True),
        (FAILED_RUN.run_id, "failed", "dbt", FAILED_RUN.error_message, False),  # its own failure stays first
    ]
    assert _rows(published, "select count(*) from ops.dq_results") == [(2,)]
    assert _rows(published, "select spend from marts.fct_spend") == [(Decimal("12.34"),)]
    assert list((tmp_path / ".build").iterdir()) == []


@pytest.mark.postgres
def test_failed_reports_are_recorded_in_place_on_postgresql(postgres_server) -> None:
    from postgres_support import query

    with postgres_server.database("run_records_reports") as database:
        target = BuildTarget(postgres=database)
        run_records.write_run_records(target, GOOD_RUN, CHECKS)
        run_records.record_failed_reports(target, Path("/nonexistent"), GOOD_RUN.run_id, REPORTS_FAILED)
        assert query(database, "select status, failed_step, error_message from ops.pipeline_runs") == [
            ("failed", "report", REPORTS_FAILED)
        ]


@pytest.mark.postgres
def test_the_same_writer_creates_and_fills_the_tables_on_postgresql(postgres_server) -> None:
    from postgres_support import query

    with postgres_server.database("run_records") as database:
        target = BuildTarget(postgres=database)
        run_records.write_run_records(target, GOOD_RUN, CHECKS)
        run_records.write_run_records(target, FAILED_RUN, [])
        types = query(
            database,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'ops' and table_name = 'pipeline_runs' order by ordinal_position",
        )
        assert dict(types) == {
            column: {
                "VARCHAR": "character varying",
                "DATE": "date",
                "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
                "BOOLEAN": "boolean",
                "INTEGER": "integer",
                "BIGINT": "bigint",
                "DOUBLE": "double precision",
            }[duck]
            for column, duck in DUCKDB_TYPES["pipeline_runs"].items()
            if column not in ("error_message", "failed_sources")
        } | {"error_message": "text", "failed_sources": "text"}
        rows = query(database, "select run_id, status, started_at, rows_loaded from ops.pipeline_runs order by run_id")
        assert rows == [
            (GOOD_RUN.run_id, "success", STARTED, 4_566_000_123),
            (FAILED_RUN.run_id, "failed", STARTED, 4_566_000_123),
        ]
        assert query(database, "select count(*), count(*) filter (where not success) from ops.dq_results") == [(2, 1)]
