"""The commerce marts on the shared nightly scenario equal the sandbox's ground truth to the cent: the segment mart
(every segment and month), the weekly campaign revenue of the last full ISO week, platform-claimed against
store-attributed conversions for a month, and revenue per attribution method (referrer step included). Every check
runs on the first run's DuckDB and PostgreSQL warehouses (the `first_run` fixture).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from e2e_scenario import RUN_DATE, FirstRun, month_of, run_truth

from sandbox.truth import Truth

pytestmark = pytest.mark.e2e

CLOSED_MONTH = "2026-10"


@pytest.fixture(scope="module")
def truth() -> Truth:
    return run_truth(RUN_DATE)


def _money(value: object) -> Decimal:
    return Decimal(str(value))


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    return None if denominator == 0 else float(numerator) / float(denominator)


def _approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value, rel=1e-9)


def test_segment_mart_equals_the_truth_for_every_segment_and_month(first_run: FirstRun, truth: Truth) -> None:
    rows = first_run.query(
        f"select {month_of('month')}, segment, spend, revenue, orders, customers, new_customers, sessions, cac, "
        "roas, conversion_rate from marts.fct_segment_monthly",
    )
    actual = {
        (month, segment): (_money(spend), _money(revenue), orders, customers, new, sessions)
        for month, segment, spend, revenue, orders, customers, new, sessions, *_ in rows
    }
    expected = {
        key: (v.spend, v.revenue, v.orders, v.customers, v.new_customers, v.sessions)
        for key, v in truth.segment_months().items()
    }
    assert actual == expected
    assert {segment for _, segment in actual} == {"genz", "millennial", "parents", "unassigned"}
    assert len({month for month, _ in actual}) == len(truth.months())
    for _, _, spend, revenue, orders, _, new, sessions, cac, roas, conversion_rate in rows:
        assert cac == _approx(_ratio(_money(spend), new))
        assert roas == _approx(_ratio(_money(revenue), _money(spend)))
        assert conversion_rate == _approx(_ratio(orders, sessions))
    # Spend, revenue and sessions add up over the segments to the totals.
    month_rows = [v for (month, _), v in actual.items() if month == CLOSED_MONTH]
    assert sum(v[1] for v in month_rows) == truth.revenue(CLOSED_MONTH)
    assert sum(v[5] for v in month_rows) == truth.sessions(CLOSED_MONTH)


def test_campaign_segments_follow_the_naming_convention_then_the_segment_rules(
    first_run: FirstRun, truth: Truth
) -> None:
    rows = first_run.query("select campaign_key, segment, segment_source from marts.dim_campaigns")
    assert {key: segment for key, segment, _ in rows} == truth.campaign_segments()
    ruled = {key: segment for key, segment, source in rows if source == "segment_rule"}
    # The sandbox's `boomers` campaigns get their segment from inputs/segment_rules.csv (see sandbox.segments).
    assert len(ruled) >= 5 and "unassigned" not in ruled.values()
    sources = first_run.query(
        "select customer_segment_source, count(*) from marts.fct_orders_attributed group by customer_segment_source",
    )
    assert {source for source, n in sources if n} == {"campaign", "segment_rule", "unassigned"}


def test_weekly_campaign_revenue_of_the_last_full_iso_week(first_run: FirstRun, truth: Truth) -> None:
    monday = RUN_DATE - timedelta(days=RUN_DATE.weekday() + 7)
    iso_year, iso_week, _ = monday.isocalendar()
    weeks = truth.campaign_weeks()
    expected = {key: v for (week, key), v in weeks.items() if week == monday}
    first_week: dict[str, date] = {}
    for week, key in weeks:
        first_week[key] = min(week, first_week.get(key, week))
    rows = first_run.query(
        "select campaign_key, iso_week, is_complete_week, spend, attributed_revenue, attributed_orders, roas, cpa, "
        "revenue_wow_change, spend_wow_change, roas_wow_change from marts.rpt_weekly_campaign_revenue "
        f"where week_start_date = date '{monday}'",
    )
    assert len(expected) >= 10
    seen = set()
    for key, label, complete, spend, revenue, orders, roas, cpa, revenue_change, spend_change, roas_change in rows:
        assert (label, complete) == (f"{iso_year}-W{iso_week:02d}", True)
        if key not in expected:  # a quiet week between two active ones: zeros, so that WoW compares weeks
            assert (_money(spend), _money(revenue), orders) == (0, 0, 0), key
            continue
        seen.add(key)
        week = expected[key]
        assert (_money(spend), _money(revenue), orders) == (week.spend, week.revenue, week.orders), key
        assert roas == _approx(_ratio(week.revenue, week.spend))
        assert cpa == _approx(_ratio(week.spend, week.orders))
        if first_week[key] == monday:
            assert (revenue_change, spend_change, roas_change) == (None, None, None), key
            continue
        previous = weeks.get((monday - timedelta(days=7), key))
        previous_spend = previous.spend if previous else Decimal("0.00")
        previous_revenue = previous.revenue if previous else Decimal("0.00")
        assert _money(revenue_change) == week.revenue - previous_revenue, key
        assert _money(spend_change) == week.spend - previous_spend, key
        this_roas, previous_roas = _ratio(week.revenue, week.spend), _ratio(previous_revenue, previous_spend)
        expected_change = None if this_roas is None or previous_roas is None else this_roas - previous_roas
        assert roas_change == _approx(expected_change), key
    assert seen == set(expected)


def test_platform_claims_against_store_attribution_for_a_month(first_run: FirstRun, truth: Truth) -> None:
    rows = first_run.query(
        "select platform, spend, platform_conversions, platform_conversion_value, store_orders, store_revenue, "
        "conversions_difference, conversion_value_difference, conversions_ratio, conversion_value_ratio "
        f"from marts.rpt_platform_vs_store_conversions where month = date '{CLOSED_MONTH}-01'",
    )
    expected = {platform: v for (month, platform), v in truth.platform_months().items() if month == CLOSED_MONTH}
    assert {platform for platform, *_ in rows} == set(expected)
    assert len(expected) == 7
    for platform, spend, conversions, value, orders, revenue, conv_diff, value_diff, conv_ratio, value_ratio in rows:
        v = expected[platform]
        assert (_money(spend), conversions, _money(value), orders, _money(revenue)) == (
            v.spend,
            v.platform_conversions,
            v.platform_conversion_value,
            v.store_orders,
            v.store_revenue,
        ), platform
        assert (conv_diff, _money(value_diff)) == (
            v.platform_conversions - v.store_orders,
            v.platform_conversion_value - v.store_revenue,
        )
        assert conv_ratio == _approx(_ratio(v.platform_conversions, v.store_orders))
        assert value_ratio == _approx(_ratio(v.platform_conversion_value, v.store_revenue))


def test_revenue_per_attribution_method_is_conserved(first_run: FirstRun, truth: Truth) -> None:
    rows = first_run.query(
        "select attribution_method, sum(revenue) from marts.fct_orders_attributed group by attribution_method",
    )
    by_method = {method: _money(revenue) for method, revenue in rows}
    assert by_method == truth.revenue_by_attribution_method()
    assert set(by_method) == {"utm", "promo_code", "referrer", "unattributed"}
    assert sum(by_method.values()) == truth.revenue()
    # The referrer step by channel: organic social and search referrers without UTMs.
    referrer = first_run.query(
        "select channel, sum(revenue) from marts.fct_orders_attributed where attribution_method = 'referrer' "
        "group by channel",
    )
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for order in truth.order_facts():
        if order.attribution.method == "referrer":
            expected[order.attribution.channel] += order.revenue
    for refund in truth.refund_facts():
        if refund.attribution.method == "referrer":
            expected[refund.attribution.channel] += refund.amount
    assert {channel: _money(revenue) for channel, revenue in referrer} == dict(expected)
    assert {"instagram", "facebook", "x", "linkedin", "pinterest", "youtube", "tiktok", "google"} <= set(expected)
