"""Daily ad delivery per ad (final values) and the restatement rules applied when a day is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from sandbox.campaigns import Ad, Campaign
from sandbox.constants import KIND_AD_DAY, KIND_GOOGLE_AD_DAY, KIND_SOCIAL_AD_DAY
from sandbox.rng import rng_for

_CTR = {"awareness": 0.006, "traffic": 0.016, "conv": 0.011}
_CVR = {"awareness": 0.008, "traffic": 0.018, "conv": 0.04}
_VIEW_RATE = {"awareness": 0.34, "traffic": 0.2, "conv": 0.16}
# Google search ads: far higher click-through and conversion rates and a higher CPM than social ads.
_SEARCH_CTR = {"awareness": 0.03, "traffic": 0.055, "conv": 0.045}
_SEARCH_CVR = {"awareness": 0.015, "traffic": 0.025, "conv": 0.05}
# Base CPM (account-currency cents per 1000 impressions) and click-through multiplier of the other social platforms.
_SOCIAL_CPM = {"linkedin": 3300.0, "x": 640.0, "snapchat": 380.0, "pinterest": 560.0}
_SOCIAL_CTR_FACTOR = {"linkedin": 0.55, "x": 0.8, "snapchat": 0.7, "pinterest": 1.1}


@dataclass(frozen=True, slots=True)
class AdDay:
    """Final (fully restated) delivery of one ad on one account-tz day; money in account-currency cents."""

    campaign: Campaign
    ad: Ad
    day: date
    spend_cents: int
    impressions: int
    clicks: int
    reach: int
    purchases: int
    purchase_value_cents: int
    video_views: int


@dataclass(frozen=True, slots=True)
class SeenAdMetrics:
    """The restated values of an ad day as the platform reports them at a given run date."""

    spend_cents: int
    purchases: int
    purchase_value_cents: int


def _day_rows(c: Campaign, day: date) -> list[AdDay]:
    """Delivery of the campaign's ads on one day (ads without delivery are left out)."""
    search = c.platform == "google"
    social = c.platform in _SOCIAL_CPM
    kind = KIND_GOOGLE_AD_DAY if search else (KIND_SOCIAL_AD_DAY if social else KIND_AD_DAY)
    rng = rng_for(kind, c.index, day.toordinal())
    age = (day - c.launch).days
    ramp = min(1.0, 0.55 + 0.15 * age)
    weekend = 1.12 if day.weekday() >= 5 else 1.0
    total = c.daily_budget_cents * ramp * weekend * float(rng.lognormal(0.0, 0.12))
    shares = rng.dirichlet([3.0, 2.0, 2.0, 1.5])
    off = rng.random(4) < 0.05
    if off.all():
        off[int(np.argmax(shares))] = False
    shares = np.where(off, 0.0, shares)
    spend = np.floor(total * shares / shares.sum()).astype(np.int64)
    spend[spend < 60] = 0
    if spend.sum() == 0:
        spend[int(np.argmax(shares))] = int(total)
    if search:
        base_cpm = 2600.0
    elif social:
        base_cpm = _SOCIAL_CPM[c.platform]
    else:
        base_cpm = 520.0 if c.platform == "tiktok" else (880.0 if c.account.currency == "EUR" else 1050.0)
    cpm = base_cpm * rng.lognormal(0.0, 0.15, 4)
    impressions = np.floor(spend * 1000.0 / cpm).astype(np.int64)
    base_ctr = (_SEARCH_CTR if search else _CTR)[c.objective] * _SOCIAL_CTR_FACTOR.get(c.platform, 1.0)
    ctr = np.clip(base_ctr * rng.lognormal(0.0, 0.25, 4), 0.0005, 0.2)
    clicks = rng.binomial(impressions, ctr)
    reach = np.floor(impressions / (1.05 + 0.6 * rng.random(4))).astype(np.int64)
    purchases = rng.binomial(clicks, (_SEARCH_CVR if search else _CVR)[c.objective])
    aov = np.clip(rng.normal(6400.0, 1400.0, 4), 2500.0, 15000.0)
    value = np.floor(purchases * aov).astype(np.int64)
    views = rng.binomial(impressions, _VIEW_RATE[c.objective] * (0.7 + 0.6 * rng.random(4)))
    rows = []
    for i, ad in enumerate(c.ads):
        if spend[i] <= 0 or impressions[i] <= 0:
            continue
        rows.append(
            AdDay(
                c,
                ad,
                day,
                int(spend[i]),
                int(impressions[i]),
                int(clicks[i]),
                int(reach[i]),
                int(purchases[i]),
                int(value[i]),
                int(views[i]),
            )
        )
    return rows


@cache
def campaign_days(c: Campaign) -> tuple[AdDay, ...]:
    """All final ad-day rows of a campaign over its whole flight, ordered by day then ad."""
    rows: list[AdDay] = []
    day = c.launch
    while day <= c.end:
        rows.extend(_day_rows(c, day))
        day += timedelta(days=1)
    return tuple(rows)


def _conversion_factor(age: int) -> tuple[int, int]:
    """Fraction (numerator, denominator) of final purchases reported at this age in days."""
    if age <= 1:
        return 60, 100
    if age == 2:
        return 80, 100
    if age <= 7:
        return 90, 100
    return 1, 1


def _spend_factor(age: int) -> tuple[int, int]:
    """Fraction of final spend reported at this age in days."""
    if age <= 1:
        return 98, 100
    if age == 2:
        return 99, 100
    return 1, 1


def seen(row: AdDay, as_of: date) -> SeenAdMetrics:
    """Restated spend/purchases/value of an ad day as reported on run date `as_of` (floored)."""
    age = (as_of - row.day).days
    cn, cd = _conversion_factor(age)
    sn, sd = _spend_factor(age)
    return SeenAdMetrics(row.spend_cents * sn // sd, row.purchases * cn // cd, row.purchase_value_cents * cn // cd)
