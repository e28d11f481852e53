"""Pinterest Ads through dbt: staging converts micros to currency units, the ad mart and dim_campaigns include it.

A small warehouse with only raw_meta_ads and raw_pinterest_ads (every other source builds empty). Run date
2025-03-05, reporting currency USD (the Pinterest ad account and Meta account 1001 are both USD: rate 1).
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
create schema raw_pinterest_ads;
create table raw_pinterest_ads.ad_insights (
    ad_account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, ad_group_id varchar, ad_group_name varchar, ad_id varchar, ad_name varchar,
    pin_id varchar, date date, spend_in_micro_dollar bigint, total_impression bigint, total_clickthrough bigint,
    total_impression_user bigint, total_checkout bigint, total_checkout_value_in_micro_dollar bigint,
    total_video_3sec_views bigint, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_pinterest_ads.ad_insights values
    ('549755885175', 'USD', 'America/New_York', '626740000020', 'lookbook_parents_traffic_us_202503',
     '2680000000020', 'parents_us_broad', '687200000020', 'lookbook_standard-pin_v1', '900000687200000020',
     '2025-03-01', 12340000, 2000, 30, 1500, 2, 130000000, 700, 'l', 'p1'),
    ('549755885175', 'USD', 'America/New_York', '626740000020', 'lookbook_parents_traffic_us_202503',
     '2680000000021', 'parents_us_interest', '687200000022', 'lookbook_idea-pin_v2', '900000687200000022',
     '2025-03-02', 7660000, 1000, 10, 900, null, null, null, 'l', 'p2');
create table raw_pinterest_ads.ad_accounts (
    ad_account_id varchar, name varchar, currency varchar, timezone varchar, country varchar, owner_username varchar,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_pinterest_ads.ad_accounts values
    ('549755885175', 'Northwind Pinterest', 'USD', 'America/New_York', 'US', 'northwindthreads', 'l', 'acc');
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
    work_dir = tmp_path_factory.mktemp("dbt_pinterest_ads")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns", "stg_pinterest_ads__ad_accounts"], RUN_DATE
    )
    return path


def test_staging_converts_micros_to_currency_units(warehouse: Path, dbt_harness: Any) -> None:
    schema = dbt_harness.schema_of(warehouse, "stg_pinterest_ads__ad_insights")
    rows = dbt_harness.query(
        warehouse,
        "select ad_id, date_day, currency_code, spend_local, platform_conversions, platform_conversion_value_local, "
        f"reach, video_views from {schema}.stg_pinterest_ads__ad_insights order by date_day",
    )
    assert rows == [
        ("687200000020", date(2025, 3, 1), "USD", Decimal("12.34"), 2.0, Decimal("130.00"), 1500, 700),
        ("687200000022", date(2025, 3, 2), "USD", Decimal("7.66"), 0.0, Decimal("0.00"), 900, None),
    ]


def test_pinterest_rows_reach_the_ad_mart_in_usd(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select platform, account_id, account_timezone, campaign_key, ad_group_id, ad_id, date_day, "
        "currency_code, spend, spend_local, impressions, clicks, platform_conversions, platform_conversion_value "
        "from marts.fct_ad_performance_daily where platform = 'pinterest' order by date_day",
    )
    assert rows == [
        ("pinterest", "549755885175", "America/New_York", "pinterest:626740000020", "2680000000020",
         "687200000020", date(2025, 3, 1), "USD", Decimal("12.34"), Decimal("12.34"), 2000, 30, 2.0,
         Decimal("130.00")),
        ("pinterest", "549755885175", "America/New_York", "pinterest:626740000020", "2680000000021",
         "687200000022", date(2025, 3, 2), "USD", Decimal("7.66"), Decimal("7.66"), 1000, 10, 0.0,
         Decimal("0.00")),
    ]  # fmt: skip
    totals = dict(
        dbt_harness.query(warehouse, "select platform, sum(spend) from marts.fct_ad_performance_daily group by 1")
    )
    assert totals == {"meta": Decimal("100.00"), "pinterest": Decimal("20.00")}


def test_pinterest_campaigns_are_parsed_into_dim_campaigns(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select campaign_key, platform, channel, account_id, segment, objective, is_naming_compliant "
        "from marts.dim_campaigns where platform = 'pinterest'",
    )
    assert rows == [("pinterest:626740000020", "pinterest", "pinterest", "549755885175", "parents", "traffic", True)]
