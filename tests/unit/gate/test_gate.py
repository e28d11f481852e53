"""The gate on small DuckDB warehouses: clean data passes, each kind of defect fails the right check."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations import CheckResult, GateParams, GateResult, run_gate
from expectations.params import DEFAULT_SOURCES

EXPECTED_CHECKS = {
    "freshness.raw_meta_ads",
    "freshness.raw_shopify",
    "freshness.raw_instagram",
    "freshness.raw_facebook_pages",
    "primary_key.raw_meta_ads.ad_insights",
    "spend_non_negative.raw_meta_ads.ad_insights",
    "clicks_le_impressions.raw_meta_ads.ad_insights",
    "primary_key.raw_shopify.orders",
    "unique_order_name.raw_shopify.orders",
    "primary_key.marts.fct_orders_attributed",
    "primary_key.marts.fct_ad_performance_daily",
    "spend_non_negative.marts.fct_ad_performance_daily",
    "clicks_le_impressions.marts.fct_ad_performance_daily",
    "naming_compliance.marts.dim_campaigns",
    "reconcile_spend.marts.fct_ad_performance_daily",
    "reconcile_revenue.marts.fct_orders_attributed",
}


def check(result: GateResult, name: str) -> CheckResult:
    """The named check's result."""
    return next(c for c in result.checks if c.name == name)


def failed(result: GateResult) -> set[str]:
    """Names of every failed check."""
    return {c.name for c in result.checks if not c.success}


def test_clean_warehouse_passes_every_check(warehouse, params: GateParams, tmp_path: Path) -> None:
    result = run_gate(warehouse(), params, docs_dir=tmp_path / "docs")

    assert {c.name for c in result.checks} == EXPECTED_CHECKS
    assert result.success, result.summary()
    assert failed(result) == set()
    assert "PASSED" in result.summary()
    assert check(result, "freshness.raw_shopify").observed_value == 1
    assert check(result, "naming_compliance.marts.dim_campaigns").observed_value == 0.125
    assert result.docs_index == tmp_path / "docs" / "index.html"
    assert result.docs_index.is_file()
    assert list((tmp_path / "docs" / "validations").rglob("*.html"))


def test_records_are_json_serializable(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE raw_meta_ads.ad_insights SET spend = -1.25 WHERE ad_id = 'ad1' AND date_start = DATE '2025-03-05'"
    )
    records = run_gate(path, params).to_records()

    assert len(records) == len(EXPECTED_CHECKS)
    assert json.loads(json.dumps(records))
    bad = next(r for r in records if r["name"] == "spend_non_negative.raw_meta_ads.ad_insights")
    assert bad["success"] is False
    assert bad["table_name"] == "raw_meta_ads.ad_insights"
    assert bad["column_name"] == "spend"
    assert {"run_date", "severity", "observed_value", "samples", "message", "evaluated", "rule"} <= bad.keys()
    assert json.loads(bad["samples"])[0]["spend"] == "-1.25"


def test_negative_spend_fails_with_table_column_and_sample_row(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE raw_meta_ads.ad_insights SET spend = -3.50 WHERE account_id = '1002' AND ad_id = 'ad2' "
        "AND date_start = DATE '2025-03-04'",
        "UPDATE marts.fct_ad_performance_daily SET spend = -3.85, spend_local = -3.50 WHERE account_id = '1002' "
        "AND ad_id = 'ad2' AND date_day = DATE '2025-03-04'",
    )
    result = run_gate(path, params)

    assert not result.success
    assert failed(result) == {
        "spend_non_negative.raw_meta_ads.ad_insights",
        "spend_non_negative.marts.fct_ad_performance_daily",
    }
    raw = check(result, "spend_non_negative.raw_meta_ads.ad_insights")
    assert (raw.table, raw.column, raw.observed_value) == ("raw_meta_ads.ad_insights", "spend", 1)
    assert raw.samples == [
        {"account_id": "1002", "ad_id": "ad2", "date_start": raw.samples[0]["date_start"], "spend": Decimal("-3.50")}
    ]
    assert str(raw.samples[0]["date_start"]) == "2025-03-04"
    summary = result.summary()
    assert "spend_non_negative.raw_meta_ads.ad_insights FAILED: raw_meta_ads.ad_insights.spend" in summary
    assert '"spend": "-3.50"' in summary
    assert '"ad_id": "ad2"' in summary


def test_clicks_above_impressions_fail(warehouse, params: GateParams) -> None:
    path = warehouse("UPDATE marts.fct_ad_performance_daily SET clicks = impressions + 1 WHERE ad_id = 'ad3'")
    result = run_gate(path, params)

    assert failed(result) == {"clicks_le_impressions.marts.fct_ad_performance_daily"}
    bad = check(result, "clicks_le_impressions.marts.fct_ad_performance_daily")
    assert bad.observed_value == 10
    assert len(bad.samples) == 5
    assert all(s["ad_id"] == "ad3" for s in bad.samples)


def test_duplicated_order_name_fails(warehouse, params: GateParams) -> None:
    path = warehouse(
        "INSERT INTO raw_shopify.orders VALUES "
        "('northwind-us', 77, '#1002', TIMESTAMPTZ '2025-03-05 22:10:00+00', 'USD', FALSE)"
    )
    result = run_gate(path, params)

    assert not result.success
    assert failed(result) == {"unique_order_name.raw_shopify.orders"}
    bad = check(result, "unique_order_name.raw_shopify.orders")
    assert bad.observed_value == 2
    assert bad.samples == [{"shop": "northwind-us", "name": "#1002"}]
    assert "unique_order_name.raw_shopify.orders FAILED: raw_shopify.orders.shop, name" in result.summary()


def test_duplicated_primary_key_fails(warehouse, params: GateParams) -> None:
    path = warehouse("INSERT INTO marts.fct_orders_attributed SELECT * FROM marts.fct_orders_attributed LIMIT 1")
    result = run_gate(path, params)

    assert "primary_key.marts.fct_orders_attributed" in failed(result)
    assert check(result, "primary_key.marts.fct_orders_attributed").samples[0].keys() == {"order_key"}


def test_reconciliation_mismatch_of_one_cent_fails(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_orders_attributed SET revenue_local = revenue_local + 0.01 WHERE order_key = 'northwind-eu:2'"
    )
    result = run_gate(path, params)

    assert not result.success
    assert failed(result) == {"reconcile_revenue.marts.fct_orders_attributed"}
    bad = check(result, "reconcile_revenue.marts.fct_orders_attributed")
    assert (bad.table, bad.column, bad.observed_value) == ("marts.fct_orders_attributed", "revenue_local", 1)
    assert bad.samples == [
        {
            "currency_code": "EUR",
            "raw_total": Decimal("87.30"),
            "mart_total": Decimal("87.31"),
            "abs_diff": Decimal("0.01"),
        }
    ]


def test_spend_reconciliation_mismatch_fails_and_tolerance_is_a_parameter(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local - 0.01 "
        "WHERE ad_id = 'ad1' AND account_id = '1001' AND date_day = DATE '2025-03-01'"
    )

    strict = run_gate(path, params)
    assert failed(strict) == {"reconcile_spend.marts.fct_ad_performance_daily"}
    assert check(strict, "reconcile_spend.marts.fct_ad_performance_daily").samples[0]["currency_code"] == "USD"

    tolerant = run_gate(path, replace(params, reconciliation_tolerance=Decimal("0.01")))
    assert tolerant.success, tolerant.summary()


def test_refunds_count_as_zero_when_the_refund_table_was_never_loaded(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_orders_attributed SET revenue_local = revenue_local + 19.99 "
        "WHERE order_key = 'northwind-us:1'",
        "DROP TABLE raw_shopify.order_refund_line_items",
    )
    result = run_gate(path, params)

    assert result.success, result.summary()


def test_stale_source_fails_freshness(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_instagram.account_insights_daily WHERE \"date\" > DATE '2025-03-01'")
    result = run_gate(path, params)

    assert not result.success
    assert failed(result) == {"freshness.raw_instagram"}
    stale = check(result, "freshness.raw_instagram")
    assert (stale.table, stale.column, stale.observed_value) == ("raw_instagram.account_insights_daily", "date", 5)
    assert "newest date is 2025-03-01, 5 day(s) before run date 2025-03-06 (limit 2)" in result.summary()


def test_freshness_limits_are_per_source(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_instagram.account_insights_daily WHERE \"date\" > DATE '2025-03-01'")

    assert run_gate(path, replace(params, freshness_days={"raw_instagram": 5})).success
    assert run_gate(path, replace(params, freshness_days=5)).success
    too_strict = run_gate(path, replace(params, freshness_days={"instagram": 4, "raw_shopify": 1}))
    assert failed(too_strict) == {"freshness.raw_instagram"}


def test_empty_source_table_fails_freshness(warehouse, params: GateParams) -> None:
    path = warehouse("DELETE FROM raw_facebook_pages.page_insights_daily")
    result = run_gate(path, params)

    assert failed(result) == {"freshness.raw_facebook_pages"}
    assert check(result, "freshness.raw_facebook_pages").message == "the table has no rows"


def test_missing_raw_schema_gives_a_clear_failure(warehouse, params: GateParams) -> None:
    path = warehouse(
        "DROP TABLE marts.fct_orders_attributed",
        "DROP SCHEMA raw_shopify CASCADE",
    )
    result = run_gate(path, params)

    assert not result.success
    fresh = check(result, "freshness.raw_shopify")
    assert not fresh.success
    assert not fresh.evaluated
    assert fresh.message == "source raw_shopify did not load: schema raw_shopify is absent"
    assert "[ERROR] freshness.raw_shopify NOT EVALUATED: raw_shopify.orders.created_at" in result.summary()
    assert "source raw_shopify did not load" in result.summary()
    assert check(result, "unique_order_name.raw_shopify.orders").message == (
        "missing input: schema raw_shopify is absent"
    )
    assert check(result, "primary_key.marts.fct_orders_attributed").message == (
        "missing input: table marts.fct_orders_attributed is absent"
    )
    assert check(result, "freshness.raw_meta_ads").success


def test_missing_column_is_reported_not_raised(warehouse, params: GateParams) -> None:
    path = warehouse("ALTER TABLE marts.fct_ad_performance_daily DROP COLUMN clicks")
    result = run_gate(path, params)

    assert not result.success
    broken = check(result, "clicks_le_impressions.marts.fct_ad_performance_daily")
    assert not broken.evaluated
    assert broken.message.startswith("query failed: ")
    assert "clicks" in broken.message
    # Only that asset's checks fail: the failed query leaves the shared connection usable for the next assets.
    assert failed(result) == {
        "primary_key.marts.fct_ad_performance_daily",
        "spend_non_negative.marts.fct_ad_performance_daily",
        "clicks_le_impressions.marts.fct_ad_performance_daily",
    }


def test_warnings_do_not_fail_the_gate(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.dim_campaigns SET is_naming_compliant = FALSE, naming_issue = 'unknown segment boomers' "
        "WHERE campaign_key IN ('meta:1', 'meta:2', 'meta:3')"
    )
    result = run_gate(path, params)

    warning = check(result, "naming_compliance.marts.dim_campaigns")
    assert warning.severity == "warning"
    assert not warning.success
    assert warning.observed_value == 0.5
    assert len(warning.samples) == 4
    assert {"campaign_key", "campaign_name", "naming_issue"} <= warning.samples[0].keys()
    assert result.success
    assert result.warnings == [warning]
    assert "PASSED" in result.summary()
    assert "Warnings:" in result.summary()


def test_file_is_closed_after_the_gate(warehouse, params: GateParams) -> None:
    path = warehouse("UPDATE raw_meta_ads.ad_insights SET spend = -1 WHERE ad_id = 'ad1'")
    run_gate(path, params)

    connection = duckdb.connect(str(path))  # read-write in this process: fails if a read-only handle is left
    connection.execute("CREATE TABLE marts.after_gate AS SELECT 1 AS x")
    connection.execute("CHECKPOINT")
    connection.close()
    script = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute('DROP TABLE marts.after_gate'); c.close()"
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def test_missing_file_raises(tmp_path: Path, params: GateParams) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.duckdb"):
        run_gate(tmp_path / "nope.duckdb", params)


TIKTOK_SQL = (
    "CREATE SCHEMA raw_tiktok_ads",
    "CREATE TABLE raw_tiktok_ads.ad_insights AS SELECT '7001' AS advertiser_id, 'USD' AS advertiser_currency, "
    "'t' || d AS ad_id, DATE '2025-03-06' - CAST(d AS INTEGER) AS stat_date, "
    "CAST(5 + d AS DECIMAL(18, 2)) AS spend FROM range(1, 4) t(d)",
    "INSERT INTO marts.fct_ad_performance_daily SELECT stat_date, 'tiktok', advertiser_id, ad_id, "
    "advertiser_currency, spend, spend, 100, 1 FROM raw_tiktok_ads.ad_insights",
)


def test_spend_reconciles_per_platform(warehouse, params: GateParams) -> None:
    assert run_gate(warehouse(*TIKTOK_SQL), params).success

    # TikTok spend moved onto a Meta row: the USD total is unchanged, but each platform is off.
    moved = warehouse(
        *TIKTOK_SQL,
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local - 1 WHERE ad_id = 't1'",
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local + 1 "
        "WHERE ad_id = 'ad1' AND account_id = '1001' AND date_day = DATE '2025-03-05'",
    )
    result = run_gate(moved, params)
    assert failed(result) == {"reconcile_spend.marts.fct_ad_performance_daily"}
    samples = check(result, "reconcile_spend.marts.fct_ad_performance_daily").samples
    assert {(s["platform"], s["currency_code"]) for s in samples} == {("meta", "USD"), ("tiktok", "USD")}

    only_tiktok = run_gate(moved, replace(params, spend_reconciliation_platform="tiktok"))
    assert failed(only_tiktok) == {"reconcile_spend.marts.fct_ad_performance_daily"}


def test_only_the_runs_sources_are_judged(warehouse, params: GateParams) -> None:
    """A source that is not part of the run (not configured) is not judged; one that is but did not load fails."""
    path = warehouse("DROP SCHEMA raw_instagram CASCADE")
    without_instagram = replace(params, sources=("meta_ads", "shopify", "facebook_pages"))

    result = run_gate(path, without_instagram)
    assert result.success, result.summary()
    assert not any(c.name == "freshness.raw_instagram" for c in result.checks)

    expected_tiktok = run_gate(path, replace(without_instagram, sources=(*without_instagram.sources, "tiktok_ads")))
    assert failed(expected_tiktok) == {"freshness.raw_tiktok_ads"}
    assert check(expected_tiktok, "freshness.raw_tiktok_ads").message == (
        "source raw_tiktok_ads did not load: schema raw_tiktok_ads is absent"
    )


def test_sparse_sources_are_judged_by_their_newest_load(warehouse, params: GateParams) -> None:
    """An ad account may deliver nothing for days; its source is stale only when it stops loading."""
    loads = (
        "CREATE SCHEMA raw_snapchat_ads; "
        "CREATE TABLE raw_snapchat_ads._dlt_loads (load_id VARCHAR, status BIGINT, inserted_at TIMESTAMPTZ); "
        "INSERT INTO raw_snapchat_ads._dlt_loads VALUES "
        "('1', 0, TIMESTAMPTZ '2025-02-20 03:00:00+00'), ('2', 0, TIMESTAMPTZ '{last_ok}'), "
        "('3', 1, TIMESTAMPTZ '2025-03-06 04:00:00+00')"
    )
    with_snapchat = replace(params, sources=(*DEFAULT_SOURCES, "snapchat_ads"))

    fresh = run_gate(warehouse(loads.format(last_ok="2025-03-05 04:00:00+00")), with_snapchat)
    assert fresh.success, fresh.summary()
    assert check(fresh, "freshness.raw_snapchat_ads").observed_value == 1

    stale = run_gate(warehouse(loads.format(last_ok="2025-03-01 04:00:00+00")), with_snapchat)
    assert failed(stale) == {"freshness.raw_snapchat_ads"}
    assert "newest inserted_at is 2025-03-01, 5 day(s) before run date 2025-03-06 (limit 2)" in stale.summary()
