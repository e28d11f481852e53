"""Organic social: Instagram media and daily account insights, Facebook page posts and daily page insights."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np

from sandbox.campaigns import campaigns_for_month, month_index
from sandbox.constants import (
    EPOCH,
    FB_BASE_FOLLOWERS,
    FB_PAGE_ID,
    IG_BASE_FOLLOWERS,
    KIND_FB_DAY,
    KIND_FB_POSTS,
    KIND_IG_DAY,
    KIND_IG_MEDIA,
    REPORTING_TZ,
)
from sandbox.rng import rng_for

REACTION_TYPES = ("like", "love", "wow", "haha", "sorry", "anger")
_HASHTAGS = (
    "#northwindthreads",
    "#ootd",
    "#slowfashion",
    "#organiccotton",
    "#styleinspo",
    "#familystyle",
    "#denim",
    "#newin",
    "#capsulewardrobe",
    "#kidsfashion",
)
_CAPTIONS = (
    "New in: pieces made to be worn on repeat.",
    "Weekend uniform, sorted.",
    "Soft, breathable, made to last.",
    "Matching moments for the whole crew.",
    "Layer up - the forecast says so.",
    "Behind the seams at our studio.",
    "Your new favourite tee is back in stock.",
    "Three ways to style one jacket.",
)
_SHORT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass(frozen=True, slots=True)
class IgMedia:
    """An Instagram media object with its final lifetime metrics; published_at is UTC."""

    id: str
    published_at: datetime
    media_type: str
    media_product_type: str
    caption: str
    permalink: str
    reach: int
    views: int
    like_count: int
    comments_count: int
    saved: int
    shares: int


@dataclass(frozen=True, slots=True)
class IgDay:
    """Instagram account insights for one day: net new followers and reach."""

    day: date
    follower_count: int
    reach: int


@dataclass(frozen=True, slots=True)
class FbPost:
    """A Facebook page post with its final lifetime metrics; published_at is UTC."""

    id: str
    published_at: datetime
    message: str
    status_type: str
    permalink_url: str
    impressions: int
    reach: int
    clicks: int
    reactions: tuple[int, ...]
    comments: int
    shares: int


@dataclass(frozen=True, slots=True)
class FbDay:
    """Facebook page insights for one day; page_follows is the total at the end of the day."""

    day: date
    page_follows: int
    page_daily_follows_unique: int
    page_impressions_unique: int
    page_post_engagements: int


def growth(published_at: datetime, cutoff: datetime) -> tuple[int, int]:
    """Fraction (num, den) of final lifetime metrics visible at cutoff for a post of this age."""
    age = int((cutoff - published_at).total_seconds() // 86400)
    if age <= 1:
        return 1, 2
    if age == 2:
        return 3, 4
    if age == 3:
        return 9, 10
    if age <= 6:
        return 97, 100
    return 1, 1


def grown(value: int, fraction: tuple[int, int]) -> int:
    """Apply a growth fraction to a final metric (floored)."""
    return value * fraction[0] // fraction[1]


def _shortcode(n: int) -> str:
    """An Instagram-like 11-character shortcode derived from a media id."""
    digest = hashlib.blake2b(str(n).encode(), digest_size=11).digest()
    return "".join(_SHORT[b % 64] for b in digest)


def _instant(day: date, rng_value: float, start_hour: int, span_hours: int) -> datetime:
    """A UTC instant on a reporting-tz day between start_hour and start_hour + span_hours."""
    local = datetime.combine(day, time(start_hour), REPORTING_TZ) + timedelta(
        seconds=int(rng_value * span_hours * 3600)
    )
    return local.astimezone(UTC)


def _campaign_tag(day: date, u: float) -> str | None:
    """A hashtag of a Meta campaign running that day, if any."""
    m = month_index(day)
    active = [
        c
        for mm in range(max(0, m - 3), m + 1)
        for c in campaigns_for_month(mm)
        if c.platform == "meta" and c.active(day)
    ]
    if not active:
        return None
    return "#nw" + active[int(u * len(active))].initiative.replace("-", "")


@cache
def ig_media_for_day(day: date) -> tuple[IgMedia, ...]:
    """Media published on a reporting-tz day (0-2, usually 1)."""
    rng = rng_for(KIND_IG_MEDIA, 0, day.toordinal())
    u = rng.random(3)
    n = 0 if u[0] < 0.2 else (1 if u[0] < 0.8 else 2)
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(16)
        if v[0] < 0.35:
            mtype, ptype = "IMAGE", "FEED"
        elif v[0] < 0.7:
            mtype, ptype = "VIDEO", "REELS" if v[1] < 0.85 else "FEED"
        else:
            mtype, ptype = "CAROUSEL_ALBUM", "FEED"
        reels = ptype == "REELS"
        reach = int((4000 + v[2] * 16000) if reels else (1500 + v[2] * 5500))
        views = int(reach * (1.3 + v[3] * 0.9))
        likes = int(reach * (0.03 + v[4] * 0.05))
        comments = int(likes * (0.02 + v[5] * 0.04))
        saved = int(reach * (0.005 + v[6] * 0.015))
        shares = int(reach * (0.003 + v[7] * 0.012))
        tags = " ".join(_HASHTAGS[int(k)] for k in rng.choice(len(_HASHTAGS), 3, replace=False))
        caption = f"{_CAPTIONS[int(v[11] * len(_CAPTIONS))]} {tags}"
        if v[12] < 0.35 and (tag := _campaign_tag(day, v[13])):
            caption += f" {tag}"
        mid = 17_900_000_000_000_000 + day.toordinal() * 100 + i * 7 + 3
        kind = "reel" if reels else "p"
        out.append(
            IgMedia(
                str(mid),
                _instant(day, slots[i], 9, 12),
                mtype,
                ptype,
                caption,
                f"https://www.instagram.com/{kind}/{_shortcode(mid)}/",
                reach,
                views,
                likes,
                comments,
                saved,
                shares,
            )
        )
    return tuple(out)


@cache
def ig_day(day: date) -> IgDay:
    """Instagram account insights for a day."""
    rng = rng_for(KIND_IG_DAY, 0, day.toordinal())
    reels = sum(1 for m in ig_media_for_day(day) if m.media_product_type == "REELS")
    followers = int(rng.poisson(22 + 14 * reels + 0.02 * (day - EPOCH).days))
    reach = int(rng.poisson(7000 + 3500 * reels))
    return IgDay(day, followers, reach)


@cache
def fb_posts_for_day(day: date) -> tuple[FbPost, ...]:
    """Page posts published on a reporting-tz day (0-2, 0.7 on average)."""
    rng = rng_for(KIND_FB_POSTS, 0, day.toordinal())
    u = rng.random(2)
    n = 0 if u[0] < 0.4 else (1 if u[0] < 0.9 else 2)
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(10)
        status = ("added_photos", "added_photos", "added_video", "shared_story", "mobile_status_update")[int(v[0] * 5)]
        impressions = int(1500 + v[1] * 7500)
        reach = int(impressions / (1.1 + v[2] * 0.4))
        clicks = int(impressions * (0.01 + v[3] * 0.03))
        total_reactions = int(reach * (0.01 + v[4] * 0.03))
        reactions = tuple(int(x) for x in rng.multinomial(total_reactions, [0.7, 0.15, 0.05, 0.05, 0.03, 0.02]))
        comments = int(total_reactions * (0.03 + v[5] * 0.07))
        shares = int(total_reactions * (0.02 + v[6] * 0.06))
        post_part = 122_100_000_000_000_000 + day.toordinal() * 100 + i * 7 + 1
        message = _CAPTIONS[int(v[7] * len(_CAPTIONS))]
        if v[8] < 0.3 and (tag := _campaign_tag(day, v[9])):
            message += f" {tag}"
        out.append(
            FbPost(
                f"{FB_PAGE_ID}_{post_part}",
                _instant(day, slots[i], 8, 12),
                message,
                status,
                f"https://www.facebook.com/{FB_PAGE_ID}/posts/{post_part}",
                impressions,
                reach,
                clicks,
                reactions,
                comments,
                shares,
            )
        )
    return tuple(out)


@cache
def _fb_day_raw(day: date) -> tuple[int, int, int]:
    """(new follows, impressions unique, post engagements) of a page day."""
    rng = rng_for(KIND_FB_DAY, 0, day.toordinal())
    posts = fb_posts_for_day(day)
    follows = int(rng.poisson(9 + 4 * len(posts)))
    impressions = int(rng.poisson(5200 + 2500 * len(posts)))
    engagements = int(rng.poisson(180)) + sum(sum(p.reactions) + p.comments + p.shares for p in posts)
    return follows, impressions, engagements


class _Totals:
    """Running follower totals (end of day) from EPOCH, extended on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ig: list[int] = []
        self.fb: list[int] = []

    def _extend(self, day: date) -> None:
        """Make sure totals through `day` exist."""
        idx = (day - EPOCH).days
        while len(self.ig) <= idx:
            d = EPOCH + timedelta(days=len(self.ig))
            self.ig.append((self.ig[-1] if self.ig else IG_BASE_FOLLOWERS) + ig_day(d).follower_count)
            self.fb.append((self.fb[-1] if self.fb else FB_BASE_FOLLOWERS) + _fb_day_raw(d)[0])

    def ig_total(self, day: date) -> int:
        """Instagram followers at the end of `day` (base before EPOCH)."""
        if day < EPOCH:
            return IG_BASE_FOLLOWERS
        with self.lock:
            self._extend(day)
            return self.ig[(day - EPOCH).days]

    def fb_total(self, day: date) -> int:
        """Facebook page followers at the end of `day` (base before EPOCH)."""
        if day < EPOCH:
            return FB_BASE_FOLLOWERS
        with self.lock:
            self._extend(day)
            return self.fb[(day - EPOCH).days]


TOTALS = _Totals()


def fb_day(day: date) -> FbDay:
    """Facebook page insights for a day."""
    follows, impressions, engagements = _fb_day_raw(day)
    return FbDay(day, TOTALS.fb_total(day), follows, impressions, engagements)
