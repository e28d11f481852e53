"""LinkedIn Pages through dbt: staging, int_linkedin_pages__organic_daily and channel `linkedin` in fct_channel_daily.

A small warehouse with only raw_linkedin_pages (every other source builds empty). Run date 2025-03-06, reporting
timezone America/New_York.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

RUN_DATE = "2025-03-06"

# fmt: off
RAW_SQL = """
create schema raw_linkedin_pages;
create table raw_linkedin_pages.posts (
    organization_id varchar, id varchar, commentary varchar, lifecycle_state varchar, visibility varchar,
    published_at timestamptz, last_modified_at timestamptz, impression_count bigint, unique_impressions_count bigint,
    click_count bigint, like_count bigint, comment_count bigint, share_count bigint, engagement double,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_pages.posts values
    ('9', 'urn:li:share:1', 'a', 'PUBLISHED', 'PUBLIC', '2025-03-01 15:00:00+00', null, 1000, 700, 10, 20, 3, 2, 0.035,
     'l', 'p1'),
    ('9', 'urn:li:share:2', 'b', 'PUBLISHED', 'PUBLIC', '2025-03-02 03:00:00+00', null, 500, null, 5, 6, 1, 0, 0.024,
     'l', 'p2');
create table raw_linkedin_pages.share_statistics_daily (
    organization_id varchar, "date" date, impression_count bigint, unique_impressions_count bigint,
    click_count bigint, like_count bigint, comment_count bigint, share_count bigint, engagement double,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_pages.share_statistics_daily values
    ('9', '2025-03-01', 900, 600, 9, 18, 3, 2, 0.035, 'l', 's1');
create table raw_linkedin_pages.follower_statistics_daily (
    organization_id varchar, "date" date, organic_follower_gain bigint, paid_follower_gain bigint,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_pages.follower_statistics_daily values
    ('9', '2025-03-01', 2, 1, 'l', 'f1'), ('9', '2025-03-02', 2, 0, 'l', 'f2'),
    ('9', '2025-03-03', 5, null, 'l', 'f3'), ('9', '2025-03-04', 1, 0, 'l', 'f4');
create table raw_linkedin_pages.organizations (
    organization_id varchar, organization_urn varchar, followers_count bigint, snapshot_date date,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_pages.organizations values ('9', 'urn:li:organization:9', 1000, '2025-03-05', 'l', 'o1');
"""
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_linkedin")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path,
        work_dir,
        ["+fct_channel_daily", "+dim_channels", "stg_linkedin_pages__share_statistics"],
        RUN_DATE,
        dbt_harness.WITH_WARN,
    )
    return path


def test_linkedin_organic_daily_conforms_posts_and_followers(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "int_organic_daily_unioned")
    rows = dbt_harness.query(
        warehouse,
        "select date_day, posts_published, organic_impressions, engagements, engagement_denominator, "
        "posts_without_reach, followers_total, followers_gained "
        f"from {schema}.int_organic_daily_unioned where platform = 'linkedin' and channel = 'linkedin' "
        "order by date_day",
    )
    assert rows == [
        (date(2025, 3, 1), 2, 1500, 47, 1200, 1, 992, 3),  # 03-02 03:00Z is 03-01 22:00 in New York
        (date(2025, 3, 2), 0, 0, 0, 0, 0, 994, 2),
        (date(2025, 3, 3), 0, 0, 0, 0, 0, 999, 5),
        (date(2025, 3, 4), 0, 0, 0, 0, 0, 1000, 1),
    ]


def test_channel_linkedin_reaches_fct_channel_daily(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "fct_channel_daily")
    [(impressions, gained)] = dbt_harness.query(
        warehouse,
        "select sum(organic_impressions), sum(followers_gained) "
        f"from {schema}.fct_channel_daily where channel = 'linkedin'",
    )
    assert (impressions, gained) == (1500, 11)
    [(count,)] = dbt_harness.query(
        warehouse,
        f"select count(*) from {dbt_harness.schema_of(warehouse, 'stg_linkedin_pages__share_statistics')}"
        ".stg_linkedin_pages__share_statistics",
    )
    assert count == 1
