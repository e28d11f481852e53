"""The simulated brand "Northwind Threads" as visible at a run date `as_of` (see docs/design.md).

Everything is generated from per-(kind, entity, day) random streams, so a day's data never depends on
`as_of`; `as_of` only decides what is visible (events before the cutoff, daily rows before `as_of`) and
how far restated metrics have matured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sandbox import ads as _ads
from sandbox import social as _social
from sandbox.ads import AdDay, SeenAdMetrics
from sandbox.campaigns import Campaign, campaigns_launched_before
from sandbox.constants import (
    AD_ACCOUNTS,
    EPOCH,
    FB_PAGE_ID,
    IG_USER_ID,
    META_ACCOUNTS,
    REPORTING_TZ,
    SHOPS,
    SHOPS_BY_HANDLE,
    TIKTOK_ACCOUNT,
    AdAccount,
    Shop,
)
from sandbox.orders import Order, Refund, orders_created_before
from sandbox.social import FbDay, FbPost, IgDay, IgMedia

__all__ = [
    "AD_ACCOUNTS",
    "EPOCH",
    "FB_PAGE_ID",
    "IG_USER_ID",
    "META_ACCOUNTS",
    "SHOPS",
    "SHOPS_BY_HANDLE",
    "TIKTOK_ACCOUNT",
    "AdAccount",
    "AdDay",
    "Campaign",
    "FbDay",
    "FbPost",
    "IgDay",
    "IgMedia",
    "Order",
    "Refund",
    "Shop",
    "World",
    "build_world",
    "cutoff_for",
]


def cutoff_for(as_of: date) -> datetime:
    """The sandbox's "now" for a run date: as_of 00:00 America/New_York, as a UTC datetime."""
    return datetime.combine(as_of, time(0), REPORTING_TZ).astimezone(UTC)


def _days(start: date, end_exclusive: date) -> list[date]:
    """Dates in [start, end_exclusive)."""
    return [start + timedelta(days=i) for i in range((end_exclusive - start).days)]


@dataclass(frozen=True)
class World:
    """What exists and is visible at `as_of` (final values; use the seen_* helpers for reported values)."""

    as_of: date
    cutoff: datetime
    campaigns: tuple[Campaign, ...]
    ad_days: tuple[AdDay, ...]
    orders: dict[str, tuple[Order, ...]]
    ig_media: tuple[IgMedia, ...]
    ig_days: tuple[IgDay, ...]
    fb_posts: tuple[FbPost, ...]
    fb_days: tuple[FbDay, ...]
    _by_account: dict[str, tuple[AdDay, ...]] = field(default_factory=dict, repr=False)

    def ad_days_for(self, account_id: str) -> tuple[AdDay, ...]:
        """Visible ad-day rows of one account, ordered by day then ad id."""
        return self._by_account.get(account_id, ())

    def seen_ad(self, row: AdDay) -> SeenAdMetrics:
        """Spend/purchases/value of an ad day as the platform reports them at as_of (restated)."""
        return _ads.seen(row, self.as_of)

    def refunds(self, order: Order) -> tuple[Refund, ...]:
        """The order's refunds created before the cutoff."""
        return tuple(r for r in order.refunds if r.created_at < self.cutoff)

    def updated_at(self, order: Order) -> datetime:
        """The latest visible event of an order (creation or refund), UTC."""
        return max([order.created_at, *(r.created_at for r in self.refunds(order))])

    def financial_status(self, order: Order) -> str:
        """paid, partially_refunded or refunded, as of the cutoff."""
        refunds = self.refunds(order)
        if not refunds:
            return "paid"
        refunded = sum(rl.quantity for r in refunds for rl in r.lines)
        return "refunded" if refunded >= sum(li.quantity for li in order.line_items) else "partially_refunded"

    def growth(self, published_at: datetime) -> tuple[int, int]:
        """Fraction of final lifetime post metrics visible at the cutoff."""
        return _social.growth(published_at, self.cutoff)

    def ig_followers_count(self) -> int:
        """Instagram followers as of the cutoff (end of as_of - 1)."""
        return _social.TOTALS.ig_total(self.as_of - timedelta(days=1))

    def fb_followers_count(self) -> int:
        """Facebook page followers as of the cutoff (end of as_of - 1)."""
        return _social.TOTALS.fb_total(self.as_of - timedelta(days=1))

    def campaign_by_id(self, campaign_id: str) -> Campaign | None:
        """A launched campaign by platform id."""
        for c in self.campaigns:
            if c.campaign_id == campaign_id:
                return c
        return None


@lru_cache(maxsize=16)
def build_world(as_of: date) -> World:
    """Build (and cache) the world as visible at the run date `as_of` (> EPOCH)."""
    if as_of <= EPOCH:
        raise ValueError(f"as_of must be after {EPOCH}")
    cutoff = cutoff_for(as_of)
    campaigns = campaigns_launched_before(as_of)
    rows = [r for c in campaigns for r in _ads.campaign_days(c) if r.day < as_of]
    rows.sort(key=lambda r: (r.campaign.account_id, r.day, r.ad.ad_id))
    by_account: dict[str, list[AdDay]] = {}
    for r in rows:
        by_account.setdefault(r.campaign.account_id, []).append(r)
    days = _days(EPOCH, as_of)
    return World(
        as_of=as_of,
        cutoff=cutoff,
        campaigns=campaigns,
        ad_days=tuple(rows),
        orders={s.handle: tuple(orders_created_before(s, cutoff)) for s in SHOPS},
        ig_media=tuple(m for d in days for m in _social.ig_media_for_day(d) if m.published_at < cutoff),
        ig_days=tuple(_social.ig_day(d) for d in days),
        fb_posts=tuple(p for d in days for p in _social.fb_posts_for_day(d) if p.published_at < cutoff),
        fb_days=tuple(_social.fb_day(d) for d in days),
        _by_account={k: tuple(v) for k, v in by_account.items()},
    )
