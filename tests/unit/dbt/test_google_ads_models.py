"""Google Ads through dbt: staging converts micros, the ad mart, dim_campaigns and the spend test include Google.

A small warehouse with only raw_meta_ads and raw_google_ads (every other source builds empty). Run date
2025-03-05, reporting currency USD (the Google customer and Meta account 1001 are both USD: rate 1).
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
create schema raw_google_ads;
create table raw_google_ads.ad_insights (
    customer_id varchar, customer_currency varchar, customer_timezone varchar, campaign_id varchar,
    campaign_name varchar, ad_group_id varchar, ad_group_name varchar, ad_id varchar, date date,
    cost_micros bigint, impressions bigint, clicks bigint, conversions double, conversions_value double,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_google_ads.ad_insights values
    ('1234567890', 'USD', 'America/New_York', '2101', 'denim-days_genz_traffic_us_202503', '151', 'genz_us_exact',
     '701', '2025-03-01', 12340000, 2000, 90, 4.0, 130.5, 'l', 'g1'),
    ('1234567890', 'USD', 'America/New_York', '2101', 'denim-days_genz_traffic_us_202503', '152', 'genz_us_broad',
     '701', '2025-03-01', 7660000, 1000, 30, 1.0, 65.0, 'l', 'g2');
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
    work_dir = tmp_path_factory.mktemp("dbt_google_ads")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns"], RUN_DATE)
    return path


def test_google_rows_reach_the_ad_mart_with_micros_converted(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select platform, account_id, account_timezone, campaign_key, ad_group_id, ad_id, date_day, "
        "currency_code, spend, spend_local, impressions, clicks, platform_conversions, platform_conversion_value "
        "from marts.fct_ad_performance_daily where platform = 'google' order by ad_id",
    )
    assert rows == [
        ("google", "1234567890", "America/New_York", "google:2101", "151", "151~701", date(2025, 3, 1),
         "USD", Decimal("12.34"), Decimal("12.34"), 2000, 90, 4.0, Decimal("130.50")),
        ("google", "1234567890", "America/New_York", "google:2101", "152", "152~701", date(2025, 3, 1),
         "USD", Decimal("7.66"), Decimal("7.66"), 1000, 30, 1.0, Decimal("65.00")),
    ]  # fmt: skip
    totals = dict(
        dbt_harness.query(warehouse, "select platform, sum(spend_local) from marts.fct_ad_performance_daily group by 1")
    )
    assert totals == {"meta": Decimal("100.00"), "google": Decimal("20.00")}


def test_google_campaigns_are_parsed_into_dim_campaigns(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select campaign_key, platform, channel, account_id, segment, objective, is_naming_compliant "
        "from marts.dim_campaigns where platform = 'google'",
    )
    assert rows == [("google:2101", "google", "google", "1234567890", "genz", "traffic", True)]
