"""Snapchat Ads through dbt: staging converts micro-currency and renames swipes, the ad mart converts GBP to USD.

A small warehouse with only raw_snapchat_ads and an FX rate (every other source builds empty). Run date
2025-03-05, reporting currency USD; 1 GBP = 1.25 USD from 2025-02-28.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

RUN_DATE = "2025-03-05"
ACCOUNT = "8a3c5f2e-6b1d-4c7e-9f40-2d5e8b1a7c36"
CAMPAIGN = "c0ffee00-0000-4000-8000-000000000001"

# fmt: off
RAW_SQL = f"""
create schema raw_snapchat_ads;
create table raw_snapchat_ads.ad_insights (
    ad_account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, ad_squad_id varchar, ad_squad_name varchar, ad_id varchar, ad_name varchar, date date,
    impressions bigint, swipes bigint, spend bigint, video_views bigint, conversion_purchases bigint,
    conversion_purchases_value bigint, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_snapchat_ads.ad_insights values
    ('{ACCOUNT}', 'GBP', 'Europe/London', '{CAMPAIGN}', 'lookbook_genz_awareness_uk_202503', 'sq1',
     'genz_uk_broad', 'ad1', 'lookbook_snap-ad_v1', '2025-03-01', 4000, 28, 12360000, 900, 2, 130000000, 'l', 's1'),
    ('{ACCOUNT}', 'GBP', 'Europe/London', '{CAMPAIGN}', 'lookbook_genz_awareness_uk_202503', 'sq1',
     'genz_uk_broad', 'ad2', 'lookbook_story_v2', '2025-03-02', 2500, 11, 8004321, 400, 0, 0, 'l', 's2');
create table raw_snapchat_ads.ad_accounts (
    ad_account_id varchar, name varchar, currency varchar, timezone varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_snapchat_ads.ad_accounts values
    ('{ACCOUNT}', 'Northwind Threads Snap UK', 'GBP', 'Europe/London', 'l', 'acc');
create schema raw_inputs;
create table raw_inputs.fx_rates (rate_date date, base_currency varchar, quote_currency varchar, rate decimal(18,8),
    rate_source varchar, source_file varchar, source_line bigint);
insert into raw_inputs.fx_rates values ('2025-02-28', 'GBP', 'USD', 1.25, 'fx_rates_csv', 'inputs/fx_rates.csv', 2);
"""
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_snapchat")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns", "stg_snapchat_ads__ad_accounts"], RUN_DATE
    )
    return path


def test_staging_converts_micro_currency_and_swipes_exactly(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select account_id, ad_group_id, ad_id, date_day, currency_code, spend_local, clicks, platform_conversions, "
        "platform_conversion_value_local, video_views from staging.stg_snapchat_ads__ad_insights order by date_day",
    )
    assert rows == [
        (ACCOUNT, "sq1", "ad1", date(2025, 3, 1), "GBP", Decimal("12.36"), 28, 2.0, Decimal("130.00"), 900),
        (ACCOUNT, "sq1", "ad2", date(2025, 3, 2), "GBP", Decimal("8.00"), 11, 0.0, Decimal("0.00"), 400),
    ]
    accounts = dbt_harness.query(
        warehouse, "select account_id, currency_code, account_timezone from staging.stg_snapchat_ads__ad_accounts"
    )
    assert accounts == [(ACCOUNT, "GBP", "Europe/London")]


def test_snapchat_rows_reach_the_ad_mart_in_usd(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select platform, account_id, account_timezone, campaign_key, ad_id, date_day, currency_code, spend, "
        "spend_local, impressions, clicks, platform_conversions, platform_conversion_value, reach "
        "from marts.fct_ad_performance_daily order by date_day",
    )
    key = f"snapchat:{CAMPAIGN}"
    assert rows == [
        ("snapchat", ACCOUNT, "Europe/London", key, "ad1", date(2025, 3, 1), "GBP", Decimal("15.45"),
         Decimal("12.36"), 4000, 28, 2.0, Decimal("162.50"), None),
        ("snapchat", ACCOUNT, "Europe/London", key, "ad2", date(2025, 3, 2), "GBP", Decimal("10.00"),
         Decimal("8.00"), 2500, 11, 0.0, Decimal("0.00"), None),
    ]  # fmt: skip


def test_snapchat_campaigns_land_on_the_snapchat_channel(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select campaign_key, platform, channel, account_id, segment, objective, geo, is_naming_compliant "
        "from marts.dim_campaigns",
    )
    assert rows == [(f"snapchat:{CAMPAIGN}", "snapchat", "snapchat", ACCOUNT, "genz", "awareness", "uk", True)]
