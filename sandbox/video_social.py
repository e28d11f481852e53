"""Organic video platforms: the TikTok business account and the YouTube channel of the simulated brand.

Videos have final lifetime metrics that grow after publishing by the Instagram rule (`sandbox.social.growth`).
Account days hold follower movements: TikTok's daily new / lost followers and total, YouTube Analytics' daily views,
watch time, likes, comments, shares and subscribers gained / lost (YouTube days are Pacific-time days, as YouTube
Analytics reports them). Everything is generated per (kind, day), so a day never depends on the run date.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np

from sandbox.constants import (
    EPOCH,
    KIND_TT_DAY,
    KIND_TT_VIDEOS,
    KIND_YT_DAY,
    KIND_YT_VIDEOS,
    REPORTING_TZ,
    TT_BASE_FOLLOWERS,
    TT_USERNAME,
    YT_BASE_SUBSCRIBERS,
)
from sandbox.rng import rng_for
from sandbox.social import grown, growth

_YT_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_TT_CAPTIONS = (
    "POV: your new favourite hoodie",
    "Get ready with me - weekend edition",
    "How we dye our organic cotton",
    "Three outfits, one jacket",
    "Packing orders with the team",
    "Matching fits for the whole family",
)
_YT_TITLES = (
    "How our organic cotton tees are made",
    "Capsule wardrobe: 10 pieces, 30 outfits",
    "Studio tour | Northwind Threads",
    "Autumn lookbook",
    "Denim care guide",
    "Family matching outfits try-on",
)


@dataclass(frozen=True, slots=True)
class TtVideo:
    """A TikTok video of the business account with its final lifetime metrics; published_at is UTC."""

    item_id: str
    published_at: datetime
    caption: str
    share_url: str
    duration: int
    video_views: int
    reach: int
    likes: int
    comments: int
    shares: int


@dataclass(frozen=True, slots=True)
class TtDay:
    """TikTok business account day: new and lost followers (total kept by TOTALS)."""

    day: date
    new_followers: int
    lost_followers: int
    profile_views: int


@dataclass(frozen=True, slots=True)
class YtVideo:
    """A YouTube upload with its final lifetime statistics; published_at is UTC."""

    video_id: str
    published_at: datetime
    title: str
    duration_seconds: int
    views: int
    likes: int
    comments: int


@dataclass(frozen=True, slots=True)
class YtDay:
    """YouTube Analytics channel day (Pacific-time day)."""

    day: date
    views: int
    estimated_minutes_watched: int
    likes: int
    comments: int
    shares: int
    subscribers_gained: int
    subscribers_lost: int


def _instant(day: date, u: float, start_hour: int, span_hours: int) -> datetime:
    """A UTC instant on a reporting-tz day between start_hour and start_hour + span_hours."""
    local = datetime.combine(day, time(start_hour), REPORTING_TZ) + timedelta(seconds=int(u * span_hours * 3600))
    return local.astimezone(UTC)


def _yt_id(n: int) -> str:
    """An 11-character YouTube-like video id."""
    digest = hashlib.blake2b(f"yt{n}".encode(), digest_size=11).digest()
    return "".join(_YT_ID_CHARS[b % 64] for b in digest)


@cache
def tt_videos_for_day(day: date) -> tuple[TtVideo, ...]:
    """TikTok videos published on a reporting-tz day (0-3, about 1.1 on average)."""
    rng = rng_for(KIND_TT_VIDEOS, 0, day.toordinal())
    u = rng.random()
    n = 0 if u < 0.25 else (1 if u < 0.7 else (2 if u < 0.95 else 3))
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(8)
        views = int(2500 + v[0] ** 2 * 60000)
        reach = int(views * (0.7 + v[1] * 0.25))
        likes = int(views * (0.04 + v[2] * 0.06))
        comments = int(likes * (0.01 + v[3] * 0.03))
        shares = int(likes * (0.02 + v[4] * 0.08))
        item_id = str(7_300_000_000_000_000_000 + day.toordinal() * 1000 + i * 17 + 5)
        out.append(
            TtVideo(
                item_id,
                _instant(day, float(slots[i]), 10, 12),
                _TT_CAPTIONS[int(v[5] * len(_TT_CAPTIONS))] + " #northwindthreads",
                f"https://www.tiktok.com/@{TT_USERNAME}/video/{item_id}",
                int(8 + v[6] * 50),
                views,
                reach,
                likes,
                comments,
                shares,
            )
        )
    return tuple(out)


@cache
def tt_day(day: date) -> TtDay:
    """TikTok account day: followers won (more on posting days) and lost, profile views."""
    rng = rng_for(KIND_TT_DAY, 0, day.toordinal())
    videos = len(tt_videos_for_day(day))
    new = int(rng.poisson(30 + 25 * videos + 0.03 * (day - EPOCH).days))
    lost = int(rng.poisson(6))
    return TtDay(day, new, lost, int(rng.poisson(400 + 150 * videos)))


@cache
def yt_videos_for_day(day: date) -> tuple[YtVideo, ...]:
    """YouTube uploads on a reporting-tz day (0 or 1; about two a week)."""
    rng = rng_for(KIND_YT_VIDEOS, 0, day.toordinal())
    v = rng.random(7)
    if v[0] >= 0.3:
        return ()
    views = int(800 + v[1] ** 2 * 25000)
    likes = int(views * (0.02 + v[2] * 0.04))
    comments = int(likes * (0.03 + v[3] * 0.07))
    return (
        YtVideo(
            _yt_id(day.toordinal()),
            _instant(day, float(v[4]), 12, 8),
            _YT_TITLES[int(v[5] * len(_YT_TITLES))],
            int(45 + v[6] * 900),
            views,
            likes,
            comments,
        ),
    )


@cache
def yt_day(day: date) -> YtDay:
    """YouTube Analytics metrics of the channel for a (Pacific-time) day."""
    rng = rng_for(KIND_YT_DAY, 0, day.toordinal())
    uploads = len(yt_videos_for_day(day))
    views = int(rng.poisson(900 + 1800 * uploads))
    likes = int(rng.binomial(views, 0.035))
    return YtDay(
        day,
        views,
        int(views * (1.2 + rng.random() * 1.5)),
        likes,
        int(rng.binomial(likes, 0.08)),
        int(rng.binomial(views, 0.004)),
        int(rng.poisson(6 + 10 * uploads)),
        int(rng.poisson(1.5)),
    )


class _Totals:
    """Follower and subscriber totals at the end of each day from EPOCH, extended on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tt: list[int] = []
        self.yt: list[int] = []

    def _extend(self, day: date) -> None:
        idx = (day - EPOCH).days
        while len(self.tt) <= idx:
            d = EPOCH + timedelta(days=len(self.tt))
            t, y = tt_day(d), yt_day(d)
            self.tt.append((self.tt[-1] if self.tt else TT_BASE_FOLLOWERS) + t.new_followers - t.lost_followers)
            net = y.subscribers_gained - y.subscribers_lost
            self.yt.append((self.yt[-1] if self.yt else YT_BASE_SUBSCRIBERS) + net)

    def tt_total(self, day: date) -> int:
        """TikTok followers at the end of `day` (base before EPOCH)."""
        if day < EPOCH:
            return TT_BASE_FOLLOWERS
        with self.lock:
            self._extend(day)
            return self.tt[(day - EPOCH).days]

    def yt_total(self, day: date) -> int:
        """YouTube subscribers at the end of `day` (base before EPOCH)."""
        if day < EPOCH:
            return YT_BASE_SUBSCRIBERS
        with self.lock:
            self._extend(day)
            return self.yt[(day - EPOCH).days]


TOTALS = _Totals()


def _days_before(as_of: date) -> list[date]:
    return [EPOCH + timedelta(days=i) for i in range((as_of - EPOCH).days)]


def tt_videos_visible(as_of: date, cutoff: datetime) -> list[TtVideo]:
    """TikTok videos published before the cutoff, oldest first (final metrics)."""
    return [v for d in _days_before(as_of + timedelta(days=1)) for v in tt_videos_for_day(d) if v.published_at < cutoff]


def yt_videos_visible(as_of: date, cutoff: datetime) -> list[YtVideo]:
    """YouTube uploads published before the cutoff, oldest first (final statistics)."""
    return [v for d in _days_before(as_of + timedelta(days=1)) for v in yt_videos_for_day(d) if v.published_at < cutoff]


def seen_tt_video(v: TtVideo, cutoff: datetime) -> TtVideo:
    """The video's lifetime metrics as reported at the cutoff (still growing for a week)."""
    g = growth(v.published_at, cutoff)
    return TtVideo(
        v.item_id,
        v.published_at,
        v.caption,
        v.share_url,
        v.duration,
        grown(v.video_views, g),
        grown(v.reach, g),
        grown(v.likes, g),
        grown(v.comments, g),
        grown(v.shares, g),
    )


def seen_yt_video(v: YtVideo, cutoff: datetime) -> YtVideo:
    """The upload's statistics as reported at the cutoff (still growing for a week)."""
    g = growth(v.published_at, cutoff)
    return YtVideo(
        v.video_id,
        v.published_at,
        v.title,
        v.duration_seconds,
        grown(v.views, g),
        grown(v.likes, g),
        grown(v.comments, g),
    )
