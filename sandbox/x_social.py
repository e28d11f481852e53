"""Organic X (Twitter): posts of the brand account with lifetime public metrics, and daily new followers.

X has no follower-history endpoint: the replica only serves the current `followers_count`, so a pipeline keeps a
snapshot per run (see docs/design.md). Post metrics grow after publishing like the other organic platforms
(sandbox.social.growth).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np

from sandbox.constants import EPOCH, KIND_X_DAY, KIND_X_POSTS, REPORTING_TZ
from sandbox.rng import rng_for
from sandbox.social import grown, growth

X_USER_ID = "1500000000000000001"
X_USERNAME = "northwindthreads"
X_NAME = "Northwind Threads"
X_BASE_FOLLOWERS = 9_870
_TWITTER_EPOCH_MS = 1_288_834_974_657
_TEXTS = (
    "New drop, same promise: made to last.",
    "Which colourway are you picking?",
    "Restock alert - the heavyweight tee is back.",
    "Slow fashion, fast shipping.",
    "Thread of the week: how we source our cotton.",
    "Tell us your favourite Northwind piece.",
)


@dataclass(frozen=True, slots=True)
class XPost:
    """A post (tweet) with its final lifetime public metrics; created_at is UTC (second precision)."""

    id: str
    created_at: datetime
    text: str
    impressions: int
    likes: int
    replies: int
    retweets: int
    quotes: int
    bookmarks: int

    def seen(self, cutoff: datetime) -> dict[str, int]:
        """public_metrics as served at `cutoff` (grown)."""
        f = growth(self.created_at, cutoff)
        return {
            "retweet_count": grown(self.retweets, f),
            "reply_count": grown(self.replies, f),
            "like_count": grown(self.likes, f),
            "quote_count": grown(self.quotes, f),
            "bookmark_count": grown(self.bookmarks, f),
            "impression_count": grown(self.impressions, f),
        }

    def engagements(self, cutoff: datetime) -> int:
        """likes + replies + retweets + quotes + bookmarks as served at `cutoff`."""
        m = self.seen(cutoff)
        return sum(v for k, v in m.items() if k != "impression_count")


def _snowflake(at: datetime, seq: int) -> str:
    """A Twitter-style snowflake id for an instant (ids sort by creation time)."""
    ms = int(at.timestamp() * 1000)
    return str(((ms - _TWITTER_EPOCH_MS) << 22) + seq)


@cache
def x_posts_for_day(day: date) -> tuple[XPost, ...]:
    """Posts published on a reporting-tz day (0-3, 1.3 on average), in time order."""
    rng = rng_for(KIND_X_POSTS, 0, day.toordinal())
    u = rng.random()
    n = 0 if u < 0.2 else (1 if u < 0.6 else (2 if u < 0.9 else 3))
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(8)
        local = datetime.combine(day, time(8), REPORTING_TZ) + timedelta(seconds=int(slots[i] * 14 * 3600))
        created = local.astimezone(UTC)
        impressions = int(800 + v[0] * 5200)
        likes = int(impressions * (0.008 + v[1] * 0.02))
        out.append(
            XPost(
                _snowflake(created, i),
                created,
                _TEXTS[int(v[2] * len(_TEXTS))],
                impressions,
                likes,
                int(likes * (0.05 + v[3] * 0.1)),
                int(likes * (0.1 + v[4] * 0.2)),
                int(likes * (0.01 + v[5] * 0.05)),
                int(likes * (0.02 + v[6] * 0.08)),
            )
        )
    return tuple(out)


@cache
def x_followers_gained(day: date) -> int:
    """New followers of the X account on a reporting-tz day (no unfollows in the sandbox)."""
    rng = rng_for(KIND_X_DAY, 0, day.toordinal())
    return int(rng.poisson(6 + 3 * len(x_posts_for_day(day))))


class _XTotals:
    """Running X follower totals (end of day) from EPOCH."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.totals: list[int] = []

    def total(self, day: date) -> int:
        """Followers at the end of `day` (the base before EPOCH)."""
        if day < EPOCH:
            return X_BASE_FOLLOWERS
        with self.lock:
            idx = (day - EPOCH).days
            while len(self.totals) <= idx:
                d = EPOCH + timedelta(days=len(self.totals))
                self.totals.append((self.totals[-1] if self.totals else X_BASE_FOLLOWERS) + x_followers_gained(d))
            return self.totals[idx]


X_TOTALS = _XTotals()


def x_posts_before(cutoff: datetime) -> list[XPost]:
    """Every post created from EPOCH up to (excluding) `cutoff`, oldest first."""
    out: list[XPost] = []
    day = EPOCH
    while datetime.combine(day, time(0), REPORTING_TZ) < cutoff:
        out.extend(p for p in x_posts_for_day(day) if p.created_at < cutoff)
        day += timedelta(days=1)
    return out
