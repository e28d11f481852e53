"""Website sessions and purchases as Google Analytics 4 reports them, derived from the world.

One GA4 property for the brand's site (`GA4_PROPERTY_ID`, time zone America/New_York, currency USD). Rows are
per (property-tz date, sessionSource, sessionMedium, sessionCampaignName, sessionCampaignId):
- every non-test order's landing UTMs imply at least one session of that source/medium/campaign on the order's
  New York date (no UTMs: google organic when referred by Google, `<host>/referral` for another referrer, else
  `(direct)/(none)`); the campaign id is `(not set)` because the orders' UTMs carry no utm_id;
- paid campaigns bring clicks x a landing rate sessions on the ad row's day, tagged with the campaign's name and id
  (utm_id in the ad's URL template); Meta splits into facebook / instagram, TikTok is tiktok, medium paid_social;
  Google search campaigns are google / cpc (their landing rate draws come from KIND_GOOGLE_GA4 streams);
  LinkedIn, X, Snapchat and Pinterest campaigns are linkedin / twitter / snapchat / pinterest, paid_social
  (KIND_SOCIAL_GA4 streams);
- organic social, email, Google (organic and brand search), referral and direct traffic from a daily stream.
Purchases (ecommercePurchases = keyEvents) are the orders GA4 saw: about 95 % of orders (the rest are lost to
consent), chosen by order id; purchaseRevenue = their net sales converted to USD at the day's rate.
A day's rows come from per-(KIND_GA4_DAY, entity, day) streams and never depend on `as_of` (no restatement).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from sandbox import fx
from sandbox.attribution import utm_params
from sandbox.constants import EPOCH, KIND_GA4_DAY, KIND_GOOGLE_GA4, KIND_SOCIAL_GA4, REPORTING_TZ
from sandbox.orders import Order, _season
from sandbox.rng import rng_for
from sandbox.world import build_world

GA4_PROPERTY_ID = "412345678"
GA4_TIMEZONE = "America/New_York"
GA4_CURRENCY = "USD"
NOT_SET = "(not set)"
LANDING_RATE = 0.82  # sessions per ad click
# sessionSource of the LinkedIn / X / Snapchat / Pinterest ads' landing URLs (medium paid_social)
SOCIAL_AD_SOURCES = {"linkedin": "linkedin", "x": "twitter", "snapchat": "snapchat", "pinterest": "pinterest"}
CONSENT_SEEN_PER_MILLE = 950  # orders GA4 records as purchases, per thousand

# (source, medium, campaign or None for a dated email campaign, mean sessions a day)
_DAILY_TRAFFIC = (
    ("(direct)", "(none)", "(direct)", 420.0),
    ("google", "organic", "(organic)", 360.0),
    ("google", "cpc", "brand-search", 75.0),
    ("instagram", "social", "linkinbio", 38.0),
    ("instagram", "social", "story", 26.0),
    ("instagram", "social", "reel", 31.0),
    ("ig", "social", "linkinbio", 7.0),
    ("facebook", "social", "page-post", 22.0),
    ("newsletter", "email", None, 55.0),
    ("klaviyo", "email", None, 34.0),
    ("l.instagram.com", "referral", "(referral)", 12.0),
)

Key = tuple[date, str, str, str, str]


@dataclass(frozen=True, slots=True)
class Ga4Row:
    """One GA4 report row; revenue in USD."""

    day: date
    source: str
    medium: str
    campaign_name: str
    campaign_id: str
    sessions: int
    purchases: int
    purchase_revenue: Decimal

    @property
    def key_events(self) -> int:
        """Key events: the purchase is the property's only key event."""
        return self.purchases


def order_session_key(order: Order) -> Key:
    """The session (date, source, medium, campaign name, campaign id) an order's landing implies."""
    day = order.created_at.astimezone(REPORTING_TZ).date()
    utm = utm_params(order.landing_site)
    if utm.get("utm_source"):
        return (day, utm["utm_source"], utm.get("utm_medium") or "(none)", utm.get("utm_campaign") or NOT_SET, NOT_SET)
    referrer = order.referring_site or ""
    host = urlsplit(referrer).hostname or ""
    if "google." in host:
        return (day, "google", "organic", "(organic)", NOT_SET)
    if host:
        return (day, host, "referral", "(referral)", NOT_SET)
    return (day, "(direct)", "(none)", "(direct)", NOT_SET)


def seen_by_ga4(order: Order) -> bool:
    """Whether GA4 recorded the order's purchase (deterministic by order id; ~5 % lost to consent)."""
    return (order.id * 2654435761 >> 7) % 1000 < CONSENT_SEEN_PER_MILLE


def _daily_traffic(day: date, sessions: dict[Key, int]) -> None:
    """Add the day's organic, email, search, referral and direct sessions."""
    rng = rng_for(KIND_GA4_DAY, 0, day.toordinal())
    lam = rng.poisson([mean * _season(day) for *_, mean in _DAILY_TRAFFIC])
    for (source, medium, campaign, _), n in zip(_DAILY_TRAFFIC, lam.tolist(), strict=True):
        if n > 0:
            name = campaign or f"weekly-{day:%Y%m%d}"
            sessions[(day, source, medium, name, NOT_SET)] += int(n)


@lru_cache(maxsize=16)
def ga4_rows(as_of: date) -> tuple[Ga4Row, ...]:
    """All report rows of days before `as_of`, sorted by day, source, medium, campaign name and id."""
    world = build_world(as_of)
    sessions: dict[Key, int] = defaultdict(int)
    purchases: dict[Key, int] = defaultdict(int)
    revenue: dict[Key, Decimal] = defaultdict(Decimal)
    for orders in world.orders.values():
        for o in orders:
            if o.test:
                continue
            key = order_session_key(o)
            sessions[key] += 1
            if seen_by_ga4(o):
                purchases[key] += 1
                local = Decimal(o.subtotal_cents) / 100
                revenue[key] += fx.convert(local, o.shop.currency, key[0], GA4_CURRENCY)
    clicks: dict[tuple[int, date], int] = defaultdict(int)
    campaigns = {}
    for r in world.ad_days:
        clicks[(r.campaign.index, r.day)] += r.clicks
        campaigns[r.campaign.index] = r.campaign
    for (index, day), n in sorted(clicks.items()):
        c = campaigns[index]
        google = c.platform == "google"
        social = c.platform in SOCIAL_AD_SOURCES
        if google or social:
            rng = rng_for(KIND_GOOGLE_GA4 if google else KIND_SOCIAL_GA4, index, day.toordinal())
        else:
            rng = rng_for(KIND_GA4_DAY, 1 + index, day.toordinal())
        landed = int(rng.binomial(n, LANDING_RATE))
        medium = "cpc" if google else "paid_social"
        if google:
            split = [("google", landed)]
        elif social:
            split = [(SOCIAL_AD_SOURCES[c.platform], landed)]
        elif c.platform == "tiktok":
            split = [("tiktok", landed)]
        else:
            fb = int(rng.binomial(landed, 0.55))
            split = [("facebook", fb), ("instagram", landed - fb)]
        for source, k in split:
            if k > 0:
                sessions[(day, source, medium, c.name, c.campaign_id)] += k
    day = EPOCH
    while day < as_of:
        _daily_traffic(day, sessions)
        day = date.fromordinal(day.toordinal() + 1)
    return tuple(
        Ga4Row(*key, n, purchases.get(key, 0), revenue.get(key, Decimal("0.00")))
        for key, n in sorted(sessions.items())
        if key[0] < as_of
    )
