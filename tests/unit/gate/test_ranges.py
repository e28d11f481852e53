"""Value ranges: impossible values fail the gate with the bad rows; plausibility rates only warn."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from expectations import GateParams, run_gate

RAW_SPEND = "spend_non_negative.raw_*.ad_insights"
RAW_CLICKS = "clicks_le_impressions.raw_*.ad_insights"
AD_MART = "marts.fct_ad_performance_daily"
ORDERS = "marts.fct_orders_attributed"


def test_negative_spend_fails_in_raw_and_in_the_mart(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE raw_meta_ads.ad_insights SET spend = -3.50 WHERE account_id = '1002' AND ad_id = 'ad2' "
        "AND date_start = DATE '2025-03-04'",
        "UPDATE marts.fct_ad_performance_daily SET spend = -3.85, spend_local = -3.50 WHERE account_id = '1002' "
        "AND ad_id = 'ad2' AND date_day = DATE '2025-03-04'",
    )
    result = run_gate(path, params)

    assert not result.success
    assert result.failed == {RAW_SPEND, f"spend_non_negative.{AD_MART}"}
    raw = result.check(RAW_SPEND)
    assert (raw.table, raw.column, raw.observed_value) == ("raw_*.ad_insights", "spend", 1)
    assert raw.message == "1 row(s) of raw_*.ad_insights break the rule"
    assert raw.samples == [
        {
            "platform": "meta",
            "table_name": "raw_meta_ads.ad_insights",
            "key_columns": "account_id, ad_id, date_start",
            "key_value": "1002 | ad2 | 2025-03-04",
            "spend": Decimal("-3.50"),
        }
    ]
    mart = result.check(f"spend_non_negative.{AD_MART}")
    assert mart.samples == [
        {
            "platform": "meta",
            "account_id": "1002",
            "ad_id": "ad2",
            "date_day": date(2025, 3, 4),
            "spend": Decimal("-3.85"),
        }
    ]
    summary = result.summary()
    assert "spend_non_negative.raw_*.ad_insights FAILED: raw_*.ad_insights.spend" in summary
    assert '"spend": "-3.50"' in summary


def test_clicks_above_impressions_fail_on_every_platform(
    warehouse, params: GateParams, tiktok_sql: tuple[str, ...]
) -> None:
    path = warehouse(
        *tiktok_sql,
        "UPDATE raw_tiktok_ads.ad_insights SET clicks = impressions + 1 WHERE ad_id = 't2'",
        "UPDATE marts.fct_ad_performance_daily SET clicks = impressions + 1 WHERE ad_id IN ('ad3', 't2')",
    )
    result = run_gate(path, params)

    # The raw TikTok row is broken in raw and in the mart alike (so they reconcile); the Meta rows only in the mart.
    assert result.failed == {RAW_CLICKS, f"clicks_le_impressions.{AD_MART}", f"reconcile_ads.{AD_MART}"}
    raw = result.check(RAW_CLICKS)
    assert raw.samples == [
        {
            "platform": "tiktok",
            "table_name": "raw_tiktok_ads.ad_insights",
            "key_columns": "advertiser_id, ad_id, stat_date",
            "key_value": "7001 | t2 | 2025-03-04",
            "clicks": 201,
            "impressions": 200,
        }
    ]
    mart = result.check(f"clicks_le_impressions.{AD_MART}")
    assert (mart.column, mart.observed_value, len(mart.samples)) == ("clicks", 11, 5)
    assert all(s["clicks"] == s["impressions"] + 1 for s in mart.samples)


def test_dates_after_the_run_date_fail(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.fct_orders_attributed SET order_date = DATE '2025-03-07' WHERE order_key = 'northwind-us:2'",
        "UPDATE marts.fct_orders_attributed SET order_date = DATE '2025-03-06' WHERE order_key = 'northwind-eu:2'",
    )
    result = run_gate(path, params)

    assert result.failed == {f"date_not_after_run_date.{ORDERS}"}
    bad = result.check(f"date_not_after_run_date.{ORDERS}")
    assert (bad.column, bad.rule, bad.observed_value) == ("order_date", "order_date <= 2025-03-06", 1)
    assert bad.samples == [{"order_key": "northwind-us:2", "currency_code": "USD", "order_date": date(2025, 3, 7)}]


def test_negative_net_sales_of_an_order_fail(warehouse, params: GateParams) -> None:
    """Refunds cannot exceed an order's line items: its revenue in the shop currency is never negative."""
    path = warehouse(
        "INSERT INTO raw_shopify.order_refund_line_items VALUES ('northwind-eu', 1, 920, 921, 41, 1, 45.00)",
        "UPDATE marts.fct_orders_attributed SET revenue_local = -5.10 WHERE order_key = 'northwind-eu:1'",
    )
    result = run_gate(path, params)

    assert result.failed == {f"revenue_local_non_negative.{ORDERS}"}
    assert result.check(f"revenue_local_non_negative.{ORDERS}").samples == [
        {"order_key": "northwind-eu:1", "currency_code": "EUR", "revenue_local": Decimal("-5.10")}
    ]


def test_attainment_is_non_negative_only_for_metrics_that_cannot_be_negative(warehouse, params: GateParams) -> None:
    path = warehouse(
        "INSERT INTO marts.rpt_monthly_targets VALUES "
        "(DATE '2025-01-01', 'revenue', 'meta', 'all', 1000, -200, -0.2, 'off_track'), "
        "(DATE '2025-01-01', 'followers_gained', 'instagram', 'all', 100, -7, -0.07, 'off_track'), "
        "(DATE '2025-01-01', 'orders', 'meta', 'all', 10, -1, -0.1, 'off_track')"
    )
    result = run_gate(path, params)

    name = "attainment_non_negative.marts.rpt_monthly_targets"
    assert result.failed == {name}
    assert result.check(name).rule == ("attainment >= 0 where metric NOT IN ('revenue', 'followers_gained', 'roas')")
    assert result.check(name).samples == [
        {"month": date(2025, 1, 1), "metric": "orders", "channel": "meta", "segment": "all", "attainment": -0.1}
    ]


CONTENT_SQL = (
    "CREATE TABLE marts.fct_posts AS SELECT * FROM (VALUES "
    "('p1', 'instagram', DATE '2025-03-02', 0.04), ('p2', 'instagram', DATE '2025-03-03', 1.25)) "
    "t(post_id, platform, published_date, engagement_rate)",
    "CREATE TABLE marts.rpt_posting_cadence AS SELECT * FROM (VALUES "
    "('instagram', DATE '2025-02-24', 0.05), ('instagram', DATE '2025-03-03', {weekly_rate})) "
    "t(platform, week_start_date, engagement_rate)",
    "ALTER TABLE marts.rpt_posting_cadence ALTER engagement_rate TYPE DOUBLE",
)


def test_a_posts_engagement_rate_above_one_warns_but_a_reports_fails(warehouse, params: GateParams) -> None:
    """A post seen by three people can collect four clicks; a week of posts cannot (a rate, not a count, off)."""
    plausible = run_gate(warehouse(*(s.format(weekly_rate=0.3) for s in CONTENT_SQL)), params)

    warning = plausible.check("engagement_rate_between_0_and_1.marts.fct_posts")
    assert (warning.severity, warning.success, warning.observed_value) == ("warning", False, 1)
    assert warning.samples == [{"post_id": "p2", "platform": "instagram", "engagement_rate": 1.25}]
    assert plausible.success, plausible.summary()

    percent = run_gate(warehouse(*(s.format(weekly_rate=5.2) for s in CONTENT_SQL)), params)
    error = percent.check("engagement_rate_between_0_and_1.marts.rpt_posting_cadence")
    assert (error.severity, error.success) == ("error", False)
    assert error.samples == [{"platform": "instagram", "week_start_date": date(2025, 3, 3), "engagement_rate": 5.2}]
    assert not percent.success
