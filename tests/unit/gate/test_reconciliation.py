"""Reconciliation across layers: raw = staging = marts per platform (or store) and currency, and which layer broke."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from expectations import GateParams, run_gate

ADS = "reconcile_ads.marts.fct_ad_performance_daily"
ORDERS = "reconcile_orders.marts.fct_orders_attributed"


def _row(key: dict[str, str], metric: str, totals: str, finding: str) -> dict[str, object]:
    """A sample row: the key, the metric, 'raw staging mart' totals and the finding."""
    raw, staging, mart = (Decimal(t) for t in totals.split())
    return {**key, "metric": metric, "raw_total": raw, "staging_total": staging, "mart_total": mart, "finding": finding}


def _meta(currency: str) -> dict[str, str]:
    return {"platform": "meta", "currency_code": currency}


def _shopify(currency: str) -> dict[str, str]:
    return {"store": "shopify", "currency_code": currency}


def test_a_cent_of_revenue_gained_in_the_marts_fails_naming_the_layer(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_orders_attributed SET revenue_local = revenue_local + 0.01 WHERE order_key = 'northwind-eu:2'"
    )
    result = run_gate(path, params)

    assert result.failed == {ORDERS}
    bad = result.check(ORDERS)
    assert (bad.table, bad.column, bad.observed_value) == ("marts.fct_orders_attributed", "revenue_local, orders", 1)
    assert bad.message == "1 total(s) differ between layers"
    assert bad.samples == [_row(_shopify("EUR"), "revenue", "87.30 87.30 87.31", "marts gained 0.01 against staging")]


def test_rows_lost_in_staging_are_named_with_their_counts(warehouse, params: GateParams) -> None:
    """A staging view that drops a raw row: spend, impressions and clicks each name staging as the layer that lost.

    Each account's 15 raw rows: spend 10 + 1.37 x ad + 0.11 x day-offset (196.05), impressions 1000 + 10 x ad
    (15300), clicks 20 + day-offset (345); the dropped row (ad3, 5 days before the run) has 14.66, 1030 and 25.
    """
    path = warehouse(
        "CREATE OR REPLACE VIEW staging.stg_meta_ads__ad_insights AS SELECT account_id, ad_id, date_start AS date_day, "
        "UPPER(account_currency) AS currency_code, spend AS spend_local, impressions, clicks "
        "FROM raw_meta_ads.ad_insights WHERE NOT (account_id = '1002' AND ad_id = 'ad3' AND date_start = '2025-03-01')"
    )
    result = run_gate(path, params)

    assert result.failed == {ADS}
    bad = result.check(ADS)
    assert bad.observed_value == 3
    assert sorted(bad.samples, key=lambda s: s["metric"]) == [
        _row(_meta("EUR"), "clicks", "345 320 345", "staging lost 25 against raw; marts gained 25 against staging"),
        _row(
            _meta("EUR"),
            "impressions",
            "15300 14270 15300",
            "staging lost 1030 against raw; marts gained 1030 against staging",
        ),
        _row(
            _meta("EUR"),
            "spend",
            "196.05 181.39 196.05",
            "staging lost 14.66 against raw; marts gained 14.66 against staging",
        ),
    ]


def test_spend_mismatch_fails_and_the_tolerance_is_a_parameter(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local - 0.01 "
        "WHERE ad_id = 'ad1' AND account_id = '1001' AND date_day = DATE '2025-03-01'"
    )

    strict = run_gate(path, params)
    assert strict.failed == {ADS}
    assert strict.check(ADS).samples == [
        _row(_meta("USD"), "spend", "196.05 196.05 196.04", "marts lost 0.01 against staging")
    ]
    tolerant = run_gate(path, replace(params, reconciliation_tolerance=Decimal("0.01")))
    assert tolerant.success, tolerant.summary()


def test_impressions_and_clicks_are_exact(warehouse, params: GateParams) -> None:
    """Counts have no tolerance: one click more in the marts fails even with a money tolerance."""
    path = warehouse(
        "UPDATE marts.fct_ad_performance_daily SET clicks = clicks + 1 "
        "WHERE ad_id = 'ad2' AND account_id = '1001' AND date_day = DATE '2025-03-02'"
    )
    result = run_gate(path, replace(params, reconciliation_tolerance=Decimal("1.00")))

    assert result.failed == {ADS}
    assert result.check(ADS).samples == [_row(_meta("USD"), "clicks", "345 345 346", "marts gained 1 against staging")]


def test_order_count_is_reconciled(warehouse, params: GateParams) -> None:
    """A real order without line items has no revenue, but the marts must still hold it."""
    path = warehouse(
        "INSERT INTO raw_shopify.orders VALUES "
        "('northwind-eu', 3, '#1003', TIMESTAMPTZ '2025-03-05 12:00:00+00', 'EUR', FALSE, '2')"
    )
    result = run_gate(path, params)

    assert result.failed == {ORDERS}
    assert result.check(ORDERS).samples == [_row(_shopify("EUR"), "orders", "3 3 2", "marts lost 1 against staging")]


def test_refunds_count_as_zero_when_the_refund_table_was_never_loaded(warehouse, params: GateParams) -> None:
    """dlt creates the refund table with the first refund; until then staging's view (source_or_empty) is empty."""
    path = warehouse(
        "UPDATE marts.fct_orders_attributed SET revenue_local = revenue_local + 19.99 "
        "WHERE order_key = 'northwind-us:1'",
        "DROP VIEW staging.stg_shopify__refund_line_items",
        "DROP TABLE raw_shopify.order_refund_line_items",
        "CREATE VIEW staging.stg_shopify__refund_line_items AS "
        "SELECT CAST(NULL AS VARCHAR) AS order_key, CAST(NULL AS DECIMAL(18, 2)) AS subtotal_local WHERE FALSE",
    )
    result = run_gate(path, params)

    assert result.success, result.summary()


def test_spend_reconciles_per_platform(warehouse, params: GateParams, tiktok_sql: tuple[str, ...]) -> None:
    assert run_gate(warehouse(*tiktok_sql), params).success

    # TikTok spend moved onto a Meta row: the USD total is unchanged, but each platform is off.
    moved = warehouse(
        *tiktok_sql,
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local - 1 WHERE ad_id = 't1'",
        "UPDATE marts.fct_ad_performance_daily SET spend_local = spend_local + 1 "
        "WHERE ad_id = 'ad1' AND account_id = '1001' AND date_day = DATE '2025-03-05'",
    )
    result = run_gate(moved, params)
    assert result.failed == {ADS}
    assert sorted(result.check(ADS).samples, key=lambda s: s["platform"]) == [
        _row(_meta("USD"), "spend", "196.05 196.05 197.05", "marts gained 1.00 against staging"),
        _row(
            {"platform": "tiktok", "currency_code": "USD"},
            "spend",
            "21.00 21.00 20.00",
            "marts lost 1.00 against staging",
        ),
    ]

    only_meta = run_gate(moved, replace(params, spend_reconciliation_platform="meta"))
    assert only_meta.check(ADS).samples == [s for s in result.check(ADS).samples if s["platform"] == "meta"]
