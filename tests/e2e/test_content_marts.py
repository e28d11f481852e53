"""The content marts after the nightly runs equal the sandbox's ground truth: every post of fct_posts (ids, metrics,
engagements, engagement rate), cells of rpt_best_time_to_post and weeks of rpt_posting_cadence recomputed from the
truth's posts, and fct_follower_growth_daily against the truth's follower totals. The first run is checked on DuckDB
and on PostgreSQL (the `first_run` fixture), the second run on DuckDB.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from e2e_scenario import NEXT_DATE, RUN_DATE, FirstRun, Query, Scenario, query, run_truth

from sandbox.truth import ORGANIC_PLATFORMS, PostFact

pytestmark = pytest.mark.e2e

REPORTING_TZ = ZoneInfo("America/New_York")
POST_COLUMNS = (
    "native_post_id, platform, account_id, published_at, published_date, published_hour, published_weekday, "
    "content_type, campaign_tag, impressions, reach, likes, comments, shares, saves, clicks, video_views, "
    "engagements, engagement_denominator, engagement_rate, engagement_rate_basis"
)


def _expected_post(post: PostFact) -> tuple[object, ...]:
    """A truth post as the fct_posts row POST_COLUMNS should read (local time parts in the reporting timezone)."""
    local = post.published_at.astimezone(REPORTING_TZ)
    return (
        post.post_id,
        post.platform,
        post.account_id,
        post.published_at,
        local.date(),
        local.hour,
        local.isoweekday(),
        post.content_type,
        post.campaign_tag,
        post.impressions,
        post.reach,
        post.likes,
        post.comments,
        post.shares,
        post.saves,
        post.clicks,
        post.video_views,
        post.engagements,
        post.engagement_denominator,
        post.engagement_rate,
        post.engagement_rate_basis,
    )


def _posts_by_platform(run_query: Query) -> dict[str, dict[str, tuple[object, ...]]]:
    """fct_posts rows per platform, keyed by post_id."""
    out: dict[str, dict[str, tuple[object, ...]]] = defaultdict(dict)
    for post_id, *row in run_query(f"select post_id, {POST_COLUMNS} from marts.fct_posts"):
        out[row[1]][post_id] = tuple(row)
    return out


def test_every_post_equals_truth(first_run: FirstRun) -> None:
    """Each platform's posts, ids to engagement rate."""
    _assert_posts_equal_truth(first_run.query, RUN_DATE)


def test_every_post_equals_truth_after_the_second_run(scenario: Scenario) -> None:
    """The second run re-reads the posts still growing: every post equals the truth one day later."""
    _assert_posts_equal_truth(partial(query, scenario.second_snapshot), NEXT_DATE)


def _assert_posts_equal_truth(run_query: Query, as_of: date) -> None:
    loaded = _posts_by_platform(run_query)
    truth = run_truth(as_of)
    for platform in ORGANIC_PLATFORMS:
        expected = {f"{p.platform}:{p.post_id}": _expected_post(p) for p in truth.posts(platform)}
        assert expected, platform
        assert loaded[platform] == expected, platform
    assert set(loaded) == set(ORGANIC_PLATFORMS)
    tagged = [p for p in truth.posts() if p.campaign_tag]
    assert {p.platform for p in tagged} == {"instagram", "facebook"}


def _local(post: PostFact) -> tuple[int, int]:
    """(ISO weekday, hour) of the post in the reporting timezone."""
    local = post.published_at.astimezone(REPORTING_TZ)
    return local.isoweekday(), local.hour


def _sum(values: list[int | None]) -> int | None:
    """SQL sum: None when every value is None."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _ratio(numerator: int | None, denominator: int | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def test_best_time_to_post_cells_equal_truth(first_run: FirstRun) -> None:
    """The busiest weekday x hour cell and the quietest one of every platform."""
    truth = run_truth(RUN_DATE)
    rows = first_run.query(
        "select platform, published_weekday, published_hour, posts, posts_with_engagement_rate, "
        "median_engagement_rate, engagements, engagement_denominator, summed_engagement_rate "
        "from marts.rpt_best_time_to_post",
    )
    loaded = {(platform, weekday, hour): values for platform, weekday, hour, *values in rows}
    for platform in ORGANIC_PLATFORMS:
        cells: dict[tuple[int, int], list[PostFact]] = defaultdict(list)
        for post in truth.posts(platform):
            cells[_local(post)].append(post)
        assert {key[1:] for key in loaded if key[0] == platform} == set(cells), platform
        busiest = max(cells, key=lambda c: (len(cells[c]), c))
        quietest = min(cells, key=lambda c: (len(cells[c]), c))
        for cell in (busiest, quietest):
            posts = cells[cell]
            rates = [p.engagement_rate for p in posts if p.engagement_rate is not None]
            engagements = _sum([p.engagements for p in posts])
            denominator = _sum([p.engagement_denominator for p in posts])
            posts_n, rated_n, median, *sums, summed_rate = loaded[(platform, *cell)]
            assert (posts_n, rated_n, *sums) == (len(posts), len(rates), engagements, denominator), (platform, cell)
            assert median == (pytest.approx(statistics.median(rates), rel=1e-12) if rates else None)
            assert summed_rate == _ratio(engagements, denominator)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_posting_cadence_weeks_equal_truth(first_run: FirstRun) -> None:
    """Every week from a platform's first post through the run week is a row; the busiest, a quiet and the
    partial last week of every platform equal the truth's posts of the week."""
    truth = run_truth(RUN_DATE)
    rows = first_run.query(
        "select platform, week_start_date, is_complete_week, posts_published, engagements, impressions, "
        "engagement_denominator, engagement_rate from marts.rpt_posting_cadence",
    )
    loaded = {(platform, week): values for platform, week, *values in rows}
    last_week = _week_start(RUN_DATE - timedelta(days=1))
    for platform in ORGANIC_PLATFORMS:
        weeks: dict[date, list[PostFact]] = defaultdict(list)
        for post in truth.posts(platform):
            weeks[_week_start(post.published_at.astimezone(REPORTING_TZ).date())].append(post)
        first = min(weeks)
        all_weeks = {first + timedelta(weeks=i) for i in range((last_week - first).days // 7 + 1)}
        assert {week for p, week in loaded if p == platform} == all_weeks, platform
        busiest = max(weeks, key=lambda w: (len(weeks[w]), w))
        quiet = min(all_weeks, key=lambda w: (len(weeks.get(w, [])), w))
        # A week without posts has 0 engagements, except on Pinterest, which reports no per-pin metrics at all.
        empty = None if platform == "pinterest" else 0
        for week in (busiest, quiet, last_week):
            posts = weeks.get(week, [])
            engagements = _sum([p.engagements for p in posts]) if posts else empty
            denominator = _sum([p.engagement_denominator for p in posts]) if posts else empty
            impressions = _sum([p.impressions for p in posts]) if posts else empty
            expected = [
                week + timedelta(days=7) <= RUN_DATE,
                len(posts),
                engagements,
                impressions,
                denominator,
                _ratio(engagements, denominator),
            ]
            assert loaded[(platform, week)] == expected, (platform, week)
    # RUN_DATE is a Tuesday: its week has only started.
    assert loaded[("instagram", last_week)][0] is False


def _followers(run_query: Query, day: date) -> dict[str, tuple[int | None, int | None, int | None]]:
    """(followers_total, followers_gained, previous_followers_total) summed over each platform's accounts."""
    rows = run_query(
        "select platform, sum(followers_total), sum(followers_gained), sum(previous_followers_total) "
        f"from marts.fct_follower_growth_daily where date_day = date '{day}' group by platform",
    )
    return {platform: (total, gained, previous) for platform, total, gained, previous in rows}


def test_follower_growth_equals_truth(first_run: FirstRun) -> None:
    """Platforms with follower history at a month end and the last day; the month's gains; the growth rate."""
    truth = run_truth(RUN_DATE)
    with_history = ("instagram", "facebook", "tiktok", "youtube", "linkedin")
    for day in (date(2026, 10, 31), RUN_DATE - timedelta(days=1)):
        loaded = _followers(first_run.query, day)
        for platform in with_history:
            total, previous = truth.followers_total(platform, day), truth.followers_total(platform, day - timedelta(1))
            assert loaded[platform] == (total, total - previous, previous), (platform, day)
    rates = dict(
        first_run.query(
            "select platform, growth_rate from marts.fct_follower_growth_daily where date_day = date '2026-10-31'"
        )
    )
    for platform in with_history:
        gained = truth.followers_total(platform, date(2026, 10, 31)) - truth.followers_total(
            platform, date(2026, 10, 30)
        )
        assert rates[platform] == gained / truth.followers_total(platform, date(2026, 10, 30)), platform
    month = first_run.query(
        "select platform, sum(followers_gained) from marts.fct_follower_growth_daily "
        "where date_day between date '2026-10-01' and date '2026-10-31' group by platform",
    )
    assert {p: n for p, n in month if p in with_history} == {
        p: truth.followers_gained(p, "2026-10") for p in with_history
    }


def test_snapshot_only_follower_growth_needs_two_runs(scenario: Scenario) -> None:
    """X and Pinterest (two accounts) have no follower history: the first run gives the total of the day before it,
    the second run also that day's gain, from the two snapshots."""
    first_day, second_day = RUN_DATE - timedelta(days=1), NEXT_DATE - timedelta(days=1)
    first = _followers(partial(query, scenario.first_snapshot), first_day)
    second = _followers(partial(query, scenario.second_snapshot), second_day)
    truth = run_truth(NEXT_DATE)
    for platform in ("x", "pinterest"):
        assert first[platform] == (truth.followers_total(platform, first_day), None, None), platform
        total, previous = truth.followers_total(platform, second_day), truth.followers_total(platform, first_day)
        assert second[platform] == (total, total - previous, previous), platform
    [(rate,)] = query(
        scenario.second_snapshot,
        f"select growth_rate from marts.fct_follower_growth_daily where platform = 'x' and date_day = '{second_day}'",
    )
    assert rate == (truth.followers_total("x", second_day) - truth.followers_total("x", first_day)) / (
        truth.followers_total("x", first_day)
    )
