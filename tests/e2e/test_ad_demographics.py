"""fct_ad_demographics_daily of the first nightly run, on DuckDB and on PostgreSQL: the Meta and TikTok connectors'
age x gender breakdowns reproduce the sandbox's ground truth to the cent per platform x account-timezone day x
age_range x gender (spend in the reporting and the account currency, impressions, clicks, platform conversions and
their value), and add up to fct_ad_performance_daily for every campaign and day, in both currencies. The next day's
incremental run re-reads only the look-back window and merges the restated rows: the mart then equals the truth
as seen a day later.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from e2e_scenario import NEXT_DATE, RUN_DATE, FirstRun, Query, Scenario, query, run_truth

pytestmark = pytest.mark.e2e

PLATFORMS = ("meta", "tiktok")  # the ad platforms that report an age x gender breakdown
METRICS = (
    "spend",
    "spend_local",
    "impressions",
    "clicks",
    "platform_conversions",
    "platform_conversion_value",
    "platform_conversion_value_local",
)


def _numbers(values: tuple[object, ...]) -> tuple[object, ...]:
    """Sums as exact numbers: money as Decimal, counts as int (conversions are a double column)."""
    return tuple(v if isinstance(v, Decimal) else int(v) for v in values)  # type: ignore[call-overload]


def _by_day_age_and_gender(run_query: Query) -> dict[tuple[object, ...], tuple[object, ...]]:
    rows = run_query(
        "select platform, date_day, age_range, gender, sum(spend), sum(spend_local), sum(impressions), sum(clicks), "
        "sum(platform_conversions), sum(platform_conversion_value) from marts.fct_ad_demographics_daily "
        "group by platform, date_day, age_range, gender"
    )
    return {(platform, day, age, gender): _numbers(tuple(sums)) for platform, day, age, gender, *sums in rows}


def _truth_by_day_age_and_gender(as_of: date) -> dict[tuple[object, ...], tuple[object, ...]]:
    return {
        key: (t.spend, t.spend_local, t.impressions, t.clicks, t.conversions, t.conversion_value)
        for key, t in run_truth(as_of).ad_demographics_by_day().items()
    }


def test_demographics_equal_the_truth_per_platform_day_age_and_gender(first_run: FirstRun) -> None:
    loaded = _by_day_age_and_gender(first_run.query)
    expected = _truth_by_day_age_and_gender(RUN_DATE)
    assert {platform for platform, *_ in expected} == set(PLATFORMS)
    assert {age for _, _, age, _ in expected} >= {"18-24", "25-34", "35-44", "45-54", "55+", "unknown"}
    assert all(isinstance(value, Decimal) for sums in loaded.values() for value in (sums[0], sums[1], sums[5]))
    assert loaded == expected


def test_demographics_add_up_to_ad_performance_per_campaign_day(first_run: FirstRun) -> None:
    sums = ", ".join(f"sum({metric})" for metric in METRICS)
    by_campaign_day = "platform, account_id, campaign_key, date_day"
    platforms = ", ".join(f"'{p}'" for p in PLATFORMS)

    def totals(mart: str) -> dict[tuple[object, ...], tuple[object, ...]]:
        rows = first_run.query(
            f"select {by_campaign_day}, {sums} from marts.{mart} where platform in ({platforms}) "
            f"group by {by_campaign_day}"
        )
        return {tuple(row[:4]): _numbers(tuple(row[4:])) for row in rows}

    demographics, performance = totals("fct_ad_demographics_daily"), totals("fct_ad_performance_daily")
    assert len(performance) > 1000
    # EUR campaigns too: their spend is converted per ad day before it is split, so no cent drifts.
    currencies = first_run.query("select distinct currency_code from marts.fct_ad_demographics_daily")
    assert sorted(currency for (currency,) in currencies) == ["EUR", "USD"]
    assert demographics == performance


def test_the_next_run_rereads_the_lookback_and_merges_restated_breakdowns(scenario: Scenario) -> None:
    first, second = scenario.first.rows_extracted, scenario.second.rows_extracted
    for source in ("meta_ads", "tiktok_ads"):
        assert 0 < second[source]["ad_insights_age_gender"] < first[source]["ad_insights_age_gender"] * 0.1
    expected = _truth_by_day_age_and_gender(NEXT_DATE)
    assert expected != _truth_by_day_age_and_gender(RUN_DATE)  # new days, and restated spend and purchases
    assert _by_day_age_and_gender(partial(query, scenario.second_snapshot)) == expected
