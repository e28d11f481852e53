"""Organic Pinterest: pins created by the brand's business accounts, daily account analytics, daily new followers.

The brand runs two Pinterest business accounts (PIN_ACCOUNTS): the main one and a smaller kids' line. Each has its own
random streams (the account index is the stream entity), so adding an account never changes another's data.
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


@dataclass(frozen=True, slots=True)
class PinAccount:
    """A Pinterest business account of the brand; `activity` scales its pins, impressions and new followers."""

    index: int
    user_id: str
    username: str
    business_name: str
    base_followers: int
    activity: float


PIN_ACCOUNTS = (
    PinAccount(0, "1088000000000000001", "northwindthreads", "Northwind Threads", 3_150, 1.0),
    PinAccount(1, "1088000000000000002", "northwindthreadskids", "Northwind Threads Kids", 820, 0.4),
)
PIN_MAIN = PIN_ACCOUNTS[0]
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
def pins_for_day(day: date, account: int = 0) -> tuple[Pin, ...]:
    """Pins an account created on a reporting-tz day (main account: 0-4, 1.6 on average), in time order."""
    rng = rng_for(KIND_PIN_PINS, account, day.toordinal())
    n = int(rng.choice(5, p=[0.15, 0.3, 0.35, 0.15, 0.05]))
    if account:
        n = int(rng.binomial(n, PIN_ACCOUNTS[account].activity))
    slots = np.sort(rng.random(n))
    out = []
    for i in range(n):
        v = rng.random(2)
        local = datetime.combine(day, time(7), REPORTING_TZ) + timedelta(seconds=int(slots[i] * 15 * 3600))
        created = local.astimezone(UTC)
        pin_id = str(1_088_000_000_000_000_000 + day.toordinal() * 100 + account * 10 + i)
        board_id = str(1_088_000_000_000_000_500 + account * 10 + int(v[1] * 4))
        out.append(Pin(pin_id, created, _TITLES[int(v[0] * len(_TITLES))], board_id))
    return tuple(out)


@cache
def pin_day_final(day: date, account: int = 0) -> dict[str, int]:
    """Final analytics of an account's UTC day: impressions, saves, pin clicks, outbound clicks."""
    rng = rng_for(KIND_PIN_DAY, account, day.toordinal())
    fresh = len(pins_for_day(day, account))
    if day > EPOCH:
        fresh += len(pins_for_day(day - timedelta(days=1), account))
    impressions = int(rng.poisson(2600 * PIN_ACCOUNTS[account].activity + 450 * fresh))
    return {
        "IMPRESSION": impressions,
        "SAVE": int(rng.binomial(impressions, 0.012)),
        "PIN_CLICK": int(rng.binomial(impressions, 0.02)),
        "OUTBOUND_CLICK": int(rng.binomial(impressions, 0.006)),
    }


def pin_day_seen(day: date, as_of: date, account: int = 0) -> tuple[dict[str, int], str]:
    """An account's analytics of a UTC day as served at as_of, with their data_status."""
    final = pin_day_final(day, account)
    if (as_of - day).days <= 1:
        return {k: v * 9 // 10 for k, v in final.items()}, "ESTIMATE"
    return dict(final), "READY"


@cache
def pin_followers_gained(day: date, account: int = 0) -> int:
    """An account's new followers on a reporting-tz day (no unfollows in the sandbox)."""
    rng = rng_for(KIND_PIN_FOLLOWERS, account, day.toordinal())
    return int(rng.poisson(3 * PIN_ACCOUNTS[account].activity + 2 * len(pins_for_day(day, account))))


class _PinTotals:
    """Running follower totals (end of day) of each account from EPOCH."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.totals: dict[int, list[int]] = {a.index: [] for a in PIN_ACCOUNTS}

    def total(self, day: date, account: int = 0) -> int:
        """An account's followers at the end of `day` (its base before EPOCH)."""
        base = PIN_ACCOUNTS[account].base_followers
        if day < EPOCH:
            return base
        with self.lock:
            totals = self.totals[account]
            idx = (day - EPOCH).days
            while len(totals) <= idx:
                d = EPOCH + timedelta(days=len(totals))
                totals.append((totals[-1] if totals else base) + pin_followers_gained(d, account))
            return totals[idx]


PIN_TOTALS = _PinTotals()


def pins_before(cutoff: datetime, account: int = 0) -> list[Pin]:
    """Every pin an account created from EPOCH up to (excluding) `cutoff`, oldest first."""
    out: list[Pin] = []
    day = EPOCH
    while datetime.combine(day, time(0), REPORTING_TZ) < cutoff:
        out.extend(p for p in pins_for_day(day, account) if p.created_at < cutoff)
        day += timedelta(days=1)
    return out
