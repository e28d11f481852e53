"""Organic LinkedIn: organization (company page) posts with lifetime share statistics, daily follower gains.

Post statistics grow after publishing like the other organic platforms (sandbox.social.growth). LinkedIn's
time-bound statistics use UTC days: a page's daily share statistics for day d are what its posts gained between
00:00 UTC of d and of d + 1, so a finished day never changes. Follower gains are organic + paid per UTC day.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np

from sandbox.constants import EPOCH, KIND_LI_DAY, KIND_LI_POSTS, REPORTING_TZ
from sandbox.rng import rng_for
from sandbox.social import grown, growth

LI_ORGANIZATION_ID = "10482311"
LI_ORGANIZATION_URN = f"urn:li:organization:{LI_ORGANIZATION_ID}"
LI_BASE_FOLLOWERS = 5_420
SHARE_METRICS = (
    "impressionCount",
    "uniqueImpressionsCount",
    "clickCount",
    "likeCount",
    "commentCount",
    "shareCount",
)
_TEXTS = (
    "We're hiring: join the Northwind Threads studio team.",
    "How we cut water use in our denim line by 40%.",
    "Meet the makers behind our autumn collection.",
    "Our 2025 sustainability report is out.",
    "Lessons from building a direct-to-consumer apparel brand.",
)


@dataclass(frozen=True, slots=True)
class LiPost:
    """An organization post with its final lifetime share statistics; published_at is UTC (ms precision)."""

    urn: str
    published_at: datetime
    commentary: str
    impressions: int
    unique_impressions: int
    clicks: int
    likes: int
    comments: int
    shares: int

    def seen(self, cutoff: datetime) -> dict[str, int]:
        """Lifetime share statistics as served at `cutoff` (grown; zero before publishing)."""
        if cutoff <= self.published_at:
            return dict.fromkeys(SHARE_METRICS, 0)
        f = growth(self.published_at, cutoff)
        finals = (self.impressions, self.unique_impressions, self.clicks, self.likes, self.comments, self.shares)
        return {name: grown(value, f) for name, value in zip(SHARE_METRICS, finals, strict=True)}

    def engagements(self, cutoff: datetime) -> int:
        """likes + comments + shares + clicks as served at `cutoff`."""
        m = self.seen(cutoff)
        return m["likeCount"] + m["commentCount"] + m["shareCount"] + m["clickCount"]


@cache
def li_posts_for_day(day: date) -> tuple[LiPost, ...]:
    """Posts published on a reporting-tz day (0-2, 0.6 on average; weekdays only), in time order."""
    rng = rng_for(KIND_LI_POSTS, 0, day.toordinal())
    u = rng.random()
    n = 0 if day.weekday() >= 5 or u < 0.45 else (1 if u < 0.9 else 2)
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(8)
        local = datetime.combine(day, time(9), REPORTING_TZ) + timedelta(milliseconds=int(slots[i] * 8 * 3600_000))
        published = local.astimezone(UTC)
        impressions = int(600 + v[0] * 4400)
        likes = int(impressions * (0.01 + v[1] * 0.03))
        ms = int(published.timestamp() * 1000)
        out.append(
            LiPost(
                f"urn:li:share:{(ms << 22) + i}",
                published,
                _TEXTS[int(v[2] * len(_TEXTS))],
                impressions,
                int(impressions * (0.55 + v[3] * 0.25)),
                int(impressions * (0.005 + v[4] * 0.02)),
                likes,
                int(likes * (0.05 + v[5] * 0.15)),
                int(likes * (0.02 + v[6] * 0.08)),
            )
        )
    return tuple(out)


@cache
def li_follower_gains(day: date) -> tuple[int, int]:
    """(organic, paid) new followers of the organization on a UTC day (no unfollows in the sandbox)."""
    rng = rng_for(KIND_LI_DAY, 0, day.toordinal())
    posts = len(li_posts_for_day(day))
    return int(rng.poisson(4 + 3 * posts)), int(rng.poisson(0.4))


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def li_share_day(day: date) -> dict[str, int]:
    """Page-level share statistics of a UTC day: what every post gained between its two UTC midnights."""
    start, end = _utc_midnight(day), _utc_midnight(day + timedelta(days=1))
    out = dict.fromkeys(SHARE_METRICS, 0)
    # Posts stop growing 7 days after publishing; look a little further back to be safe.
    d = max(day - timedelta(days=9), EPOCH)
    while d <= day + timedelta(days=1):
        for p in li_posts_for_day(d):
            if p.published_at >= end:
                continue
            after, before = p.seen(end), p.seen(start)
            for k in SHARE_METRICS:
                out[k] += after[k] - before[k]
        d += timedelta(days=1)
    return out


class _LiTotals:
    """Running LinkedIn follower totals (end of UTC day) from EPOCH."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.totals: list[int] = []

    def total(self, day: date) -> int:
        """Followers at the end of `day` (the base before EPOCH)."""
        if day < EPOCH:
            return LI_BASE_FOLLOWERS
        with self.lock:
            idx = (day - EPOCH).days
            while len(self.totals) <= idx:
                d = EPOCH + timedelta(days=len(self.totals))
                last = self.totals[-1] if self.totals else LI_BASE_FOLLOWERS
                self.totals.append(last + sum(li_follower_gains(d)))
            return self.totals[idx]


LI_TOTALS = _LiTotals()


def li_posts_before(cutoff: datetime) -> list[LiPost]:
    """Every post published from EPOCH up to (excluding) `cutoff`, oldest first."""
    out: list[LiPost] = []
    day = EPOCH
    while datetime.combine(day, time(0), REPORTING_TZ) < cutoff:
        out.extend(p for p in li_posts_for_day(day) if p.published_at < cutoff)
        day += timedelta(days=1)
    return out
