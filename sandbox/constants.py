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
KIND_BUDGETS = 10  # sandbox.budgets: the factors of the monthly ad budgets
KIND_GA4_DAY = 20  # sandbox.ga4 (kept apart from the ad-platform kinds added alongside)
KIND_GOOGLE_CAMPAIGNS = 50  # sandbox.campaigns: the month's Google search campaign
KIND_GOOGLE_AD_DAY = 51  # sandbox.ads: a Google campaign's daily delivery
KIND_GOOGLE_GA4 = 52  # sandbox.ga4: sessions landing from a Google campaign's clicks
KIND_TT_VIDEOS = 30  # sandbox.video_social: TikTok business account videos
KIND_TT_DAY = 31  # TikTok business account daily followers
KIND_YT_VIDEOS = 32  # YouTube channel uploads
KIND_YT_DAY = 33  # YouTube Analytics channel day
KIND_X_POSTS = 40  # sandbox.x_social: posts of the brand X account
KIND_X_DAY = 41  # X account daily new followers
KIND_LI_POSTS = 42  # sandbox.linkedin_social: LinkedIn organization posts
KIND_LI_DAY = 43  # LinkedIn organization day (page-level impressions/engagement, follower gains)
KIND_PIN_PINS = 44  # sandbox.pinterest_social: pins created by the brand account
KIND_PIN_DAY = 45  # Pinterest account analytics day (impressions, saves, clicks)
KIND_PIN_FOLLOWERS = 46  # Pinterest account daily new followers
KIND_SOCIAL_CAMPAIGNS = 60  # sandbox.campaigns: the month's LinkedIn / X / Snapchat / Pinterest ad campaign
KIND_SOCIAL_AD_DAY = 61  # sandbox.ads: such a campaign's daily delivery
KIND_SOCIAL_GA4 = 62  # sandbox.ga4: sessions landing from such a campaign's clicks
KIND_SOCIAL_ORDERS = 63  # sandbox.orders: which direct-looking orders came from such a campaign's ads
KIND_ORGANIC_REFERRALS = 64  # sandbox.orders: the organic referrer (social post, search, ...) of a direct order
KIND_STRIPE_CHARGES = 70  # sandbox.stripe_payments: a Stripe account's Stripe-only charges of a day
KIND_STRIPE_REFUNDS = 71  # sandbox.stripe_payments: refunds of those charges
KIND_STRIPE_UTM = 72  # sandbox.stripe_payments: the Checkout metadata UTMs of those charges
KIND_DEMOGRAPHICS = 80  # sandbox.demographics: a Meta/TikTok campaign's audience mix, an ad day's age x gender split


@dataclass(frozen=True)
class AdAccount:
    """An ad account (Meta, LinkedIn, X, Snapchat, Pinterest), advertiser (TikTok) or customer (Google Ads)."""

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
GOOGLE_ADS_ACCOUNT = AdAccount("google", "1234567890", "Northwind Threads Search", "USD", "America/New_York")
# LinkedIn reports ad analytics by UTC day, so its account "time zone" is UTC.
LINKEDIN_ADS_ACCOUNT = AdAccount("linkedin", "508123456", "Northwind Threads LinkedIn", "USD", "UTC")
X_ADS_ACCOUNT = AdAccount("x", "18ce54d4x5t", "Northwind Threads X Ads", "USD", "America/New_York")
SNAPCHAT_ADS_ACCOUNT = AdAccount(
    "snapchat", "8a3c5f2e-6b1d-4c7e-9f40-2d5e8b1a7c36", "Northwind Threads Snap UK", "GBP", "Europe/London"
)
PINTEREST_ADS_ACCOUNT = AdAccount(
    "pinterest", "549755885175", "Northwind Threads Pinterest Ads", "USD", "America/New_York"
)
# The ad platforms that also have an organic presence or none (Snapchat): one campaign a month each.
SOCIAL_AD_ACCOUNTS = (LINKEDIN_ADS_ACCOUNT, X_ADS_ACCOUNT, SNAPCHAT_ADS_ACCOUNT, PINTEREST_ADS_ACCOUNT)
AD_ACCOUNTS = {a.account_id: a for a in (*META_ACCOUNTS, TIKTOK_ACCOUNT, GOOGLE_ADS_ACCOUNT, *SOCIAL_AD_ACCOUNTS)}

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
TT_BUSINESS_ID = "-000Northwind7Threads0TT"
TT_USERNAME = "northwindthreads"
TT_BASE_FOLLOWERS = 9_870
YT_CHANNEL_ID = "UCnorthwindThreads000001"
YT_UPLOADS_PLAYLIST_ID = "UUnorthwindThreads000001"
YT_CHANNEL_TITLE = "Northwind Threads"
YT_BASE_SUBSCRIBERS = 3_215


def month_key(d: date) -> str:
    """Return 'YYYY-MM' for a date."""
    return f"{d.year:04d}-{d.month:02d}"
