"""X through dbt: staging, int_x__organic_daily (followers from snapshots) and channel `x` in fct_channel_daily.

A small warehouse with only raw_x (every other source builds empty). Run date 2025-03-06, reporting timezone
America/New_York.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_x")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(path, work_dir, ["+fct_channel_daily", "+dim_channels"], RUN_DATE, dbt_harness.WITH_WARN)
    return path


def test_x_organic_daily_conforms_posts_and_snapshot_followers(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_organic_daily_unioned")
    rows = dbt_harness.query(
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


def test_channel_x_reaches_fct_channel_daily(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "fct_channel_daily")
    [(impressions,)] = dbt_harness.query(
        warehouse, f"select sum(organic_impressions) from {schema}.fct_channel_daily where channel = 'x'"
    )
    assert impressions == 2300
    dim_schema = dbt_harness.schema_of(warehouse, "dim_channels")
    [(name, kind)] = dbt_harness.query(
        warehouse, f"select channel_name, channel_type from {dim_schema}.dim_channels where channel = 'x'"
    )
    assert (name, kind) == ("X", "social")
