"""Pinterest through dbt: staging, int_pinterest__organic_daily and channel `pinterest` in fct_channel_daily.

A small warehouse with only raw_pinterest (every other source builds empty). Run date 2025-03-06, reporting timezone
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


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_pinterest")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(path, work_dir, ["+fct_channel_daily", "+dim_channels"], RUN_DATE, dbt_harness.WITH_WARN)
    return path


def test_pinterest_organic_daily_conforms_pins_analytics_and_followers(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_organic_daily_unioned")
    rows = dbt_harness.query(
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


def test_channel_pinterest_reaches_fct_channel_daily(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "fct_channel_daily")
    [(posts, impressions, engagements)] = dbt_harness.query(
        warehouse,
        "select sum(posts_published), sum(organic_impressions), sum(engagements) "
        f"from {schema}.fct_channel_daily where channel = 'pinterest'",
    )
    assert (posts, impressions, engagements) == (2, 5000, 165)
