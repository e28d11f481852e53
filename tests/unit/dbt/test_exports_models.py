"""Ads Manager export rows in the ad mart: the API wins where it loaded the same account and day.

A warehouse with Meta API insights for 2025-03-01 and a Meta Ads Manager export covering 2025-03-01 and
2025-03-02 (account 1001, USD): the mart takes the API's row for the 1st and the export's row for the 2nd only.
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
create table raw_meta_ads.ad_accounts (
    account_id varchar, name varchar, currency varchar, timezone_name varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_meta_ads.ad_accounts values ('1001', 'Northwind US', 'USD', 'America/Los_Angeles', 'l', 'acc');
create schema raw_exports;
create table raw_exports.meta_ads_manager (
    account_id varchar, ad_id varchar, "day" date, account_name varchar, currency varchar, campaign_id varchar,
    campaign_name varchar, adset_id varchar, adset_name varchar, ad_name varchar, spend decimal(18,2),
    impressions bigint, clicks bigint, clicks_metric varchar, reach bigint, purchases bigint,
    purchase_value decimal(18,2), video_plays_3s bigint, source_file varchar, source_line bigint,
    _dlt_load_id varchar, _dlt_id varchar);
insert into raw_exports.meta_ads_manager values
    ('1001', 'm1', '2025-03-01', 'Northwind US', 'USD', '111', 'spring-drop_parents_conv_us_202503', 's1', 'adset',
     'ad', 99.00, 4900, 49, 'Clicks (all)', 3900, 3, 90.00, 100, 'meta.csv', 2, 'l', 'e1'),
    ('1001', 'm1', '2025-03-02', 'Northwind US', 'USD', '111', 'spring-drop_parents_conv_us_202503', 's1', 'adset',
     'ad', 40.00, 2000, 20, 'Clicks (all)', 1800, 1, 30.00, 50, 'meta.csv', 3, 'l', 'e2');
"""
# fmt: on


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_exports")
    path = dbt_harness.sql_warehouse(work_dir, RAW_SQL)
    dbt_harness.build_selected(path, work_dir, ["+fct_ad_performance_daily"], RUN_DATE)
    return path


def test_the_api_wins_over_an_export_for_the_same_account_and_day(warehouse: Path, dbt_harness: Any) -> None:
    rows = dbt_harness.query(
        warehouse,
        "select date_day, account_timezone, spend_local, impressions, clicks from marts.fct_ad_performance_daily "
        "where platform = 'meta' order by date_day",
    )
    assert rows == [
        (date(2025, 3, 1), "America/Los_Angeles", Decimal("100.00"), 5000, 50),
        (date(2025, 3, 2), "America/Los_Angeles", Decimal("40.00"), 2000, 20),
    ]


def test_the_gate_reconciles_export_rows_in_every_layer(warehouse: Path, dbt_harness: Any) -> None:
    """The gate's raw and staging totals drop the export row the API also loaded, as the marts do."""
    from expectations import GateParams
    from expectations.suites.reconciliation import ads

    listed = dbt_harness.query(warehouse, "select table_schema, table_name from information_schema.tables")
    tables = {f"{schema}.{table}" for schema, table in listed}
    query = ads(GateParams(run_date=date.fromisoformat(RUN_DATE)), tables).query
    rows = dbt_harness.query(warehouse, f"{query} where platform = 'meta' order by metric")
    # The API's 2025-03-01 (100.00, 5000, 50) and the export's 2025-03-02 (40.00, 2000, 20).
    assert rows == [
        ("meta", "USD", "clicks", Decimal("70.00"), Decimal("70.00"), Decimal("70.00"), None),
        ("meta", "USD", "impressions", Decimal("7000.00"), Decimal("7000.00"), Decimal("7000.00"), None),
        ("meta", "USD", "spend", Decimal("140.00"), Decimal("140.00"), Decimal("140.00"), None),
    ]
