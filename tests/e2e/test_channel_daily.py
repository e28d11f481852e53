"""fct_channel_daily of the first nightly run equals the sandbox's ground truth for every channel and every day, on
DuckDB and on PostgreSQL: ad spend, impressions and clicks on the account-timezone day; organic posts, impressions
and engagements on the reporting-timezone publish date (Pinterest: account analytics per activity day); followers;
GA4 sessions on the property date; attributed store revenue, orders and new customers on the order date (refunds
on theirs). Money to the cent.

A channel-day row holds zeros for the sources that had nothing that day, so each group compares the channel-days
where one of its metrics is non-zero, over every channel: a value in a channel the truth has none for fails too.
Connectors that can only read limited history on a first run (Pinterest analytics, LinkedIn follower statistics)
are compared over the days they load.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from e2e_scenario import (
    FIRST_END_DATE,
    PINTEREST_ADS_FIRST_DAY,
    PINTEREST_FIRST_DAY,
    PLATFORMS,
    RUN_DATE,
    FirstRun,
    Query,
    run_truth,
)

from sandbox.constants import EPOCH
from sandbox.truth import ORGANIC_PLATFORMS, Truth
from sources.linkedin_pages.settings import MAX_HISTORY_DAYS as LINKEDIN_MAX_HISTORY_DAYS

pytestmark = pytest.mark.e2e

ORGANIC_ACTIVITY = ("posts_published", "organic_impressions", "engagements")
# The first day of follower history a first run loads: LinkedIn serves 12 months of follower statistics; X and
# Pinterest serve none (only the snapshot a run takes, see test_content_marts).
FOLLOWER_HISTORY_FROM = {
    "instagram": EPOCH,
    "facebook": EPOCH,
    "tiktok": EPOCH,
    "youtube": EPOCH,
    "linkedin": FIRST_END_DATE - timedelta(days=LINKEDIN_MAX_HISTORY_DAYS),
}


@pytest.fixture(scope="module")
def truth() -> Truth:
    return run_truth(RUN_DATE)


def _cells(query: Query, columns: str) -> dict[tuple[str, date], tuple[object, ...]]:
    """(channel, date_day) -> the columns, for the rows where one of them is neither 0 nor null."""
    rows = query(f"select channel, date_day, {columns} from marts.fct_channel_daily")
    cells = {(channel, day): tuple(values) for channel, day, *values in rows}
    assert len(cells) == len(rows), "fct_channel_daily must hold one row per channel and day"
    return {key: values for key, values in cells.items() if any(values)}


def test_ad_delivery_per_channel_per_day(first_run: FirstRun, truth: Truth) -> None:
    """Every ad platform's spend, impressions and clicks per account-timezone day."""
    expected = {
        (platform, day): (t.spend, t.impressions, t.clicks)
        for (platform, day), t in truth.ad_totals_by_day().items()
        if platform in PLATFORMS and (platform != "pinterest" or day >= PINTEREST_ADS_FIRST_DAY)
    }
    assert {platform for platform, _ in expected} == set(PLATFORMS)
    assert _cells(first_run.query, "spend, impressions, clicks") == expected


def _organic_activity(truth: Truth, platform: str) -> dict[tuple[str, date], tuple[int, ...]]:
    """(posts, impressions, engagements) per day of a platform's organic truth, over the days the run loads."""
    by_metric = {metric: truth.organic_by_day(platform, metric) for metric in ORGANIC_ACTIVITY}
    if platform == "pinterest":  # account analytics; the pins themselves are listed in full
        for metric in ("organic_impressions", "engagements"):
            by_metric[metric] = {d: n for d, n in by_metric[metric].items() if d >= PINTEREST_FIRST_DAY}
    days = set().union(*by_metric.values())
    cells = {(platform, d): tuple(by_metric[m].get(d, 0) for m in ORGANIC_ACTIVITY) for d in days}
    return {key: values for key, values in cells.items() if any(values)}


def test_organic_activity_per_channel_per_day(first_run: FirstRun, truth: Truth) -> None:
    """Posts published, organic impressions and engagements of every organic platform per day."""
    expected: dict[tuple[str, date], tuple[int, ...]] = {}
    for platform in ORGANIC_PLATFORMS:
        activity = _organic_activity(truth, platform)
        assert activity, platform
        expected.update(activity)
    assert _cells(first_run.query, ", ".join(ORGANIC_ACTIVITY)) == expected


def test_followers_per_channel_per_day(first_run: FirstRun, truth: Truth) -> None:
    """Followers total and gained per day over each platform's follower history; X and Pinterest, which keep no
    history, only the total of the day before the run (a gain needs the next run's snapshot)."""
    rows = first_run.query(
        "select channel, date_day, followers_total, followers_gained from marts.fct_channel_daily "
        "where followers_total is not null or followers_gained is not null"
    )
    expected: dict[tuple[str, date], tuple[int, int | None]] = {}
    for platform in ORGANIC_PLATFORMS:
        first = FOLLOWER_HISTORY_FROM.get(platform)
        if first is None:
            expected[(platform, FIRST_END_DATE)] = (truth.followers_total(platform, FIRST_END_DATE), None)
            continue
        gains = truth.organic_by_day(platform, "followers_gained")
        expected.update(
            {(platform, d): (truth.followers_total(platform, d), n) for d, n in gains.items() if d >= first}
        )
    assert {(channel, day): (total, gained) for channel, day, total, gained in rows} == expected


def test_sessions_per_channel_per_day(first_run: FirstRun, truth: Truth) -> None:
    """GA4 sessions per channel (source x medium through the channel_sources seed) and property date."""
    [(without_sessions,)] = first_run.query("select count(*) from marts.fct_channel_daily where sessions is null")
    assert without_sessions == 0, "GA4 is loaded: every channel-day has sessions, 0 when there were none"
    expected = {key: (n,) for key, n in truth.sessions_by_channel_day().items() if n}
    assert {channel for channel, _ in expected} >= {"meta", "google", "instagram", "other"}
    assert _cells(first_run.query, "sessions") == expected


def test_attributed_revenue_per_channel_per_day(first_run: FirstRun, truth: Truth) -> None:
    """Net sales, orders and new customers attributed to each channel per reporting-timezone date, to the cent."""
    expected = {
        key: (day.revenue, day.orders, day.new_customers)
        for key, day in truth.revenue_by_channel_day().items()
        if day.revenue or day.orders
    }
    assert {channel for channel, _ in expected} >= {"meta", "instagram", "influencer", "other", "unattributed"}
    assert any(revenue < 0 for revenue, _, _ in expected.values()), "refund-only days must be compared too"
    assert sum(revenue for revenue, _, _ in expected.values()) == truth.revenue()
    assert _cells(first_run.query, "attributed_revenue, attributed_orders, attributed_new_customers") == expected
