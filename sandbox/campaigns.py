"""Campaign schedule: every month 3 Meta campaigns (alternating accounts 1001/1002), 1 TikTok campaign, 1 Google
search campaign (customer 1234567890, from its own KIND_GOOGLE_CAMPAIGNS stream so the other platforms' campaigns
keep their identity) and 1 campaign on each of LinkedIn, X, Snapchat and Pinterest (KIND_SOCIAL_CAMPAIGNS streams).

Platform ids follow each platform's shape: LinkedIn campaign group / campaign / creative ids are integers, X ids are
short base-36 strings, Snapchat ids are UUIDs and Pinterest ids are 12-digit integers. Their hierarchy maps onto
Campaign / Ad.adset (LinkedIn campaign, X line item, Snapchat ad squad, Pinterest ad group) / Ad."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sandbox.constants import (
    EPOCH,
    GOOGLE_ADS_ACCOUNT,
    KIND_CAMPAIGNS,
    KIND_GOOGLE_CAMPAIGNS,
    KIND_SOCIAL_CAMPAIGNS,
    META_ACCOUNTS,
    OBJECTIVES,
    SEGMENTS,
    SOCIAL_AD_ACCOUNTS,
    TIKTOK_ACCOUNT,
    AdAccount,
)
from sandbox.rng import rng_for

INITIATIVES = (
    "spring-drop",
    "denim-days",
    "summer-linen",
    "back-to-school",
    "fall-layers",
    "holiday-gifting",
    "new-arrivals",
    "eco-basics",
    "weekend-essentials",
    "kids-club",
    "family-match",
    "cozy-knits",
    "outerwear-edit",
    "active-line",
    "brand-story",
    "lookbook",
    "retarget-cart",
    "lookalike-2pct",
    "flash-sale",
    "gift-guide",
    "travel-capsule",
    "work-wear",
    "loungewear",
    "tees-3for2",
)
AUDIENCES = ("broad", "lookalike", "interest", "retargeting")
AD_FORMATS = ("video", "carousel", "static", "ugc", "reel", "collection")
NAMING_ISSUES = ("copy_of", "unknown_segment", "missing_field")
META_PER_MONTH = 3
GOOGLE_INDEX_BASE = 100_000  # Campaign.index of a Google campaign: GOOGLE_INDEX_BASE + month index
GOOGLE_MATCH_TYPES = ("exact", "phrase", "broad")
# LinkedIn, X, Snapchat, Pinterest: Campaign.index base, daily budget range (account-currency cents), geos, the
# segments the platform's audience leans to, flight length range (days) and ad formats.
SOCIAL_PLATFORMS = ("linkedin", "x", "snapchat", "pinterest")
# Every ad platform of the world (the campaigns of campaigns_for_month).
AD_PLATFORMS = ("meta", "tiktok", "google", *SOCIAL_PLATFORMS)


@dataclass(frozen=True)
class _SocialPlan:
    index_base: int
    budget: tuple[int, int]
    geos: tuple[str, ...]
    segments: tuple[str, ...]
    flight_days: tuple[int, int]
    formats: tuple[str, str]


_SOCIAL_PLANS = {
    "linkedin": _SocialPlan(
        200_000, (5000, 15000), ("us", "uk", "eu"), ("millennial", "parents"), (30, 60), ("single-image", "video")
    ),
    "x": _SocialPlan(300_000, (3000, 9000), ("us", "uk"), ("genz", "millennial"), (21, 45), ("promoted-post", "video")),
    "snapchat": _SocialPlan(400_000, (4000, 11000), ("uk",), ("genz",), (21, 45), ("snap-ad", "story")),
    "pinterest": _SocialPlan(
        500_000, (4000, 12000), ("us",), ("parents", "millennial"), (30, 60), ("standard-pin", "idea-pin")
    ),
}


@dataclass(frozen=True)
class Ad:
    """One ad with its ad set (TikTok: ad group)."""

    ad_id: str
    name: str
    adset_id: str
    adset_name: str


@dataclass(frozen=True)
class Campaign:
    """A paid campaign; dates are days in the account's time zone, end inclusive."""

    index: int
    platform: str
    account: AdAccount
    campaign_id: str
    name: str
    initiative: str
    segment: str
    objective: str
    geo: str
    launch: date
    end: date
    daily_budget_cents: int
    ads: tuple[Ad, ...]
    promo_code: str | None
    promo_pct: int
    naming_issue: str | None

    @property
    def key(self) -> str:
        """The campaign key used by the marts: platform:campaign_id."""
        return f"{self.platform}:{self.campaign_id}"

    @property
    def account_id(self) -> str:
        """The account (advertiser) id."""
        return self.account.account_id

    def active(self, day: date) -> bool:
        """Whether the campaign delivers on this account-tz day."""
        return self.launch <= day <= self.end


def month_start(month_index: int) -> date:
    """First day of the month `month_index` months after EPOCH's month."""
    y, m = divmod(EPOCH.month - 1 + month_index, 12)
    return date(EPOCH.year + y, m + 1, 1)


def month_index(day: date) -> int:
    """Months between EPOCH's month and the day's month."""
    return (day.year - EPOCH.year) * 12 + day.month - EPOCH.month


def _name(initiative: str, segment: str, objective: str, geo: str, launch: date, issue: str | None) -> str:
    """Build a campaign name, following or breaking the naming convention."""
    yyyymm = f"{launch.year:04d}{launch.month:02d}"
    if issue == "unknown_segment":
        segment = "boomers"
    parts = [initiative, segment, objective, geo, yyyymm]
    if issue == "missing_field":
        parts.remove(objective)
    name = "_".join(parts)
    return f"Copy of {name}" if issue == "copy_of" else name


@cache
def campaigns_for_month(m: int) -> tuple[Campaign, ...]:
    """The campaigns launched in month index m (deterministic, independent of any run date)."""
    rng = rng_for(KIND_CAMPAIGNS, 0, m)
    start = month_start(m)
    dim = calendar.monthrange(start.year, start.month)[1]
    initiatives = rng.choice(len(INITIATIVES), size=META_PER_MONTH + 1, replace=False)
    segments = [*rng.permutation(len(SEGMENTS)).tolist(), int(rng.integers(0, len(SEGMENTS)))]
    out = []
    for slot in range(META_PER_MONTH + 1):
        u = rng.random(12)
        initiative = INITIATIVES[int(initiatives[slot])]
        segment = SEGMENTS[segments[slot]]
        objective = OBJECTIVES[int(u[1] * 3)]
        launch = start + timedelta(days=int(u[2] * dim))
        end = launch + timedelta(days=45 + int(u[3] * 31) - 1)
        issue = NAMING_ISSUES[int(u[5] * 3)] if u[4] < 0.125 else None
        if slot < META_PER_MONTH:
            k = m * META_PER_MONTH + slot
            account = META_ACCOUNTS[k % 2]
            geo = "us" if account.account_id == "1001" else ("eu" if u[6] < 0.6 else "uk")
            budget = int((12000 + u[7] * 33000) * (0.8 if account.currency == "EUR" else 1.0))
            cid = 12021000000010000 + k * 10
            ads = tuple(
                Ad(
                    str(12021200000100000 + k * 100 + j * 10 + a),
                    f"{initiative}_{AD_FORMATS[(k + 2 * j + a) % 6]}_v{a + 1}",
                    str(12021100000010000 + k * 10 + j),
                    f"{segment}_{geo}_{AUDIENCES[(k + j) % 4]}",
                )
                for j in range(2)
                for a in range(2)
            )
            has_code = u[8] < 0.35
            promo = f"{initiative.upper().replace('-', '')}{launch:%y%m}" if has_code else None
            platform = "meta"
        else:
            account = TIKTOK_ACCOUNT
            geo = "us" if u[6] < 0.5 else ("eu" if u[6] < 0.75 else "uk")
            budget = int(8000 + u[7] * 17000)
            cid = 1790000000000001000 + m * 10
            ads = tuple(
                Ad(
                    str(1792000000000100000 + m * 100 + j * 10 + a),
                    f"{initiative}_{('ugc', 'spark')[a]}_v{a + 1}",
                    str(1791000000000010000 + m * 10 + j),
                    f"{segment}_{geo}_{AUDIENCES[(m + j) % 4]}",
                )
                for j in range(2)
                for a in range(2)
            )
            promo, platform = None, "tiktok"
        out.append(
            Campaign(
                index=m * (META_PER_MONTH + 1) + slot,
                platform=platform,
                account=account,
                campaign_id=str(cid),
                name=_name(initiative, segment, objective, geo, launch, issue),
                initiative=initiative,
                segment=segment,
                objective=objective,
                geo=geo,
                launch=launch,
                end=end,
                daily_budget_cents=budget,
                ads=ads,
                promo_code=promo,
                promo_pct=(10, 15, 20)[int(u[9] * 3)],
                naming_issue=issue,
            )
        )
    out.append(_google_campaign(m))
    for account in SOCIAL_AD_ACCOUNTS:
        out.append(_social_campaign(account, m, {c.initiative for c in out}))
    return tuple(out)


def _google_campaign(m: int) -> Campaign:
    """The Google search campaign launched in month index m: 60-90 days, 2 ad groups x 2 responsive search ads."""
    rng = rng_for(KIND_GOOGLE_CAMPAIGNS, 0, m)
    start = month_start(m)
    dim = calendar.monthrange(start.year, start.month)[1]
    u = rng.random(12)
    initiative = INITIATIVES[int(u[0] * len(INITIATIVES))]
    segment = SEGMENTS[int(u[1] * len(SEGMENTS))]
    objective = ("traffic", "conv")[int(u[2] * 2)]
    launch = start + timedelta(days=int(u[3] * dim))
    end = launch + timedelta(days=60 + int(u[4] * 31) - 1)
    issue = NAMING_ISSUES[int(u[6] * 3)] if u[5] < 0.125 else None
    geo = "us" if u[7] < 0.6 else ("eu" if u[7] < 0.8 else "uk")
    budget = int(6000 + u[8] * 14000)
    ads = tuple(
        Ad(
            str(700000000000 + m * 100 + j * 10 + a),
            f"{initiative}_rsa_v{a + 1}",
            str(150000000000 + m * 10 + j),
            f"{segment}_{geo}_{GOOGLE_MATCH_TYPES[(m + j) % 3]}",
        )
        for j in range(2)
        for a in range(2)
    )
    return Campaign(
        index=GOOGLE_INDEX_BASE + m,
        platform="google",
        account=GOOGLE_ADS_ACCOUNT,
        campaign_id=str(21000000000 + m * 10),
        name=_name(initiative, segment, objective, geo, launch, issue),
        initiative=initiative,
        segment=segment,
        objective=objective,
        geo=geo,
        launch=launch,
        end=end,
        daily_budget_cents=budget,
        ads=ads,
        promo_code=None,
        promo_pct=10,
        naming_issue=issue,
    )


def _social_ids(platform: str, m: int) -> tuple[str, list[str], list[str]]:
    """Campaign id, 2 ad-group ids and 4 ad ids (2 per ad group) in the platform's id format."""
    if platform == "x":

        def make(level: int, n: int) -> str:
            return _base36(1_679_616 * level + m * 53 + n * 7)
    elif platform == "snapchat":

        def make(level: int, n: int) -> str:
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"snapchat/northwind/{level}/{m}/{n}"))
    elif platform == "linkedin":

        def make(level: int, n: int) -> str:
            return str((615_000_000, 268_000_000, 1_490_000_000)[level - 1] + m * 10 + n)
    else:

        def make(level: int, n: int) -> str:
            return str((626_740_000_000, 2_680_000_000_000, 687_200_000_000)[level - 1] + m * 10 + n)

    return make(1, 0), [make(2, j) for j in range(2)], [make(3, j * 2 + a) for j in range(2) for a in range(2)]


def _base36(n: int) -> str:
    """Lowercase base-36 digits of n (X Ads ids look like this)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def _social_campaign(account: AdAccount, m: int, taken: set[str]) -> Campaign:
    """The month's campaign on a social ad platform: 2 ad groups x 2 ads, with the platform's audience and budget.

    Its initiative is one the month's earlier campaigns do not use, so campaign names never collide."""
    plan = _SOCIAL_PLANS[account.platform]
    rng = rng_for(KIND_SOCIAL_CAMPAIGNS, plan.index_base, m)
    start = month_start(m)
    dim = calendar.monthrange(start.year, start.month)[1]
    u = rng.random(12)
    free = [i for i in INITIATIVES if i not in taken]
    initiative = free[int(u[0] * len(free))]
    segment = plan.segments[int(u[1] * len(plan.segments))]
    objective = OBJECTIVES[int(u[2] * 3)]
    launch = start + timedelta(days=int(u[3] * dim))
    low, high = plan.flight_days
    end = launch + timedelta(days=low + int(u[4] * (high - low + 1)) - 1)
    issue = NAMING_ISSUES[int(u[6] * 3)] if u[5] < 0.125 else None
    geo = plan.geos[int(u[7] * len(plan.geos))]
    budget = int(plan.budget[0] + u[8] * (plan.budget[1] - plan.budget[0]))
    campaign_id, adset_ids, ad_ids = _social_ids(account.platform, m)
    ads = tuple(
        Ad(
            ad_ids[j * 2 + a],
            f"{initiative}_{plan.formats[a]}_v{a + 1}",
            adset_ids[j],
            f"{segment}_{geo}_{AUDIENCES[(m + j) % 4]}",
        )
        for j in range(2)
        for a in range(2)
    )
    return Campaign(
        index=plan.index_base + m,
        platform=account.platform,
        account=account,
        campaign_id=campaign_id,
        name=_name(initiative, segment, objective, geo, launch, issue),
        initiative=initiative,
        segment=segment,
        objective=objective,
        geo=geo,
        launch=launch,
        end=end,
        daily_budget_cents=budget,
        ads=ads,
        promo_code=None,
        promo_pct=10,
        naming_issue=issue,
    )


def campaigns_launched_before(day: date) -> tuple[Campaign, ...]:
    """All campaigns whose launch day is before `day`, in launch-month order."""
    out: list[Campaign] = []
    for m in range(month_index(day) + 1):
        out.extend(c for c in campaigns_for_month(m) if c.launch < day)
    return tuple(out)
