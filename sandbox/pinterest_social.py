"""Organic Pinterest: pins created by the brand business account, daily account analytics, daily new followers.

Pinterest analytics are by activity day (UTC) for the whole account (`/v5/user_account/analytics`): a day still
settles for a while, so yesterday is served at 90 % of its final values (data_status ESTIMATE) and any older day at
its final values (READY). Pinterest has no follower history: only the current follower_count is served.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import numpy as np

from sandbox.constants import EPOCH, KIND_PIN_DAY, KIND_PIN_FOLLOWERS, KIND_PIN_PINS, REPORTING_TZ
from sandbox.rng import rng_for

PIN_USER_ID = "1088000000000000001"
PIN_USERNAME = "northwindthreads"
PIN_BASE_FOLLOWERS = 3_150
PIN_METRICS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK")
_TITLES = (
    "Capsule wardrobe: 10 pieces, 30 outfits",
    "Organic cotton basics for the whole family",
    "Denim care guide",
    "Autumn layering ideas",
    "Matching family outfits",
)


@dataclass(frozen=True, slots=True)
class Pin:
    """A pin created by the account; created_at is UTC (second precision)."""

    id: str
    created_at: datetime
    title: str
    board_id: str


@cache
def pins_for_day(day: date) -> tuple[Pin, ...]:
    """Pins created on a reporting-tz day (0-4, 1.6 on average), in time order."""
    rng = rng_for(KIND_PIN_PINS, 0, day.toordinal())
    n = int(rng.choice(5, p=[0.15, 0.3, 0.35, 0.15, 0.05]))
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(2)
        local = datetime.combine(day, time(7), REPORTING_TZ) + timedelta(seconds=int(slots[i] * 15 * 3600))
        created = local.astimezone(UTC)
        pin_id = str(1_088_000_000_000_000_000 + day.toordinal() * 100 + i)
        out.append(
            Pin(pin_id, created, _TITLES[int(v[0] * len(_TITLES))], str(1_088_000_000_000_000_500 + int(v[1] * 4)))
        )
    return tuple(out)


@cache
def pin_day_final(day: date) -> dict[str, int]:
    """Final account analytics of a UTC day: impressions, saves, pin clicks, outbound clicks."""
    rng = rng_for(KIND_PIN_DAY, 0, day.toordinal())
    fresh = len(pins_for_day(day)) + (len(pins_for_day(day - timedelta(days=1))) if day > EPOCH else 0)
    impressions = int(rng.poisson(2600 + 450 * fresh))
    return {
        "IMPRESSION": impressions,
        "SAVE": int(rng.binomial(impressions, 0.012)),
        "PIN_CLICK": int(rng.binomial(impressions, 0.02)),
        "OUTBOUND_CLICK": int(rng.binomial(impressions, 0.006)),
    }


def pin_day_seen(day: date, as_of: date) -> tuple[dict[str, int], str]:
    """Account analytics of a UTC day as served at as_of, with their data_status."""
    final = pin_day_final(day)
    if (as_of - day).days <= 1:
        return {k: v * 9 // 10 for k, v in final.items()}, "ESTIMATE"
    return dict(final), "READY"


@cache
def pin_followers_gained(day: date) -> int:
    """New followers on a reporting-tz day (no unfollows in the sandbox)."""
    rng = rng_for(KIND_PIN_FOLLOWERS, 0, day.toordinal())
    return int(rng.poisson(3 + 2 * len(pins_for_day(day))))


class _PinTotals:
    """Running Pinterest follower totals (end of day) from EPOCH."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.totals: list[int] = []

    def total(self, day: date) -> int:
        """Followers at the end of `day` (the base before EPOCH)."""
        if day < EPOCH:
            return PIN_BASE_FOLLOWERS
        with self.lock:
            idx = (day - EPOCH).days
            while len(self.totals) <= idx:
                d = EPOCH + timedelta(days=len(self.totals))
                last = self.totals[-1] if self.totals else PIN_BASE_FOLLOWERS
                self.totals.append(last + pin_followers_gained(d))
            return self.totals[idx]


PIN_TOTALS = _PinTotals()


def pins_before(cutoff: datetime) -> list[Pin]:
    """Every pin created from EPOCH up to (excluding) `cutoff`, oldest first."""
    out: list[Pin] = []
    day = EPOCH
    while datetime.combine(day, time(0), REPORTING_TZ) < cutoff:
        out.extend(p for p in pins_for_day(day) if p.created_at < cutoff)
        day += timedelta(days=1)
    return out
