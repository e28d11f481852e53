"""LinkedIn Ads through dbt: staging rounds LinkedIn's decimal strings to the cent and renames the hierarchy
(campaign group -> campaign, campaign -> ad group, creative -> ad); the ad mart and dim_campaigns include LinkedIn.

A small warehouse with only raw_meta_ads and raw_linkedin_ads (every other source builds empty). Run date
2025-03-05, reporting currency USD (the LinkedIn account and Meta account 1001 are both USD: rate 1).
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
create schema raw_linkedin_ads;
create table raw_linkedin_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_group_id varchar,
    campaign_group_name varchar, campaign_id varchar, campaign_name varchar, creative_id varchar,
    creative_name varchar, date date, cost_in_local_currency decimal(18,6), impressions bigint, clicks bigint,
    external_website_conversions bigint, conversion_value_in_local_currency decimal(18,6), video_views bigint,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_ads.ad_insights values
    ('508123456', 'USD', 'UTC', '615000020', 'linen-edit_parents_conv_us_202503', '268000020', 'parents_us_lookalike',
     '1490000020', 'linen-edit_single-image_v1', '2025-03-01', 12.345678, 900, 6, 2, 130.004999, 0, 'l', 'i1'),
    ('508123456', 'USD', 'UTC', '615000020', 'linen-edit_parents_conv_us_202503', '268000021', 'parents_us_broad',
     '1490000023', 'linen-edit_video_v2', '2025-03-02', 7.654, 400, 3, 1, 65.5, 120, 'l', 'i2');
create table raw_linkedin_ads.ad_accounts (
    account_id varchar, name varchar, currency varchar, timezone varchar, status varchar,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_linkedin_ads.ad_accounts values
    ('508123456', 'Northwind LinkedIn', 'USD', 'UTC', 'ACTIVE', 'l', 'acc');
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
    work_dir = tmp_path_factory.mktemp("dbt_linkedin_ads")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(
        path, work_dir, ["+fct_ad_performance_daily", "+dim_campaigns", "stg_linkedin_ads__ad_accounts"], RUN_DATE
    )
    return path


def test_staging_rounds_decimal_strings_to_the_cent(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select ad_id, date_day, spend_local, platform_conversion_value_local, platform_conversions "
        "from staging.stg_linkedin_ads__ad_insights order by date_day",
    )
    assert rows == [
        ("1490000020", date(2025, 3, 1), Decimal("12.35"), Decimal("130.00"), 2.0),
        ("1490000023", date(2025, 3, 2), Decimal("7.65"), Decimal("65.50"), 1.0),
    ]


def test_linkedin_rows_reach_the_ad_mart_on_the_shared_contract(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select f.platform, d.channel, f.account_id, f.account_timezone, f.campaign_key, f.ad_group_id, f.ad_id, "
        "f.date_day, f.currency_code, f.spend, f.spend_local, f.impressions, f.clicks, f.platform_conversions, "
        "f.platform_conversion_value, f.video_views, f.reach from marts.fct_ad_performance_daily as f "
        "join marts.dim_campaigns as d using (campaign_key) where f.platform = 'linkedin' order by f.date_day",
    )
    assert rows == [
        ("linkedin", "linkedin", "508123456", "UTC", "linkedin:615000020", "268000020", "1490000020",
         date(2025, 3, 1), "USD", Decimal("12.35"), Decimal("12.35"), 900, 6, 2.0, Decimal("130.00"), 0, None),
        ("linkedin", "linkedin", "508123456", "UTC", "linkedin:615000020", "268000021", "1490000023",
         date(2025, 3, 2), "USD", Decimal("7.65"), Decimal("7.65"), 400, 3, 1.0, Decimal("65.50"), 120, None),
    ]  # fmt: skip
    totals = dict(
        dbt_harness.query(warehouse, "select platform, sum(spend) from marts.fct_ad_performance_daily group by 1")
    )
    assert totals == {"meta": Decimal("100.00"), "linkedin": Decimal("20.00")}


def test_linkedin_campaign_groups_are_parsed_into_dim_campaigns(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select campaign_key, platform, channel, account_id, campaign_name, segment, objective, is_naming_compliant "
        "from marts.dim_campaigns where platform = 'linkedin'",
    )
    assert rows == [
        ("linkedin:615000020", "linkedin", "linkedin", "508123456", "linen-edit_parents_conv_us_202503", "parents",
         "conv", True),
    ]  # fmt: skip
