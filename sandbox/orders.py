"""Shopify orders, customers and refunds per shop, generated day by day in the shop's local calendar."""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

import numpy as np

from sandbox.campaigns import SOCIAL_PLATFORMS, Campaign, campaigns_for_month, month_index
from sandbox.catalog import GENERIC_CODES, INFLUENCER_CODES, PRODUCTS
from sandbox.constants import (
    EPOCH,
    EPOCH_START_UTC,
    KIND_ORDERS,
    KIND_ORGANIC_REFERRALS,
    KIND_SOCIAL_ORDERS,
    SHOPS,
    Shop,
)
from sandbox.rng import rng_for

# Order drivers and their base weights (conditional ones only when a campaign is available).
_DRIVERS = (
    ("meta", 0.27),
    ("tiktok", 0.08),
    ("instagram", 0.07),
    ("facebook", 0.03),
    ("email", 0.08),
    ("google", 0.03),
    ("influencer_code", 0.06),
    ("campaign_code", 0.04),
    ("generic_code", 0.04),
    ("direct", 0.30),
)
_META_SOURCES = (("facebook", 0.4), ("fb", 0.15), ("instagram", 0.35), ("ig", 0.10))
# Share of would-be direct orders that came from a running LinkedIn / X / Snapchat / Pinterest campaign of the geo.
SOCIAL_AD_SHARE_OF_DIRECT = 0.2
# utm_source, click-id parameter and referring site of their ads' landing URLs.
_SOCIAL_AD_UTM = {
    "linkedin": ("linkedin", "li_fat_id", "https://www.linkedin.com/"),
    "x": ("twitter", "twclid", "https://t.co/"),
    "snapchat": ("snapchat", "ScCid", "https://www.snapchat.com/"),
    "pinterest": ("pinterest", "epik", "https://www.pinterest.com/"),
}
_META_CUM = list(itertools.accumulate(w for _, w in _META_SOURCES))
# Share of direct orders without a Google referrer that arrived from an organic link (a post, a bio link, a pin, a
# search engine) without UTMs, and the referring sites with their weights: drawn from KIND_ORGANIC_REFERRALS
# streams, so every order keeps its identity (only its referring_site is set).
ORGANIC_REFERRAL_SHARE = 0.35
_ORGANIC_REFERRERS = (
    ("https://l.instagram.com/", 0.20),
    ("https://www.instagram.com/", 0.05),
    ("https://m.facebook.com/", 0.11),
    ("https://l.facebook.com/", 0.05),
    ("https://t.co/", 0.07),
    ("https://www.linkedin.com/", 0.03),
    ("https://lnkd.in/", 0.02),
    ("https://www.pinterest.com/", 0.06),
    ("https://pin.it/", 0.03),
    ("https://www.youtube.com/", 0.05),
    ("https://www.tiktok.com/", 0.07),
    ("https://www.google.co.uk/", 0.04),
    ("https://www.bing.com/", 0.05),
    ("https://duckduckgo.com/", 0.03),
    ("https://www.reddit.com/", 0.04),
)
_ORGANIC_REFERRER_CUM = list(itertools.accumulate(w for _, w in _ORGANIC_REFERRERS))
_PATHS = ("/", "/collections/new-arrivals", "/collections/sale", "/products/{p}", "/products/{p}")


@dataclass(frozen=True, slots=True)
class LineItem:
    """An order line; money in shop-currency cents."""

    id: int
    product_id: int
    variant_id: int
    sku: str
    title: str
    quantity: int
    price_cents: int
    discount_cents: int
    tax_cents: int

    @property
    def net_cents(self) -> int:
        """Line amount after discounts, before tax."""
        return self.price_cents * self.quantity - self.discount_cents


@dataclass(frozen=True, slots=True)
class RefundLine:
    """A refunded quantity of one line item."""

    id: int
    line_item_id: int
    quantity: int
    subtotal_cents: int
    tax_cents: int


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund (full, or one unit of one line); created_at is UTC."""

    id: int
    created_at: datetime
    lines: tuple[RefundLine, ...]

    @property
    def subtotal_cents(self) -> int:
        """Sum of refunded line subtotals (excl. tax)."""
        return sum(rl.subtotal_cents for rl in self.lines)


@dataclass(frozen=True, slots=True)
class DiscountCode:
    """A discount code applied to an order; amount in shop cents."""

    code: str
    type: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Order:
    """A Shopify order; timestamps are UTC. `refunds` holds all refunds, also future ones (see World)."""

    shop: Shop
    id: int
    number: int
    created_at: datetime
    customer_id: int
    customer_created_at: datetime
    is_first_order: bool
    test: bool
    landing_site: str
    referring_site: str | None
    discount: DiscountCode | None
    line_items: tuple[LineItem, ...]
    shipping_cents: int
    refunds: tuple[Refund, ...]
    driver: str
    driver_campaign: str | None

    @property
    def name(self) -> str:
        """The order name, e.g. '#1001'."""
        return f"#{self.number}"

    @property
    def subtotal_cents(self) -> int:
        """Sum of line amounts after discounts (net sales before refunds)."""
        return sum(li.net_cents for li in self.line_items)

    @property
    def discount_cents(self) -> int:
        """Total discounts."""
        return sum(li.discount_cents for li in self.line_items)

    @property
    def tax_cents(self) -> int:
        """Total tax."""
        return sum(li.tax_cents for li in self.line_items)

    @property
    def total_cents(self) -> int:
        """Subtotal + tax + shipping."""
        return self.subtotal_cents + self.tax_cents + self.shipping_cents


def _season(day: date) -> float:
    """Demand multiplier for a day (yearly wave, holidays, weekends, growth)."""
    doy = day.timetuple().tm_yday
    s = 1.0 + 0.12 * math.sin(2 * math.pi * (doy - 100) / 365.25)
    if (day.month == 11 and day.day >= 24) or (day.month == 12 and day.day <= 20):
        s *= 1.35
    elif day.month == 1:
        s *= 0.85
    if day.weekday() >= 5:
        s *= 1.08
    return s * (1.0 + 0.1 * (day - EPOCH).days / 365.0)


def _messy(name: str, u: float) -> str:
    """A variant of a campaign name with the same normalised form (lowercase, only [a-z0-9])."""
    k = int(u * 5)
    if k == 0:
        return name.replace("_", " ").title()
    if k == 1:
        return name.upper()
    if k == 2:
        return name.replace("_", "-")
    if k == 3:
        return name.replace("_", " | ")
    return " " + name.replace("_", " ").upper() + " "


def _pick_weighted(items: list[Campaign], u: float) -> Campaign:
    """Pick a campaign with probability proportional to its daily budget."""
    total = sum(c.daily_budget_cents for c in items)
    acc = 0
    for c in items:
        acc += c.daily_budget_cents
        if u < acc / total:
            return c
    return items[-1]


def _q(value: str) -> str:
    """Percent-encode a query value."""
    return quote(value, safe="")


class _ShopGenerator:
    """Generates a shop's orders day by day; state (ids, customer pool) only depends on earlier days."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.next_day = EPOCH
        self.seq = 0
        self.line_seq = 0
        self.refund_seq = 0
        self.cust_seq = 0
        self.pool: list[tuple[int, datetime]] = []
        self.orders: list[Order] = []

    def extend_to(self, last_day: date) -> None:
        """Generate all local days up to and including last_day."""
        while self.next_day <= last_day:
            self._day(self.next_day)
            self.next_day += timedelta(days=1)

    def _active(self, day: date) -> dict[str, list[Campaign]]:
        """Campaigns per platform (geo = shop geo) that launched before `day` and still run on it."""
        m = month_index(day)
        by_platform: dict[str, list[Campaign]] = {p: [] for p in ("meta", "tiktok", "google", *SOCIAL_PLATFORMS)}
        for mm in range(max(0, m - 3), m + 1):
            for c in campaigns_for_month(mm):
                if c.geo == self.shop.geo and c.launch < day <= c.end:
                    by_platform[c.platform].append(c)
        return by_platform

    def _day(self, day: date) -> None:
        """Generate one local day of orders."""
        shop = self.shop
        rng = rng_for(KIND_ORDERS, shop.index, day.toordinal())
        active = self._active(day)
        meta, tiktok, google = active["meta"], active["tiktok"], active["google"]
        social = [c for p in SOCIAL_PLATFORMS for c in active[p]]
        coded = [c for c in meta if c.promo_code]
        lam = shop.base_orders_per_day * _season(day) * (1.0 + 0.04 * len(meta) + 0.05 * len(tiktok))
        n = int(rng.poisson(lam))
        has_test = rng.random() < 1 / 15
        total = n + int(has_test)
        test_pos = int(rng.integers(0, max(total, 1)))
        start = datetime.combine(day, time(0), shop.tz).astimezone(UTC)
        length = datetime.combine(day + timedelta(days=1), time(0), shop.tz).astimezone(UTC) - start
        secs = np.sort(np.floor(rng.beta(2.2, 1.6, total) * length.total_seconds()).astype(np.int64))
        u = rng.random((total, 20)).tolist()
        lines_u = rng.random((total, 3, 3)).tolist()
        # Some orders that would look direct came from a LinkedIn / X / Snapchat / Pinterest ad: drawn from their own
        # stream so the other orders keep their identity.
        social_u = rng_for(KIND_SOCIAL_ORDERS, shop.index, day.toordinal()).random((total, 2)).tolist()
        referral_u = rng_for(KIND_ORGANIC_REFERRALS, shop.index, day.toordinal()).random((total, 2)).tolist()
        weights = np.array([w for _, w in _DRIVERS])
        avail = {"meta": bool(meta), "tiktok": bool(tiktok), "campaign_code": bool(coded)}
        for i, (name, _) in enumerate(_DRIVERS):
            if not avail.get(name, True):
                weights[i] = 0.0
        cum = (np.cumsum(weights) / weights.sum()).tolist()
        for i in range(total):
            created = start + timedelta(seconds=int(secs[i]))
            if created < EPOCH_START_UTC:
                continue
            is_test = has_test and i == test_pos
            driver = _DRIVERS[min(bisect.bisect_right(cum, u[i][0]), len(_DRIVERS) - 1)][0]
            social_pick = None
            if driver == "direct" and not is_test and social and social_u[i][0] < SOCIAL_AD_SHARE_OF_DIRECT:
                social_pick = _pick_weighted(social, social_u[i][1])
                driver = social_pick.platform
            self.orders.append(
                self._order(
                    created,
                    is_test,
                    "direct" if is_test else driver,
                    u[i],
                    lines_u[i],
                    (meta, tiktok, google, social_pick),
                    coded,
                    referral_u[i],
                )
            )

    def _customer(self, created: datetime, is_test: bool, u: list[float]) -> tuple[int, datetime, bool]:
        """Pick a returning customer from earlier days' pool or create a new one."""
        base = 7_310_000_000_000 + self.shop.index * 100_000_000_000
        if not is_test and len(self.pool) >= 40 and u[1] < 0.3:
            cid, first = self.pool[int(u[2] * len(self.pool))]
            return cid, first, False
        self.cust_seq += 1
        cid = base + self.cust_seq * 7
        return cid, created, True

    def _order(
        self,
        created: datetime,
        is_test: bool,
        driver: str,
        u: list[float],
        lu: list[float],
        active: tuple[list[Campaign], list[Campaign], list[Campaign], Campaign | None],
        coded: list[Campaign],
        referral_u: list[float],
    ) -> Order:
        """Build one order (lines, discount, UTMs, refund)."""
        shop = self.shop
        self.seq += 1
        order_id = 5_612_000_000_000 + shop.index * 100_000_000_000 + self.seq * 17 + int(u[19] * 16)
        cid, cust_created, new = self._customer(created, is_test, u)
        product = PRODUCTS[int(lu[0][0] * len(PRODUCTS))]
        path = _PATHS[int(u[3] * len(_PATHS))].format(p=product.handle)
        landing, referrer, code, campaign = self._source(driver, u, active, coded, path, created, referral_u)
        lines = self._lines(lu, u, code)
        if code is not None:
            code = DiscountCode(code.code, code.type, sum(li.discount_cents for li in lines))
        subtotal = sum(li.net_cents for li in lines)
        shipping = 0 if subtotal >= shop.free_shipping_cents else shop.shipping_cents
        refunds = () if is_test or u[10] >= 0.06 else (self._refund(created, lines, u),)
        if new and not is_test:
            self.pool.append((cid, created))
        return Order(
            shop,
            order_id,
            1000 + self.seq,
            created,
            cid,
            cust_created,
            new,
            is_test,
            landing,
            referrer,
            code,
            lines,
            shipping,
            refunds,
            driver,
            campaign,
        )

    def _source(
        self,
        driver: str,
        u: list[float],
        active: tuple[list[Campaign], list[Campaign], list[Campaign], Campaign | None],
        coded: list[Campaign],
        path: str,
        created: datetime,
        referral_u: list[float],
    ) -> tuple[str, str | None, DiscountCode | None, str | None]:
        """Landing site, referring site, discount code and driving campaign key for an order driver.

        A google order comes from a running Google search campaign of the shop's geo 3 times in 4 (utm_campaign =
        its id, name or a messy name, with a gclid), else from the untracked brand search. An order from a LinkedIn,
        X, Snapchat or Pinterest ad (`social_pick`) lands with that platform's utm_source and click id. A direct
        order without a Google referrer came from an organic link without UTMs ORGANIC_REFERRAL_SHARE of the time
        (`referral_u`, its own stream)."""
        meta, tiktok, google, social_pick = active
        code: DiscountCode | None = None
        campaign: Campaign | None = None
        referrer: str | None = None
        token = f"{int(u[18] * 1e12):012d}"
        if driver in ("meta", "tiktok"):
            campaign = _pick_weighted(meta if driver == "meta" else tiktok, u[4])
            form = u[5]
            value = (
                campaign.campaign_id if form < 0.6 else (campaign.name if form < 0.85 else _messy(campaign.name, u[6]))
            )
            if driver == "meta":
                source = _META_SOURCES[min(bisect.bisect_right(_META_CUM, u[7]), 3)][0]
                medium = "paid_social" if u[8] < 0.75 else "cpc"
                ad = campaign.ads[int(u[9] * 4)]
                query = (
                    f"utm_source={source}&utm_medium={medium}&utm_campaign={_q(value)}"
                    f"&utm_content={ad.ad_id}&fbclid=IwAR{token}"
                )
                if u[11] < 0.6:
                    referrer = (
                        "https://l.instagram.com/" if source in ("instagram", "ig") else "https://l.facebook.com/"
                    )
            else:
                query = f"utm_source=tiktok&utm_medium=paid_social&utm_campaign={_q(value)}&ttclid={token}"
                referrer = "https://www.tiktok.com/" if u[11] < 0.5 else None
        elif social_pick is not None:
            campaign = social_pick
            value = (
                campaign.campaign_id if u[5] < 0.6 else (campaign.name if u[5] < 0.85 else _messy(campaign.name, u[6]))
            )
            source, click_id, site = _SOCIAL_AD_UTM[driver]
            query = f"utm_source={source}&utm_medium=paid_social&utm_campaign={_q(value)}&{click_id}={token}"
            referrer = site if u[11] < 0.5 else None
        elif driver == "instagram":
            src = "instagram" if u[7] < 0.8 else "ig"
            query = f"utm_source={src}&utm_medium=social&utm_campaign={('linkinbio', 'story', 'reel')[int(u[8] * 3)]}"
            referrer = "https://l.instagram.com/" if u[11] < 0.7 else None
        elif driver == "facebook":
            query = "utm_source=facebook&utm_medium=social&utm_campaign=page-post"
            referrer = "https://m.facebook.com/" if u[11] < 0.7 else None
        elif driver == "email":
            src = "newsletter" if u[7] < 0.6 else "klaviyo"
            query = f"utm_source={src}&utm_medium=email&utm_campaign=weekly-{created:%Y%m%d}"
        elif driver == "google":
            if google and u[7] < 0.75:
                campaign = _pick_weighted(google, u[4])
                value = (
                    campaign.campaign_id
                    if u[5] < 0.6
                    else (campaign.name if u[5] < 0.85 else _messy(campaign.name, u[6]))
                )
                query = f"utm_source=google&utm_medium=cpc&utm_campaign={_q(value)}&gclid=Cj0K{token}"
            else:
                query = f"utm_source=google&utm_medium=cpc&utm_campaign=brand-search&gclid=Cj0K{token}"
            referrer = "https://www.google.com/"
        else:
            query = ""
            if driver == "influencer_code":
                c, _, pct = INFLUENCER_CODES[int(u[12] * len(INFLUENCER_CODES))]
                code = DiscountCode(c, "percentage", pct)
                referrer = "https://www.instagram.com/" if u[11] < 0.3 else None
            elif driver == "campaign_code":
                campaign = _pick_weighted(coded, u[4])
                code = DiscountCode(campaign.promo_code or "", "percentage", campaign.promo_pct)
            elif driver == "generic_code":
                c, kind, value = GENERIC_CODES[int(u[12] * len(GENERIC_CODES))]
                code = DiscountCode(c, kind, value)
            elif u[11] < 0.3:
                referrer = "https://www.google.com/"
            elif referral_u[0] < ORGANIC_REFERRAL_SHARE:
                pick = bisect.bisect_right(_ORGANIC_REFERRER_CUM, referral_u[1] * _ORGANIC_REFERRER_CUM[-1])
                referrer = _ORGANIC_REFERRERS[min(pick, len(_ORGANIC_REFERRERS) - 1)][0]
        if query and code is None and u[13] < 0.1:  # a UTM order that also used a code
            if u[14] < 0.6:
                c, _, pct = INFLUENCER_CODES[int(u[12] * len(INFLUENCER_CODES))]
                code = DiscountCode(c, "percentage", pct)
            else:
                c, kind, value = GENERIC_CODES[int(u[12] * len(GENERIC_CODES))]
                code = DiscountCode(c, kind, value)
        landing = f"{path}?{query}" if query else path
        return landing, referrer, code, campaign.key if campaign else None

    def _lines(self, lu: list[float], u: list[float], code: DiscountCode | None) -> tuple[LineItem, ...]:
        """Line items with discounts allocated and tax computed."""
        shop = self.shop
        n = 1 if u[15] < 0.55 else (2 if u[15] < 0.85 else 3)
        raw = []
        for j in range(n):
            p = PRODUCTS[int(lu[j][0] * len(PRODUCTS))]
            size = int(lu[j][1] * len(p.sizes))
            qty = 1 if lu[j][2] < 0.85 else (2 if lu[j][2] < 0.98 else 3)
            raw.append((p, size, qty, p.price_cents(shop.currency)))
        gross = [price * qty for _, _, qty, price in raw]
        if code is None:
            discounts = [0] * n
        elif code.type == "percentage":
            discounts = [(g * code.amount_cents + 50) // 100 for g in gross]
        else:
            amount = min(code.amount_cents, sum(gross))
            discounts = [amount * g // sum(gross) for g in gross[:-1]]
            discounts.append(amount - sum(discounts))
        out = []
        for (p, size, qty, price), disc in zip(raw, discounts, strict=True):
            self.line_seq += 1
            net = price * qty - disc
            out.append(
                LineItem(
                    14_210_000_000_000 + shop.index * 1_000_000_000_000 + self.line_seq * 3,
                    p.product_id(shop),
                    p.variant_id(shop, size),
                    p.sku(size),
                    p.title,
                    qty,
                    price,
                    disc,
                    (net * shop.tax_rate_bp + 5000) // 10000,
                )
            )
        return tuple(out)

    def _refund(self, created: datetime, lines: tuple[LineItem, ...], u: list[float]) -> Refund:
        """A full refund, or one unit of one line, 3-20 days after the order."""
        self.refund_seq += 1
        at = created + timedelta(days=3 + int(u[16] * 18), seconds=int(u[17] * 36000))
        base = 9_810_000_000_000 + self.shop.index * 100_000_000_000
        rid = 1_020_000_000_000 + self.shop.index * 100_000_000_000 + self.refund_seq * 5
        picked = [(li, li.quantity) for li in lines] if u[14] < 0.4 else [(lines[int(u[12] * len(lines))], 1)]
        rlines = []
        for k, (li, qty) in enumerate(picked):
            if qty == li.quantity:
                sub, tax = li.net_cents, li.tax_cents
            else:
                sub = (li.net_cents * qty + li.quantity // 2) // li.quantity
                tax = (li.tax_cents * qty + li.quantity // 2) // li.quantity
            rlines.append(RefundLine(base + self.refund_seq * 5 + k, li.id, qty, sub, tax))
        return Refund(rid, at, tuple(rlines))


_LOCK = threading.Lock()
_GENERATORS = {s.handle: _ShopGenerator(s) for s in SHOPS}


def orders_created_before(shop: Shop, cutoff: datetime) -> list[Order]:
    """All orders of a shop created before the UTC instant `cutoff`, in creation order."""
    last_local_day = cutoff.astimezone(shop.tz).date()
    with _LOCK:
        gen = _GENERATORS[shop.handle]
        gen.extend_to(last_local_day)
        orders = gen.orders
        lo, hi = 0, len(orders)
        while lo < hi:
            mid = (lo + hi) // 2
            if orders[mid].created_at < cutoff:
                lo = mid + 1
            else:
                hi = mid
        return orders[:lo]
