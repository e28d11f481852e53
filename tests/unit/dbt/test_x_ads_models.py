"""X Ads through dbt: staging converts micros to currency units, the rows reach the ad mart as channel x.

A small warehouse with only raw_meta_ads and raw_x_ads (every other source builds empty). Run date 2025-03-05,
reporting currency USD (the X Ads account and Meta account 1001 are both USD: rate 1).
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
create schema raw_x_ads;
create table raw_x_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, line_item_id varchar, line_item_name varchar, promoted_tweet_id varchar, tweet_id varchar,
    stat_date date, impressions bigint, clicks bigint, url_clicks bigint, engagements bigint,
    billed_charge_local_micro bigint, billed_engagements bigint, video_total_views bigint,
    conversion_purchases_metric bigint, conversion_purchases_order_quantity bigint,
    conversion_purchases_sale_amount bigint, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_x_ads.ad_insights values
    ('18ce54d4x5t', 'USD', 'America/New_York', '1001h', 'fall-layers_millennial_traffic_us_202502', '2001h',
     'millennial_us_lookalike', '3001h', '1880000000005040000', '2025-03-01', 3185, 56, 44, 65, 18860000, 44, null,
     2, 2000000, 69980000, 'l', 'x1'),
    ('18ce54d4x5t', 'USD', 'America/New_York', '1001h', 'fall-layers_millennial_traffic_us_202502', '2001h',
     'millennial_us_lookalike', '3001o', '1880000000005040007', '2025-03-02', 829, 10, 7, 12, 4715001, 7, 208,
     null, null, null, 'l', 'x2');
create table raw_x_ads.ad_accounts (
    account_id varchar, name varchar, currency varchar, timezone varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_x_ads.ad_accounts values
    ('18ce54d4x5t', 'Northwind Threads X Ads', 'USD', 'America/New_York', 'l', 'acc');
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
    work_dir = tmp_path_factory.mktemp("dbt_x_ads")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns", "stg_x_ads__ad_accounts"], RUN_DATE
    )
    return path


def test_staging_converts_micros_to_currency_units(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select ad_id, date_day, ad_group_id, ad_name, currency_code, spend_local, clicks, platform_conversions, "
        "platform_conversion_value_local, video_views, reach from staging.stg_x_ads__ad_insights order by date_day",
    )
    assert rows == [
        ("3001h", date(2025, 3, 1), "2001h", "1880000000005040000", "USD", Decimal("18.86"), 44, 2.0,
         Decimal("69.98"), None, None),
        ("3001o", date(2025, 3, 2), "2001h", "1880000000005040007", "USD", Decimal("4.72"), 7, None, None, 208, None),
    ]  # fmt: skip
    accounts = dbt_harness.query(warehouse, "select * from staging.stg_x_ads__ad_accounts")
    assert accounts == [("18ce54d4x5t", "Northwind Threads X Ads", "USD", "America/New_York")]


def test_x_rows_reach_the_ad_mart_as_channel_x(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select f.platform, d.channel, f.account_id, f.account_timezone, f.campaign_key, f.ad_id, f.date_day, "
        "f.currency_code, f.spend, f.spend_local, f.impressions, f.clicks, f.platform_conversions, "
        "f.platform_conversion_value, f.video_views from marts.fct_ad_performance_daily as f "
        "join marts.dim_campaigns as d on f.campaign_key = d.campaign_key where f.platform = 'x' order by f.date_day",
    )
    assert rows == [
        ("x", "x", "18ce54d4x5t", "America/New_York", "x:1001h", "3001h", date(2025, 3, 1), "USD",
         Decimal("18.86"), Decimal("18.86"), 3185, 44, 2.0, Decimal("69.98"), None),
        ("x", "x", "18ce54d4x5t", "America/New_York", "x:1001h", "3001o", date(2025, 3, 2), "USD",
         Decimal("4.72"), Decimal("4.72"), 829, 7, None, None, 208),
    ]  # fmt: skip
    totals = dict(
        dbt_harness.query(warehouse, "select platform, sum(spend) from marts.fct_ad_performance_daily group by 1")
    )
    assert totals == {"meta": Decimal("100.00"), "x": Decimal("23.58")}
