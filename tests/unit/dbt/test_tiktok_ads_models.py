"""TikTok Ads through dbt: staging renames the raw contract, the ad mart and dim_campaigns include TikTok.

A small warehouse with only raw_meta_ads and raw_tiktok_ads (every other source builds empty). Run date
2025-03-05, reporting currency USD (TikTok advertiser and Meta account 1001 are both USD: rate 1).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

RUN_DATE = "2025-03-05"

# fmt: off
RAW_SQL = """
create schema raw_tiktok_ads;
create table raw_tiktok_ads.ad_insights (
    advertiser_id varchar, advertiser_currency varchar, advertiser_timezone varchar, campaign_id varchar,
    campaign_name varchar, adgroup_id varchar, adgroup_name varchar, ad_id varchar, ad_name varchar,
    stat_date date, spend decimal(18,2), impressions bigint, clicks bigint, reach bigint, conversion bigint,
    complete_payment bigint, total_complete_payment_rate decimal(18,2), video_play_actions bigint,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_tiktok_ads.ad_insights values
    ('7001', 'USD', 'America/New_York', '901', 'denim-days_genz_traffic_us_202503', '91', 'genz_us_broad', 'a1',
     'denim_ugc_v1', '2025-03-01', 12.34, 2000, 30, 1500, 4, 2, 130.00, 700, 'l', 't1'),
    ('7001', 'USD', 'America/New_York', '901', 'denim-days_genz_traffic_us_202503', '91', 'genz_us_broad', 'a2',
     'denim_spark_v2', '2025-03-02', 7.66, 1000, 10, 900, 1, 1, 65.00, 300, 'l', 't2');
create table raw_tiktok_ads.advertisers (
    advertiser_id varchar, name varchar, currency varchar, timezone varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_tiktok_ads.advertisers values ('7001', 'Northwind TikTok', 'USD', 'America/New_York', 'l', 'adv');
create schema raw_meta_ads;
create table raw_meta_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, adset_id varchar, adset_name varchar, ad_id varchar, ad_name varchar, date_start date,
    spend decimal(18,2), impressions bigint, clicks bigint, reach bigint, conversions double,
    conversion_value decimal(18,2), video_views bigint, actions varchar, action_values varchar,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_meta_ads.ad_insights values
    ('1001', 'USD', 'America/Los_Angeles', '111', 'spring-drop_parents_conv_us_202503', 's1', 'adset', 'm1', 'ad',
     '2025-03-01', 100.00, 5000, 50, 4000, 3, 90.00, 100, '[]', '[]', 'l', 'm1');
"""
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_tiktok")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns", "stg_tiktok_ads__advertisers"], RUN_DATE
    )
    return path


def test_tiktok_rows_reach_the_ad_mart_on_the_shared_contract(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select platform, account_id, account_timezone, campaign_key, ad_group_id, ad_id, date_day, currency_code, "
        "spend, spend_local, impressions, clicks, platform_conversions, platform_conversion_value, video_views, reach "
        "from marts.fct_ad_performance_daily where platform = 'tiktok' order by date_day",
    )
    assert rows == [
        ("tiktok", "7001", "America/New_York", "tiktok:901", "91", "a1", date(2025, 3, 1), "USD",
         Decimal("12.34"), Decimal("12.34"), 2000, 30, 2.0, Decimal("130.00"), 700, 1500),
        ("tiktok", "7001", "America/New_York", "tiktok:901", "91", "a2", date(2025, 3, 2), "USD",
         Decimal("7.66"), Decimal("7.66"), 1000, 10, 1.0, Decimal("65.00"), 300, 900),
    ]  # fmt: skip
    totals = dict(
        dbt_harness.query(warehouse, "select platform, sum(spend_local) from marts.fct_ad_performance_daily group by 1")
    )
    assert totals == {"meta": Decimal("100.00"), "tiktok": Decimal("20.00")}


def test_tiktok_campaigns_are_parsed_into_dim_campaigns(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select campaign_key, platform, channel, account_id, campaign_name, segment, objective, is_naming_compliant "
        "from marts.dim_campaigns order by campaign_key",
    )
    assert rows == [
        ("meta:111", "meta", "meta", "1001", "spring-drop_parents_conv_us_202503", "parents", "conv", True),
        ("tiktok:901", "tiktok", "tiktok", "7001", "denim-days_genz_traffic_us_202503", "genz", "traffic", True),
    ]
