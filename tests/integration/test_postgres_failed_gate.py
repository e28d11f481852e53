"""A nightly run on PostgreSQL whose gate fails leaves the published marts exactly as they were.

A full run on PostgreSQL takes minutes, so this run loads no source (only the business inputs) and its dbt step
is replaced by one that builds a small, bad marts__build (negative spend) in a hand-made database. Everything
else is the real flow: the leftover cleanup, the gate on the build schema, and the decision not to publish.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import psycopg2
import pytest
from postgres_support import LogLines, PostgresServer, query

from flows import nightly as nightly_module
from flows.nightly import PipelineError
from socialmart.config import PostgresConnection, Settings
from socialmart.warehouse import BuildTarget

pytestmark = pytest.mark.postgres

PASSWORD = "failed-gate-password-never-shown-3e9a"
RUN_DATE = date(2026, 11, 10)
AD_PERFORMANCE = """
create table {schema}.fct_ad_performance_daily as
select date '2026-11-09' as date_day, 'meta' as platform, '1001' as account_id, ad_id, 'USD' as currency_code,
       cast(spend as numeric(18, 2)) as spend, cast(spend as numeric(18, 2)) as spend_local,
       cast(1000 as bigint) as impressions, cast(10 as bigint) as clicks
from (values ('ad1', {spend}), ('ad2', 12.50)) as ads(ad_id, spend)
"""
PUBLISHED_SQL = "create schema marts;" + AD_PERFORMANCE.format(schema="marts", spend="20.00")
# What a crashed earlier run left: the cleanup before dbt must drop it.
LEFTOVER_SQL = "create schema marts__build; create table marts__build.stale as select 1 as x"


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[PostgresConnection]:
    """A database with published marts and a leftover build, connected to with PASSWORD."""
    with postgres_server.database("failed_gate") as created:
        database = replace(created, password=PASSWORD)
        execute(database, PUBLISHED_SQL + ";" + LEFTOVER_SQL)
        yield database


def execute(database: PostgresConnection, statements: str) -> None:
    with closing(psycopg2.connect(database.dsn)) as con, con, con.cursor() as cur:
        cur.execute(statements)


def build_bad_marts(settings: Settings, target: BuildTarget, run_date: date) -> dict[str, int]:
    """Stands in for dbt: builds the marts with a negative spend into the run's build schema."""
    assert target.marts_schema == "marts__build"
    tables = query(
        target.postgres, "select count(*) from information_schema.tables where table_schema = 'marts__build'"
    )
    assert tables == [(0,)], "the leftover build must be gone before dbt runs"
    execute(
        target.postgres, "create schema marts__build;" + AD_PERFORMANCE.format(schema="marts__build", spend="-7.25")
    )
    return {"models": 1, "tests_passed": 0, "tests_warned": 0}


def published_rows(database: PostgresConnection, schema: str = "marts") -> list[tuple]:
    return query(database, f"select * from {schema}.fct_ad_performance_daily order by ad_id")


def test_a_failed_gate_keeps_the_published_marts_and_the_build_for_inspection(
    prefect_harness: None,
    database: PostgresConnection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = published_rows(database)
    monkeypatch.setenv("SOCIALMART__WAREHOUSE", "postgres")
    monkeypatch.setenv("SOCIALMART__POSTGRES_DSN", database.dsn)
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setattr(nightly_module, "transform", build_bad_marts)
    log = LogLines()
    logging.getLogger().addHandler(log)
    try:
        with pytest.raises(PipelineError, match="quality gate failed, so nothing was published") as failure:
            nightly_module.nightly(run_date=RUN_DATE, sandbox=True, sources=())
    finally:
        logging.getLogger().removeHandler(log)

    message = str(failure.value)
    assert "[ERROR] spend_non_negative.marts.fct_ad_performance_daily FAILED" in message
    assert "The rejected marts are in schema marts__build." in message
    assert published_rows(database) == before and before[0][5] > 0
    assert [row[5] for row in published_rows(database, "marts__build")] == [-7.25, 12.5]
    schemas = query(database, "select nspname from pg_namespace where nspname like 'marts%' order by nspname")
    assert schemas == [("marts",), ("marts__build",)]
    assert not (tmp_path / "reports").exists()
    assert PASSWORD not in message and PASSWORD not in "\n".join(log.lines)
