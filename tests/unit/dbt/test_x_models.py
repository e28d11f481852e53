"""X through dbt: staging, int_x__organic_daily (followers from snapshots) and channel `x` in fct_channel_daily.

A small warehouse with only raw_x (every other source builds empty). Run date 2025-03-06, reporting timezone
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
create schema raw_x;
create table raw_x.tweets (
    user_id varchar, id varchar, text varchar, created_at timestamptz, impression_count bigint, like_count bigint,
    reply_count bigint, retweet_count bigint, quote_count bigint, bookmark_count bigint,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_x.tweets values
    ('15', '1', 'a', '2025-03-01 15:00:00+00', 1000, 20, 2, 3, 1, 4, 'l', 't1'),
    ('15', '2', 'b', '2025-03-02 03:00:00+00', 500, 10, 1, 0, 0, 1, 'l', 't2'),
    ('15', '3', 'c', '2025-03-02 15:00:00+00', 800, 8, 0, 1, 0, 0, 'l', 't3');
create table raw_x.users (
    user_id varchar, username varchar, name varchar, followers_count bigint, following_count bigint,
    tweet_count bigint, listed_count bigint, snapshot_date date, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_x.users values
    ('15', 'nw', 'Northwind', 10000, 1, 3, 0, '2025-03-02', 'l', 'u1'),
    ('15', 'nw', 'Northwind', 10012, 1, 3, 0, '2025-03-03', 'l', 'u2'),
    ('15', 'nw', 'Northwind', 10030, 1, 3, 0, '2025-03-05', 'l', 'u3');
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
    work_dir = tmp_path_factory.mktemp("dbt_x")
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


def test_x_organic_daily_conforms_posts_and_snapshot_followers(warehouse: Path) -> None:
    schema = _schema(warehouse, "int_organic_daily_unioned")
    rows = _query(
        warehouse,
        "select date_day, posts_published, organic_impressions, engagements, engagement_denominator, "
        "posts_without_reach, followers_total, followers_gained "
        f"from {schema}.int_organic_daily_unioned where platform = 'x' and channel = 'x' order by date_day",
    )
    assert rows == [
        (date(2025, 3, 1), 2, 1500, 42, 1500, 2, 10000, None),  # 03-02 03:00Z is 03-01 22:00 in New York
        (date(2025, 3, 2), 1, 800, 9, 800, 1, 10012, 12),
        (date(2025, 3, 4), 0, 0, 0, 0, 0, 10030, None),  # no snapshot of 03-04 (run skipped): gain unknown
    ]


def test_channel_x_reaches_fct_channel_daily(warehouse: Path) -> None:
    schema = _schema(warehouse, "fct_channel_daily")
    [(impressions,)] = _query(
        warehouse, f"select sum(organic_impressions) from {schema}.fct_channel_daily where channel = 'x'"
    )
    assert impressions == 2300
    [(name, kind)] = _query(
        warehouse,
        f"select channel_name, channel_type from {_schema(warehouse, 'dim_channels')}.dim_channels where channel = 'x'",
    )
    assert (name, kind) == ("X (organic)", "organic")
