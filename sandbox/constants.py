"""Fixed facts of the simulated brand "Northwind Threads" (ids, currencies, time zones)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SEED = 20250101
EPOCH = date(2025, 1, 1)
REPORTING_TZ = ZoneInfo("America/New_York")
# Orders, refunds and posts exist from EPOCH 00:00 in the reporting time zone.
EPOCH_START_UTC = datetime.combine(EPOCH, time(0), REPORTING_TZ).astimezone(UTC)
SEGMENTS = ("genz", "millennial", "parents")
OBJECTIVES = ("awareness", "traffic", "conv")
GEOS = ("us", "eu", "uk")

# RNG stream kinds: np.random.default_rng([SEED, kind, entity, day_ordinal]).
KIND_CAMPAIGNS = 1
KIND_AD_DAY = 2
KIND_ORDERS = 3
KIND_IG_MEDIA = 4
KIND_IG_DAY = 5
KIND_FB_POSTS = 6
KIND_FB_DAY = 7
KIND_FX = 8
KIND_TARGETS = 9


@dataclass(frozen=True)
class AdAccount:
    """An ad account (Meta) or advertiser (TikTok)."""

    platform: str
    account_id: str
    name: str
    currency: str
    timezone: str

    @property
    def tz(self) -> ZoneInfo:
        """The account's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Shop:
    """A Shopify shop."""

    index: int
    handle: str
    shop_id: int
    name: str
    currency: str
    timezone: str
    geo: str
    base_orders_per_day: float
    tax_rate_bp: int  # tax added on top of net sales, basis points
    shipping_cents: int
    free_shipping_cents: int

    @property
    def tz(self) -> ZoneInfo:
        """The shop's time zone."""
        return ZoneInfo(self.timezone)


META_ACCOUNTS = (
    AdAccount("meta", "1001", "Northwind Threads US", "USD", "America/Los_Angeles"),
    AdAccount("meta", "1002", "Northwind Threads EU", "EUR", "Europe/Berlin"),
)
TIKTOK_ACCOUNT = AdAccount("tiktok", "7001", "Northwind Threads TikTok", "USD", "America/New_York")
AD_ACCOUNTS = {a.account_id: a for a in (*META_ACCOUNTS, TIKTOK_ACCOUNT)}

SHOPS = (
    Shop(0, "northwind-us", 60010000001, "Northwind Threads US", "USD", "America/New_York", "us", 17.0, 700, 595, 7500),
    Shop(1, "northwind-eu", 60010000002, "Northwind Threads EU", "EUR", "Europe/Berlin", "eu", 15.0, 1900, 495, 6000),
    Shop(2, "northwind-uk", 60010000003, "Northwind Threads UK", "GBP", "Europe/London", "uk", 13.0, 2000, 395, 5000),
)
SHOPS_BY_HANDLE = {s.handle: s for s in SHOPS}

IG_USER_ID = "17841400000000001"
IG_USERNAME = "northwindthreads"
IG_BASE_FOLLOWERS = 18_450
FB_PAGE_ID = "100000000000001"
FB_PAGE_NAME = "Northwind Threads"
FB_BASE_FOLLOWERS = 41_230


def month_key(d: date) -> str:
    """Return 'YYYY-MM' for a date."""
    return f"{d.year:04d}-{d.month:02d}"
