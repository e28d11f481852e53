"""Pinterest through dbt: staging, int_pinterest__organic_daily and channel `pinterest` in fct_channel_daily.

A small warehouse with only raw_pinterest (every other source builds empty). Run date 2025-03-06, reporting timezone
America/New_York.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
RUN_DATE = "2025-03-06"

# fmt: off
RAW_SQL = """
create schema raw_pinterest;
create table raw_pinterest.pins (
    account_id varchar, id varchar, created_at timestamptz, title varchar, description varchar, link varchar,
    board_id varchar, media_type varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_pinterest.pins values
    ('7', '1', '2025-03-01 15:00:00+00', 't', 'd', null, 'b', 'image', 'l', 'p1'),
    ('7', '2', '2025-03-02 03:00:00+00', 't', 'd', null, 'b', 'image', 'l', 'p2');
create table raw_pinterest.account_analytics_daily (
    account_id varchar, "date" date, data_status varchar, impression bigint, save bigint, pin_click bigint,
    outbound_click bigint, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_pinterest.account_analytics_daily values
    ('7', '2025-03-01', 'READY', 3000, 30, 60, 10, 'l', 'a1'),
    ('7', '2025-03-02', 'ESTIMATE', 2000, 20, 40, 5, 'l', 'a2');
create table raw_pinterest.user_accounts (
    account_id varchar, username varchar, account_type varchar, follower_count bigint, following_count bigint,
    pin_count bigint, snapshot_date date, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_pinterest.user_accounts values
    ('7', 'nw', 'BUSINESS', 3000, 1, 2, '2025-03-02', 'l', 'u1'),
    ('7', 'nw', 'BUSINESS', 3007, 1, 2, '2025-03-03', 'l', 'u2');
"""
# fmt: on


def _run_dbt(args: list[str], warehouse: Path, work_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("SOCIALMART_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dbtRunner().invoke(
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
            json.dumps({"run_date": RUN_DATE}),
        ]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work_dir = tmp_path_factory.mktemp("dbt_pinterest")
    path = work_dir / "socialmart.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(RAW_SQL)
    selector = ["build", "--select", "+fct_channel_daily", "+dim_channels", "--indirect-selection", "cautious"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = _run_dbt(selector, path, work_dir, monkeypatch)
    failures = [
        f"{r.node.unique_id}: {r.status} {r.message}"
        for r in (result.result or [])
        if str(r.status) not in ("success", "pass", "warn")
    ]
    assert result.success and not failures, "\n".join(failures)
    yield path


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _schema(path: Path, table: str) -> str:
    [(schema,)] = _query(path, f"select table_schema from information_schema.tables where table_name = '{table}'")
    return schema


def test_pinterest_organic_daily_conforms_pins_analytics_and_followers(warehouse: Path) -> None:
    schema = _schema(warehouse, "int_organic_daily_unioned")
    rows = _query(
        warehouse,
        "select date_day, posts_published, organic_impressions, engagements, engagement_denominator, "
        "posts_without_reach, followers_total, followers_gained "
        f"from {schema}.int_organic_daily_unioned where platform = 'pinterest' and channel = 'pinterest' "
        "order by date_day",
    )
    assert rows == [
        (date(2025, 3, 1), 2, 3000, 100, 3000, 2, 3000, None),  # 03-02 03:00Z is 03-01 22:00 in New York
        (date(2025, 3, 2), 0, 2000, 65, 2000, 0, 3007, 7),
    ]


def test_channel_pinterest_reaches_fct_channel_daily(warehouse: Path) -> None:
    schema = _schema(warehouse, "fct_channel_daily")
    [(posts, impressions, engagements)] = _query(
        warehouse,
        "select sum(posts_published), sum(organic_impressions), sum(engagements) "
        f"from {schema}.fct_channel_daily where channel = 'pinterest'",
    )
    assert (posts, impressions, engagements) == (2, 5000, 165)
