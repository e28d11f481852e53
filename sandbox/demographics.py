"""Ad delivery by audience age and gender: each Meta and TikTok ad day split into age x gender cells.

The cells of an ad day sum exactly, every integer count and to the cent, to the ad day as the platform reports it
at a run date (restatements applied), so a breakdown report and the unbroken ad report always agree. The split is
deterministic per ad day: the campaign's segment sets the age band it targets (genz 18-34, millennial 25-44,
parents 35-54, half of them one bucket wider), a per-campaign stream the shares and the gender mix, a per-ad-day
stream the noise. Impressions are apportioned by the cell weights, then clicks, reach and video views in proportion
to the cells' impressions (so none exceeds its cell's impressions), purchases in proportion to the cells' clicks,
spend by impressions times an age CPM factor and purchase value by purchases times an age order-value factor; each
apportionment is exact (largest remainder).

Cells are keyed in the marts' vocabulary (fct_ad_demographics_daily): Meta's age buckets 18-24 ... 65+ and unknown,
TikTok's 18-24 ... 45-54 and 55+; genders female, male, unknown. The API replicas serve them in each platform's own
vocabulary (`meta_age`, `tiktok_age`, `tiktok_gender`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import numpy as np

from sandbox.ads import AdDay, seen
from sandbox.constants import KIND_DEMOGRAPHICS
from sandbox.rng import rng_for

PLATFORMS = ("meta", "tiktok")
META_AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
TIKTOK_AGES = ("18-24", "25-34", "35-44", "45-54", "55+")
GENDERS = ("female", "male", "unknown")

# The age buckets a campaign of each segment targets (0 = 18-24 ... 5 = 65+), and the share of impressions each of
# them gets. A campaign may widen its band by the next older bucket (half of them do).
_AGE_BAND = {"genz": (0, 1), "millennial": (1, 2), "parents": (2, 3)}
_AGE_SHARE = (0.58, 0.42)
_WIDENED_SHARE = 0.16
# Meta cannot tell the age of some people: a small share of a campaign's unknown-gender impressions, served as age
# "Unknown" (gender "unknown").
_META_UNKNOWN_AGE = 0.25
# Relative CPM (spend per impression) and order value per age bucket, 18-24 first; older audiences cost more.
_CPM_FACTOR = (0.85, 1.0, 1.1, 1.15, 1.2, 1.2, 0.9)
_AOV_FACTOR = (0.8, 1.0, 1.15, 1.2, 1.1, 1.05, 1.0)
_WEIGHT_SCALE = 10**9


@dataclass(frozen=True, slots=True)
class DemographicCell:
    """One age x gender cell of an ad day as reported at a run date; money in account-currency cents."""

    age: str
    gender: str
    impressions: int
    clicks: int
    reach: int
    video_views: int
    spend_cents: int
    purchases: int
    purchase_value_cents: int


@dataclass(frozen=True, slots=True)
class _Delivery:
    """The counts of a cell that are never restated, and the cell's spend and order-value weights."""

    age: str
    gender: str
    impressions: int
    clicks: int
    reach: int
    video_views: int
    spend_weight: int
    value_weight: int


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to non-negative integer `weights` exactly (largest remainder, ties to the first).

    A part never exceeds the ceiling of its exact share; all weights zero gives all parts zero (`total` must then be
    zero too, which the caller ensures by choosing another basis)."""
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError(f"cannot apportion {total} over zero weights")
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[i] += 1
    return parts


def ages(platform: str) -> tuple[str, ...]:
    """The age buckets of a platform's breakdown (marts vocabulary)."""
    return META_AGES if platform == "meta" else TIKTOK_AGES


def meta_age(age: str) -> str:
    """Meta's served age value: 18-24 ... 65+, Unknown."""
    return "Unknown" if age == "unknown" else age


def tiktok_age(age: str) -> str:
    """TikTok's served age value: AGE_18_24 ... AGE_45_54, AGE_55_100."""
    return "AGE_55_100" if age == "55+" else "AGE_" + age.replace("-", "_")


def tiktok_gender(gender: str) -> str:
    """TikTok's served gender value: FEMALE, MALE, NONE."""
    return "NONE" if gender == "unknown" else gender.upper()


@cache
def _campaign_weights(index: int, platform: str, segment: str) -> tuple[tuple[str, str, float, int], ...]:
    """(age, gender, impression weight, age position) of every cell a campaign delivers to: its segment's age band
    (maybe widened by one bucket) x female, male, unknown; on Meta also age unknown x gender unknown."""
    rng = rng_for(KIND_DEMOGRAPHICS, index, 0)
    band = list(_AGE_BAND.get(segment, _AGE_BAND["millennial"]))
    shares = [share * float(rng.lognormal(0.0, 0.15)) for share in _AGE_SHARE]
    if rng.random() < 0.5:
        band.append(band[-1] + 1)
        shares.append(_WIDENED_SHARE)
    female = float(np.clip(rng.normal(0.62, 0.06), 0.4, 0.85))
    unknown = float(rng.uniform(0.01, 0.03))
    genders = (female * (1 - unknown), (1 - female) * (1 - unknown), unknown)
    buckets = ages(platform)
    cells = []
    for a, share in zip(band, shares, strict=True):
        cells.extend((buckets[a], gender, share * genders[g], a) for g, gender in enumerate(GENDERS))
    if platform == "meta":
        cells.append(("unknown", "unknown", sum(shares) * unknown * _META_UNKNOWN_AGE, len(buckets) - 1))
    return tuple(cells)


@cache
def _delivery(row: AdDay) -> tuple[_Delivery, ...]:
    """The never-restated split of an ad day (impressions, clicks, reach, video views) over its cells with delivery,
    and each cell's spend and order-value weights."""
    c = row.campaign
    cells = _campaign_weights(c.index, c.platform, c.segment)
    rng = rng_for(KIND_DEMOGRAPHICS, c.index, row.day.toordinal() * 16 + c.ads.index(row.ad))
    noise = rng.lognormal(0.0, 0.15, len(cells))
    weights = [max(1, int(w * n * _WEIGHT_SCALE)) for (_, _, w, _), n in zip(cells, noise, strict=True)]
    impressions = apportion(row.impressions, weights)
    clicks = apportion(row.clicks, impressions)
    reach = apportion(row.reach, impressions)
    views = apportion(row.video_views, impressions)
    out = []
    for (age, gender, _, a), imp, clk, rch, vw in zip(cells, impressions, clicks, reach, views, strict=True):
        if imp == 0:
            continue
        spend_weight = int(imp * _CPM_FACTOR[a] * 1000)
        out.append(_Delivery(age, gender, imp, clk, rch, vw, spend_weight, int(_AOV_FACTOR[a] * 1000)))
    return tuple(out)


@lru_cache(maxsize=65536)
def breakdown(row: AdDay, as_of: date) -> tuple[DemographicCell, ...]:
    """The age x gender cells of a Meta or TikTok ad day as reported at run date `as_of`: every count, the spend,
    the purchases and their value sum exactly to the ad day's (sandbox.ads.seen for the restated ones).

    Cells without impressions are left out (the platforms report no row for them)."""
    if row.campaign.platform not in PLATFORMS:
        raise ValueError(f"{row.campaign.platform} reports no age x gender breakdown in the sandbox")
    delivery = _delivery(row)
    reported = seen(row, as_of)
    spend = apportion(reported.spend_cents, [d.spend_weight for d in delivery])
    purchases = apportion(reported.purchases, [d.clicks for d in delivery])
    value_basis = [p * d.value_weight for p, d in zip(purchases, delivery, strict=True)]
    if not any(value_basis):  # value without a whole purchase left after restatement: follow the clicks
        value_basis = [d.clicks * d.value_weight for d in delivery]
    if not any(value_basis):
        value_basis = [d.spend_weight for d in delivery]
    value = apportion(reported.purchase_value_cents, value_basis)
    return tuple(
        DemographicCell(d.age, d.gender, d.impressions, d.clicks, d.reach, d.video_views, s, p, v)
        for d, s, p, v in zip(delivery, spend, purchases, value, strict=True)
    )
