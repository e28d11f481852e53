"""Truth.posts() agrees with the truth's monthly organic totals, which sum the same posts by another code path, and
applies the growth of posts still maturing at as_of."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.social import ig_media_for_day
from sandbox.truth import ORGANIC_PLATFORMS, PostFact, Truth

AS_OF = date(2025, 4, 15)
MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")
NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def truth() -> Truth:
    return Truth(AS_OF)


def _month_posts(truth: Truth, platform: str, month: str) -> list[PostFact]:
    """A platform's posts published in the month (reporting-timezone date)."""
    return [p for p in truth.posts(platform) if p.published_at.astimezone(NY).strftime("%Y-%m") == month]


@pytest.mark.parametrize("platform", ORGANIC_PLATFORMS)
def test_posts_add_up_to_the_monthly_organic_truth(truth: Truth, platform: str) -> None:
    for month in MONTHS:
        posts = _month_posts(truth, platform, month)
        assert len(posts) == truth.posts_published(platform, month) > 0, month
        if platform == "pinterest":
            # Pins carry no metrics: Pinterest's impressions and engagements are account analytics per day.
            assert {(p.impressions, p.engagements, p.engagement_rate_basis) for p in posts} == {(None, None, None)}
            continue
        assert sum(p.impressions for p in posts) == truth.organic_impressions(platform, month), month
        assert sum(p.engagements for p in posts) == truth.engagements(platform, month), month


@pytest.mark.parametrize("platform", ORGANIC_PLATFORMS)
def test_posts_add_up_to_the_daily_organic_truth(truth: Truth, platform: str) -> None:
    """organic_by_day counts each post on its reporting-timezone publish date (Pinterest's impressions and
    engagements are account analytics, checked through the monthly totals)."""
    by_day: dict[date, list[PostFact]] = defaultdict(list)
    for post in truth.posts(platform):
        by_day[post.published_at.astimezone(NY).date()].append(post)
    assert truth.organic_by_day(platform, "posts_published") == {d: len(posts) for d, posts in by_day.items()}
    if platform != "pinterest":
        for metric, value in (("organic_impressions", "impressions"), ("engagements", "engagements")):
            expected = {d: sum(getattr(p, value) for p in posts) for d, posts in by_day.items()}
            assert truth.organic_by_day(platform, metric) == expected, metric
    days = truth.organic_by_day(platform, "followers_gained")
    assert min(days) == date(2025, 1, 1) and max(days) == AS_OF - timedelta(days=1) and len(days) == len(set(days))
    for month in MONTHS:
        assert sum(n for d, n in days.items() if d.strftime("%Y-%m") == month) == truth.followers_gained(
            platform, month
        )


def test_post_ids_are_unique_per_platform(truth: Truth) -> None:
    keys = [(p.platform, p.post_id) for p in truth.posts()]
    assert len(keys) == len(set(keys))
    assert {p.platform for p in truth.posts()} == set(ORGANIC_PLATFORMS)


def test_recent_posts_are_served_at_their_grown_values(truth: Truth) -> None:
    """Media of the day before as_of are at half their final metrics (age < 2 days), a month-old one at its final."""
    by_id = {p.post_id: p for p in truth.posts("instagram")}
    recent = ig_media_for_day(AS_OF - timedelta(days=1))
    old = ig_media_for_day(AS_OF - timedelta(days=30))
    assert recent and old
    for media, share in [(m, (1, 2)) for m in recent] + [(m, (1, 1)) for m in old]:
        post = by_id[media.id]
        assert (post.impressions, post.reach, post.likes) == tuple(
            v * share[0] // share[1] for v in (media.views, media.reach, media.like_count)
        )


def test_engagement_rate_divides_by_reach_else_impressions(truth: Truth) -> None:
    bases = {(p.platform, p.engagement_rate_basis) for p in truth.posts()}
    assert bases == {
        ("instagram", "reach"),
        ("facebook", "reach"),
        ("tiktok", "reach"),
        ("linkedin", "reach"),
        ("youtube", "impressions"),
        ("x", "impressions"),
        ("pinterest", None),
    }
    x_post = truth.posts("x")[0]
    assert x_post.engagement_rate == x_post.engagements / x_post.impressions
    ig_post = truth.posts("instagram")[0]
    assert ig_post.engagement_rate == ig_post.engagements / ig_post.reach


def test_campaign_tags_come_from_meta_campaign_hashtags(truth: Truth) -> None:
    tagged = [p for p in truth.posts() if p.campaign_tag]
    assert {p.platform for p in tagged} == {"instagram", "facebook"}
    assert all(p.campaign_tag.startswith("#nw") and "-" not in p.campaign_tag for p in tagged)
