"""Ground truth computed from the world model (never from HTTP or SQL), as a correct pipeline run at
`as_of` should report it.

Conventions (docs/design.md): money in the reporting currency is converted per row (per ad row, per order,
per refund) at that row's day rate and rounded half away from zero to the cent, then summed (Decimal).
Ad rows use the values the platform reports at `as_of` (restatements applied) on their account-tz day;
orders and refunds count on their reporting-timezone date; test orders are excluded everywhere.
Months are 'YYYY-MM' strings (a date is accepted too); `month=None` means all visible data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from sandbox import campaigns, constants, demographics, fx, linkedin_social, video_social, x_social
from sandbox.ads import AdDay
from sandbox.attribution import (
    Attribution,
    CampaignIndex,
    attribute,
    campaign_segment,
    channel_for,
    with_customer_segment,
)
from sandbox.budgets import final_budgets
from sandbox.constants import AD_ACCOUNTS, EPOCH, month_key
from sandbox.ga4 import Ga4Row, ga4_rows
from sandbox.linkedin_social import LI_TOTALS, li_follower_gains, li_posts_before
from sandbox.pinterest_social import PIN_ACCOUNTS, PIN_TOTALS, pin_day_seen, pin_followers_gained, pins_before
from sandbox.social import TOTALS, FbPost, IgMedia, grown
from sandbox.stripe_payments import StripeCharge, charges_before, minor_to_major
from sandbox.world import World, build_world
from sandbox.x_social import X_TOTALS, x_followers_gained, x_posts_before

_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderFact:
    """One non-test order as the marts should see it."""

    shop: str  # a Shopify shop, or `stripe:<account id>` for a Stripe-only sale
    order_id: int | str  # the Shopify order id, or the Stripe charge id
    order_date: date
    currency: str
    revenue_local: Decimal
    revenue: Decimal
    is_new_customer: bool
    attribution: Attribution


@dataclass(frozen=True)
class RefundFact:
    """One refund of a non-test order, negative revenue on the refund's date."""

    shop: str
    order_id: int | str
    refund_id: int | str
    refund_date: date
    amount_local: Decimal
    amount: Decimal
    attribution: Attribution


@dataclass
class _Facts:
    """Order-side facts of a Truth."""

    orders: list[OrderFact]
    refunds: list[RefundFact]
    attribution: dict[tuple[str, int | str], Attribution]
    orders_by_month: dict[str, list[OrderFact]]
    refunds_by_month: dict[str, list[RefundFact]]


@dataclass(frozen=True)
class _Organic:
    """One organic platform's truth: by_day[metric][day] for each of ORGANIC_DAILY_METRICS (a day without posts has
    no posts_published, organic_impressions or engagements entry, unless account analytics report them), and
    followers_total(day)."""

    by_day: dict[str, dict[date, int]]
    followers_total: Callable[[date], int]


@dataclass
class AdDayTotals:
    """The delivery of one ad platform on one account-timezone day (spend in the reporting currency)."""

    spend: Decimal = _ZERO
    impressions: int = 0
    clicks: int = 0


@dataclass
class DemographicDay:
    """The delivery of one ad platform to one age x gender cell on one account-timezone day: money in the reporting
    currency (see Truth.ad_demographics_by_day) and spend in the account currencies (`spend_local`, as reported)."""

    spend: Decimal = _ZERO
    spend_local: Decimal = _ZERO
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    conversion_value: Decimal = _ZERO


@dataclass
class ChannelRevenueDay:
    """Store sales attributed to one channel on one reporting-timezone date: net sales (orders on the order date,
    refunds on the refund date), orders and new customers (order date)."""

    revenue: Decimal = _ZERO
    orders: int = 0
    new_customers: int = 0


@dataclass
class SegmentMonth:
    """The additive parts of fct_segment_monthly for one month x segment (reporting currency for money)."""

    spend: Decimal = _ZERO
    revenue: Decimal = _ZERO
    orders: int = 0
    customers: int = 0
    new_customers: int = 0
    sessions: int = 0


@dataclass
class CampaignWeek:
    """The additive parts of rpt_weekly_campaign_revenue for one ISO week x campaign."""

    spend: Decimal = _ZERO
    revenue: Decimal = _ZERO
    orders: int = 0


@dataclass
class PlatformMonth:
    """What a platform claims and what the store attributes to its campaigns in one month."""

    spend: Decimal = _ZERO
    platform_conversions: int = 0
    platform_conversion_value: Decimal = _ZERO
    store_orders: int = 0
    store_revenue: Decimal = _ZERO


ORGANIC_PLATFORMS = ("instagram", "facebook", "tiktok", "youtube", "x", "linkedin", "pinterest")
# The organic metrics Truth has per day (organic_by_day) and per month (the methods of the same names).
ORGANIC_DAILY_METRICS = ("posts_published", "organic_impressions", "engagements", "followers_gained")


def _month(month: str | date | None) -> str | None:
    """Normalise a month argument to 'YYYY-MM'."""
    if month is None or isinstance(month, str):
        return month
    return month_key(month)


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator as a Decimal; None when the denominator is 0."""
    return None if not denominator else Decimal(numerator) / Decimal(denominator)


def _in(d: date, month: str | None) -> bool:
    """Whether a date falls in the month (None = any)."""
    return month is None or month_key(d) == month


class Truth:
    """Expected numbers for a run at `as_of`; every method documents its definition."""

    def __init__(
        self,
        as_of: date,
        reporting_currency: str = "USD",
        reporting_timezone: str = "America/New_York",
        known_platforms: tuple[str, ...] = ("meta",),
        with_stripe: bool = False,
        loaded_from: Mapping[str, date] | None = None,
    ) -> None:
        """Build the facts for `as_of`; `known_platforms` are the ad platforms the warehouse loads; with
        `with_stripe` the Stripe-only sales (and their refunds) count as orders and refunds too. `loaded_from`
        gives, for a platform whose API serves limited history (Pinterest: 90 days), the first account-tz day the
        warehouse holds: only that platform's campaigns delivering on or after it are known to attribution."""
        self.as_of = as_of
        self.with_stripe = with_stripe
        self.currency = reporting_currency
        self.tz = ZoneInfo(reporting_timezone)
        self.world: World = build_world(as_of)
        self.known_platforms = known_platforms
        first_day = loaded_from or {}
        self._loaded_from = first_day
        visible_keys = {
            r.campaign.key for r in self.world.ad_days if r.day >= first_day.get(r.campaign.platform, r.day)
        }
        known = [c for c in self.world.campaigns if c.platform in known_platforms and c.key in visible_keys]
        self._known = CampaignIndex(known)
        self._all = CampaignIndex(self.world.campaigns)
        self._spend_by_month: dict[str, list[tuple[AdDay, Decimal, Decimal]]] = defaultdict(list)
        for row in self.world.ad_days:
            local = Decimal(self.world.seen_ad(row).spend_cents) / 100
            conv = fx.convert(local, row.campaign.account.currency, row.day, self.currency)
            self._spend_by_month[month_key(row.day)].append((row, conv, local))

    def _local_date(self, ts: datetime) -> date:
        """Reporting-timezone date of a UTC instant."""
        return ts.astimezone(self.tz).date()

    @cached_property
    def _facts(self) -> _Facts:
        """Order and refund facts, built on first use (spend-only questions never need them)."""
        facts = _Facts([], [], {}, defaultdict(list), defaultdict(list))
        for shop, orders in self.world.orders.items():
            for o in orders:
                if o.test:
                    continue
                attr = attribute(o, self._known, self._all)
                facts.attribution[(shop, o.id)] = attr
                d = self._local_date(o.created_at)
                local = Decimal(o.subtotal_cents) / 100
                fact = OrderFact(
                    shop,
                    o.id,
                    d,
                    o.shop.currency,
                    local,
                    fx.convert(local, o.shop.currency, d, self.currency),
                    o.is_first_order,
                    attr,
                )
                facts.orders.append(fact)
                facts.orders_by_month[month_key(d)].append(fact)
                for r in self.world.refunds(o):
                    rd = self._local_date(r.created_at)
                    amount = -Decimal(r.subtotal_cents) / 100
                    refund = RefundFact(
                        shop, o.id, r.id, rd, amount, fx.convert(amount, o.shop.currency, rd, self.currency), attr
                    )
                    facts.refunds.append(refund)
                    facts.refunds_by_month[month_key(rd)].append(refund)
        if self.with_stripe:
            stripe = self._stripe_facts
            facts.attribution.update(stripe.attribution)
            for fact in stripe.orders:
                facts.orders.append(fact)
                facts.orders_by_month[month_key(fact.order_date)].append(fact)
            for refund in stripe.refunds:
                facts.refunds.append(refund)
                facts.refunds_by_month[month_key(refund.refund_date)].append(refund)
        return facts

    @cached_property
    def _stripe_facts(self) -> _Facts:
        """Stripe-only sales (succeeded, captured charges without Shopify metadata) and their refunds, as order and
        refund facts of shop `stripe:<account id>`. Revenue = the captured amount on the charge's date, each refund
        negative on its own date; attribution from the Checkout metadata UTMs (no UTMs: unattributed); a new
        customer is the Stripe customer's first such charge. Shopify orders paid through Stripe never count here."""
        facts = _Facts([], [], {}, defaultdict(list), defaultdict(list))
        seen_customers: set[tuple[str, str]] = set()
        for account_id, charges in charges_before(self.world.cutoff).items():
            shop = f"stripe:{account_id}"
            for c in charges:
                if not c.is_revenue:
                    continue
                attr = self._stripe_attribution(c)
                facts.attribution[(shop, c.id)] = attr
                d = self._local_date(c.created_at)
                currency = c.account.currency.upper()
                local = minor_to_major(c.amount_captured, currency)
                new = c.customer is not None and (account_id, c.customer) not in seen_customers
                if c.customer is not None:
                    seen_customers.add((account_id, c.customer))
                converted = fx.convert(local, currency, d, self.currency)
                facts.orders.append(OrderFact(shop, c.id, d, currency, local, converted, new, attr))
                for r in c.visible_refunds(self.world.cutoff):
                    rd = self._local_date(r.created_at)
                    amount = -minor_to_major(r.amount, currency)
                    converted = fx.convert(amount, currency, rd, self.currency)
                    facts.refunds.append(RefundFact(shop, c.id, r.id, rd, amount, converted, attr))
        return facts

    def _stripe_attribution(self, charge: StripeCharge) -> Attribution:
        """Attribution of a Stripe-only sale from its Checkout metadata UTMs (the order rules without promo codes)."""
        source = (charge.metadata.get("utm_source") or "").strip()
        medium, value = charge.metadata.get("utm_medium"), charge.metadata.get("utm_campaign")
        if not source:
            return with_customer_segment(
                Attribution("unattributed", "unattributed", None, "unassigned", utm_medium=medium, utm_campaign=value)
            )
        campaign = self._known.match(value) if value else None
        return with_customer_segment(
            Attribution(
                "utm",
                channel_for(source, medium),
                campaign.key if campaign else None,
                campaign_segment(campaign) if campaign else "unassigned",
                source,
                medium,
                value,
            )
        )

    def stripe_revenue(self, month: str | date | None = None, account_id: str | None = None) -> Decimal:
        """Net sales of the Stripe-only sales in the reporting currency (whatever `with_stripe` says): captured
        amounts on the charge's reporting-tz date minus refunds on the refund's date, converted per row; one
        account's only when `account_id` is given. Shopify orders paid through Stripe are not included."""
        m = _month(month)
        stripe = self._stripe_facts
        shop = f"stripe:{account_id}" if account_id else None
        rows = [(o.shop, o.order_date, o.revenue) for o in stripe.orders]
        rows += [(r.shop, r.refund_date, r.amount) for r in stripe.refunds]
        return sum((a for s, d, a in rows if (shop is None or s == shop) and _in(d, m)), _ZERO)

    # ---- orders -------------------------------------------------------------------------------------------
    def order_facts(self) -> list[OrderFact]:
        """All non-test visible orders with their reporting-currency net sales and attribution."""
        return list(self._facts.orders)

    def refund_facts(self) -> list[RefundFact]:
        """All visible refunds of non-test orders (amounts negative)."""
        return list(self._facts.refunds)

    def order_attribution(self, shop: str, order_id: int) -> Attribution:
        """Attribution of one non-test order (KeyError for test or unknown orders)."""
        return self._facts.attribution[(shop, order_id)]

    def _month_orders(self, month: str | date | None) -> list[OrderFact]:
        """Order facts dated in the month (all when None)."""
        m = _month(month)
        return self._facts.orders if m is None else self._facts.orders_by_month.get(m, [])

    def _month_refunds(self, month: str | date | None) -> list[RefundFact]:
        """Refund facts dated in the month (all when None)."""
        m = _month(month)
        return self._facts.refunds if m is None else self._facts.refunds_by_month.get(m, [])

    def _revenue_rows(self, month: str | date | None) -> list[tuple[Decimal, Attribution]]:
        """(amount, attribution) of orders (order date) and refunds (refund date) in the month."""
        rows = [(o.revenue, o.attribution) for o in self._month_orders(month)]
        rows += [(r.amount, r.attribution) for r in self._month_refunds(month)]
        return rows

    def revenue(self, month: str | date | None = None) -> Decimal:
        """Net sales: sum of converted order subtotals (line items after discounts, excl. tax and shipping)
        on the order's date, minus converted refund line subtotals on the refund's date; test orders excluded."""
        return sum((a for a, _ in self._revenue_rows(month)), _ZERO)

    def revenue_local(self, shop: str, month: str | date | None = None) -> Decimal:
        """Net sales of one shop in its own currency (orders minus refunds, reporting-tz dates)."""
        total = sum((o.revenue_local for o in self._month_orders(month) if o.shop == shop), _ZERO)
        return total + sum((r.amount_local for r in self._month_refunds(month) if r.shop == shop), _ZERO)

    def refunds(self, month: str | date | None = None) -> Decimal:
        """Converted refund subtotals (negative) dated in the month."""
        return sum((r.amount for r in self._month_refunds(month)), _ZERO)

    def orders(self, month: str | date | None = None) -> int:
        """Number of non-test orders created in the month (reporting-tz date)."""
        return len(self._month_orders(month))

    def new_customers(self, month: str | date | None = None) -> int:
        """Customers whose first order (earliest created_at per shop customer id) falls in the month."""
        return sum(1 for o in self._month_orders(month) if o.is_new_customer)

    def revenue_by_attribution_method(self, month: str | date | None = None) -> dict[str, Decimal]:
        """Net sales per attribution method (utm | promo_code | referrer | unattributed); refunds follow their
        order."""
        out: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for amount, a in self._revenue_rows(month):
            out[a.method] += amount
        return dict(out)

    @cached_property
    def _revenue_by_channel_day(self) -> dict[tuple[str, date], ChannelRevenueDay]:
        """ChannelRevenueDay per (attributed channel, reporting-tz date)."""
        out: dict[tuple[str, date], ChannelRevenueDay] = defaultdict(ChannelRevenueDay)
        for o in self._facts.orders:
            cell = out[(o.attribution.channel, o.order_date)]
            cell.revenue += o.revenue
            cell.orders += 1
            cell.new_customers += int(o.is_new_customer)
        for r in self._facts.refunds:
            out[(r.attribution.channel, r.refund_date)].revenue += r.amount
        return dict(out)

    def revenue_by_channel_day(self) -> dict[tuple[str, date], ChannelRevenueDay]:
        """Net sales, orders and new customers per (attributed channel as in revenue_by_channel(), reporting-timezone
        date), for the dates with an order or a refund; refunds follow their order's channel on their own date."""
        return {key: replace(day) for key, day in self._revenue_by_channel_day.items()}

    def revenue_by_channel(self, month: str | date | None = None) -> dict[str, Decimal]:
        """Net sales per attributed channel (meta, facebook, instagram, tiktok, google, influencer, other,
        unattributed); refunds follow their order."""
        m = _month(month)
        out: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for (channel, d), day in self._revenue_by_channel_day.items():
            if _in(d, m):
                out[channel] += day.revenue
        return dict(out)

    def revenue_by_segment(self, month: str | date | None = None) -> dict[str, Decimal]:
        """Net sales per customer segment (the attributed campaign's segment: its name's segment field when it is a
        known segment, else the first matching campaign rule; else the first matching order rule; else
        'unassigned'; see sandbox.segments); refunds follow their order."""
        out: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for amount, a in self._revenue_rows(month):
            out[a.customer_segment] += amount
        return dict(out)

    def attributed_revenue_by_campaign(self, month: str | date | None = None) -> dict[str, Decimal]:
        """Net sales per campaign_key (platform:campaign_id) of orders attributed to a campaign (utm matched
        to a known campaign, or a campaign promo code); refunds follow their order."""
        out: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for amount, a in self._revenue_rows(month):
            if a.campaign_key:
                out[a.campaign_key] += amount
        return dict(out)

    def attributed_orders(self, channel: str, month: str | date | None = None) -> int:
        """Number of non-test orders attributed to a channel, counted on the order date."""
        m = _month(month)
        return sum(day.orders for (c, d), day in self._revenue_by_channel_day.items() if c == channel and _in(d, m))

    # ---- ads ----------------------------------------------------------------------------------------------
    def _spend_rows(self, month: str | date | None) -> list[tuple[AdDay, Decimal, Decimal]]:
        """(row, reporting-currency spend, local spend) of visible ad rows on account-tz days in the month."""
        m = _month(month)
        if m is None:
            return [x for rows in self._spend_by_month.values() for x in rows]
        return self._spend_by_month.get(m, [])

    def spend(self, platform: str, month: str | date | None = None) -> Decimal:
        """Ad spend of a platform (meta | tiktok) in the reporting currency: per ad row (as reported at
        as_of) converted at the row day's rate and rounded to the cent, then summed."""
        return sum((s for r, s, _ in self._spend_rows(month) if r.campaign.platform == platform), _ZERO)

    def impressions(self, platform: str, month: str | date | None = None) -> int:
        """Ad impressions of a platform (meta | tiktok | google) on account-tz days in the month, as reported at
        as_of (impressions are never restated)."""
        return sum(r.impressions for r, _, _ in self._spend_rows(month) if r.campaign.platform == platform)

    def clicks(self, platform: str, month: str | date | None = None) -> int:
        """Ad clicks of a platform on account-tz days in the month, as reported at as_of (never restated)."""
        return sum(r.clicks for r, _, _ in self._spend_rows(month) if r.campaign.platform == platform)

    def ad_totals_by_day(self) -> dict[tuple[str, date], AdDayTotals]:
        """spend(), impressions() and clicks() per (platform, account-timezone day) with delivery, for every ad
        platform of the world (not only the known ones), as reported at as_of."""
        out: dict[tuple[str, date], AdDayTotals] = defaultdict(AdDayTotals)
        for r, s, _ in self._spend_rows(None):
            cell = out[(r.campaign.platform, r.day)]
            cell.spend += s
            cell.impressions += r.impressions
            cell.clicks += r.clicks
        return dict(out)

    def ad_demographics_by_day(self) -> dict[tuple[str, date, str, str], DemographicDay]:
        """fct_ad_demographics_daily per (platform, account-timezone day, age_range, gender) for the loaded platforms
        that report an age x gender breakdown (meta, tiktok): the breakdown rows of sandbox.demographics as reported
        at as_of, which sum exactly to the ad rows in the account currency. Spend and purchase value are converted
        per ad row (its day's rate, rounded to the cent once, as spend() does) and shared by the ad's age x gender
        rows by running total in age, gender order (each row: the rounded running total of the exact conversions
        through it less the one before it), so they add up to the ad rows in the reporting currency too. Ages and
        genders in
        the mart's vocabulary (18-24 ... 65+ and unknown for Meta, 55+ TikTok's oldest; female, male, unknown)."""
        out: dict[tuple[str, date, str, str], DemographicDay] = defaultdict(DemographicDay)
        for r, _ in self._loaded_ad_rows():
            if r.campaign.platform not in demographics.PLATFORMS:
                continue
            cells = sorted(demographics.breakdown(r, self.as_of), key=lambda cell: (cell.age, cell.gender))
            spend = self._converted_by_running_total(r, [cell.spend_cents for cell in cells])
            value = self._converted_by_running_total(r, [cell.purchase_value_cents for cell in cells])
            for cell, cell_spend, cell_value in zip(cells, spend, value, strict=True):
                total = out[(r.campaign.platform, r.day, cell.age, cell.gender)]
                total.spend += cell_spend
                total.spend_local += Decimal(cell.spend_cents) / 100
                total.impressions += cell.impressions
                total.clicks += cell.clicks
                total.conversions += cell.purchases
                total.conversion_value += cell_value
        return dict(out)

    def _converted_by_running_total(self, row: AdDay, local_cents: list[int]) -> list[Decimal]:
        """The ad row's parts `local_cents` (in age, gender order) converted at its day's rate so that they add up to
        their total converted and rounded to the cent once: each part is its rounded running total less the one
        before it (as fct_ad_demographics_daily does)."""
        currency = row.campaign.account.currency
        rate = fx.rate(currency, row.day) / fx.rate(self.currency, row.day)
        running, rounded_before, parts = _ZERO, _ZERO, []
        for cents in local_cents:
            running += Decimal(cents) / 100 * rate
            rounded = fx.round_cents(running)
            parts.append(rounded - rounded_before)
            rounded_before = rounded
        return parts

    def spend_by_platform_month(self) -> dict[tuple[str, str], Decimal]:
        """spend() for every (platform, 'YYYY-MM') with delivery."""
        out: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)
        for (platform, day), totals in self.ad_totals_by_day().items():
            out[(platform, month_key(day))] += totals.spend
        return dict(out)

    def spend_local(self, account_id: str, month: str | date | None = None) -> Decimal:
        """Ad spend of one account in the account currency (as reported at as_of), account-tz days."""
        if account_id not in AD_ACCOUNTS:
            raise KeyError(account_id)
        return sum((loc for r, _, loc in self._spend_rows(month) if r.campaign.account_id == account_id), _ZERO)

    def spend_by_campaign(self, month: str | date | None = None) -> dict[str, Decimal]:
        """Reporting-currency spend per campaign_key (per-row conversion as in spend())."""
        out: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for r, s, _ in self._spend_rows(month):
            out[r.campaign.key] += s
        return dict(out)

    # ---- organic social -----------------------------------------------------------------------------------
    # One API for every organic platform (ORGANIC_PLATFORMS); each method dispatches to the platform's logic in
    # `_organic`. Posts count on their reporting-timezone publish date (before the cutoff) with their lifetime
    # metrics as served at as_of (growth applied); Pinterest alone reports impressions and engagements per UTC
    # activity day for the whole account (account analytics), not per post.
    @cached_property
    def _organic(self) -> dict[str, _Organic]:
        """Per-platform organic truth, per day."""
        cutoff, as_of = self.world.cutoff, self.as_of
        days = self._days(None)

        def organic(
            posts: list[tuple[datetime, int, int]],
            followers_total: Callable[[date], int],
            followers_gained: Callable[[date], int],
            account_analytics: Callable[[date], tuple[int, int]] | None = None,
        ) -> _Organic:
            """A platform's truth from its posts (published_at, impressions, engagements), counted on their
            reporting-tz publish date, and its followers per day; `account_analytics(day)` gives (impressions,
            engagements) of a UTC activity day instead of the posts' (Pinterest)."""
            by_date: dict[str, dict[date, int]] = {metric: defaultdict(int) for metric in ORGANIC_DAILY_METRICS}
            for at, impressions, engagements in posts:
                d = self._local_date(at)
                by_date["posts_published"][d] += 1
                by_date["organic_impressions"][d] += impressions
                by_date["engagements"][d] += engagements
            if account_analytics is not None:
                analytics = {d: account_analytics(d) for d in days}
                by_date["organic_impressions"] = {d: impressions for d, (impressions, _) in analytics.items()}
                by_date["engagements"] = {d: engagements for d, (_, engagements) in analytics.items()}
            by_date["followers_gained"] = {d: followers_gained(d) for d in days}
            return _Organic({metric: dict(values) for metric, values in by_date.items()}, followers_total)

        def ig_post(m: IgMedia) -> tuple[datetime, int, int]:
            g = self.world.growth(m.published_at)
            eng = sum(grown(v, g) for v in (m.like_count, m.comments_count, m.shares, m.saved))
            return m.published_at, grown(m.views, g), eng

        def fb_post(p: FbPost) -> tuple[datetime, int, int]:
            g = self.world.growth(p.published_at)
            eng = sum(grown(v, g) for v in (*p.reactions, p.comments, p.shares, p.clicks))
            return p.published_at, grown(p.impressions, g), eng

        tt = [video_social.seen_tt_video(v, cutoff) for v in video_social.tt_videos_visible(as_of, cutoff)]
        yt = [video_social.seen_yt_video(v, cutoff) for v in video_social.yt_videos_visible(as_of, cutoff)]
        fb_gains = {d.day: d.page_daily_follows_unique for d in self.world.fb_days}
        ig_gains = {d.day: d.follower_count for d in self.world.ig_days}

        pin_accounts = [a.index for a in PIN_ACCOUNTS]

        def pin_day(d: date) -> tuple[int, int]:
            """(IMPRESSION, SAVE + PIN_CLICK + OUTBOUND_CLICK) of a UTC day over the brand's Pinterest accounts, as
            served at as_of."""
            seen = [pin_day_seen(d, as_of, a)[0] for a in pin_accounts]
            impressions = sum(s["IMPRESSION"] for s in seen)
            return impressions, sum(s["SAVE"] + s["PIN_CLICK"] + s["OUTBOUND_CLICK"] for s in seen)

        return {
            "instagram": organic([ig_post(m) for m in self.world.ig_media], TOTALS.ig_total, ig_gains.__getitem__),
            "facebook": organic([fb_post(p) for p in self.world.fb_posts], TOTALS.fb_total, fb_gains.__getitem__),
            "tiktok": organic(
                [(v.published_at, v.video_views, v.likes + v.comments + v.shares) for v in tt],
                video_social.TOTALS.tt_total,
                lambda d: (t := video_social.tt_day(d)).new_followers - t.lost_followers,
            ),
            "youtube": organic(
                [(v.published_at, v.views, v.likes + v.comments) for v in yt],
                video_social.TOTALS.yt_total,
                lambda d: (y := video_social.yt_day(d)).subscribers_gained - y.subscribers_lost,
            ),
            "x": organic(
                [
                    (p.created_at, p.seen(cutoff)["impression_count"], p.engagements(cutoff))
                    for p in x_posts_before(cutoff)
                ],
                X_TOTALS.total,
                x_followers_gained,
            ),
            "linkedin": organic(
                [
                    (p.published_at, p.seen(cutoff)["impressionCount"], p.engagements(cutoff))
                    for p in li_posts_before(cutoff)
                ],
                LI_TOTALS.total,
                lambda d: sum(li_follower_gains(d)),
            ),
            "pinterest": organic(
                [(p.created_at, 0, 0) for a in pin_accounts for p in pins_before(cutoff, a)],
                lambda d: sum(PIN_TOTALS.total(d, a) for a in pin_accounts),
                lambda d: sum(pin_followers_gained(d, a) for a in pin_accounts),
                account_analytics=pin_day,
            ),
        }

    def _days(self, month: str | None) -> list[date]:
        """Days from EPOCH through as_of - 1 in the month (None = all)."""
        days = (EPOCH + timedelta(days=i) for i in range((self.as_of - EPOCH).days))
        return [d for d in days if _in(d, month)]

    def _platform(self, platform: str) -> _Organic:
        """The organic truth of a platform (KeyError for unknown platforms)."""
        return self._organic[platform]

    def organic_by_day(self, platform: str, metric: str) -> dict[date, int]:
        """One of ORGANIC_DAILY_METRICS of a platform per day, as the monthly method of the same name defines it:
        posts_published, organic_impressions and engagements on the posts' reporting-timezone publish date (no
        entry for a day without posts), except Pinterest's impressions and engagements, per UTC activity day;
        followers_gained for every day from EPOCH through as_of - 1. KeyError for an unknown platform or metric."""
        return dict(self._platform(platform).by_day[metric])

    def _organic_month(self, platform: str, metric: str, month: str | date | None) -> int:
        """organic_by_day summed over the month's days (all days when None)."""
        m = _month(month)
        return sum(n for d, n in self._platform(platform).by_day[metric].items() if _in(d, m))

    def posts_published(self, platform: str, month: str | date | None = None) -> int:
        """Posts published in the month on their reporting-timezone date, before the cutoff: instagram media,
        facebook page posts, tiktok and youtube videos, x posts, linkedin organization posts, pinterest pins."""
        return self._organic_month(platform, "posts_published", month)

    def organic_impressions(self, platform: str, month: str | date | None = None) -> int:
        """Lifetime impressions, as served at as_of, of the posts published in the month: instagram views,
        facebook post_impressions, tiktok video_views, youtube viewCount, x impression_count, linkedin
        impressionCount; pinterest: account IMPRESSION over the month's UTC activity days (all pins)."""
        return self._organic_month(platform, "organic_impressions", month)

    def engagements(self, platform: str, month: str | date | None = None) -> int:
        """Lifetime engagements, as served at as_of, of the posts published in the month (the interactions each
        platform reports): instagram likes + comments + shares + saves; facebook reactions (all types) + comments
        + shares + clicks; tiktok likes + comments + shares; youtube likeCount + commentCount (no per-video shares);
        x likes + replies + retweets + quotes + bookmarks; linkedin likes + comments + shares + clicks;
        pinterest: account SAVE + PIN_CLICK + OUTBOUND_CLICK over the month's UTC activity days."""
        return self._organic_month(platform, "engagements", month)

    def followers_total(self, platform: str, day: date) -> int:
        """Followers at the end of `day` (before as_of): instagram/facebook totals, tiktok daily_total_followers,
        youtube subscribers, linkedin networkSize (UTC day), x and pinterest the snapshot of day + 1."""
        o = self._platform(platform)
        if day >= self.as_of:
            raise ValueError(f"{day} is not complete at as_of {self.as_of}")
        return o.followers_total(day)

    def followers_gained(self, platform: str, month: str | date | None = None) -> int:
        """Followers gained over the month's days before as_of: instagram follower_count; facebook
        page_daily_follows_unique; tiktok new - lost; youtube subscribersGained - subscribersLost; linkedin organic
        + paid; x and pinterest the true gains (the warehouse only has the days covered by consecutive daily
        snapshots: neither platform offers follower history, see docs/design.md)."""
        return self._organic_month(platform, "followers_gained", month)

    # ---- web traffic (GA4) --------------------------------------------------------------------------------
    def _ga4_rows(self, month: str | date | None) -> list[Ga4Row]:
        """GA4 report rows (property-tz date, days before as_of) in the month."""
        m = _month(month)
        return [r for r in ga4_rows(self.as_of) if _in(r.day, m)]

    def sessions(self, month: str | date | None = None) -> int:
        """GA4 sessions on the property's (America/New_York) dates in the month."""
        return sum(r.sessions for r in self._ga4_rows(month))

    @cached_property
    def _sessions_by_channel_day(self) -> dict[tuple[str, date], int]:
        """GA4 sessions per (channel, property date)."""
        out: dict[tuple[str, date], int] = defaultdict(int)
        for r in self._ga4_rows(None):
            out[(channel_for(r.source, r.medium), r.day)] += r.sessions
        return dict(out)

    def sessions_by_channel_day(self) -> dict[tuple[str, date], int]:
        """GA4 sessions per (channel as in sessions_by_channel(), property date) for the dates with report rows."""
        return dict(self._sessions_by_channel_day)

    def sessions_by_channel(self, month: str | date | None = None) -> dict[str, int]:
        """GA4 sessions per channel: sessionSource x sessionMedium through the channel_sources seed mapping
        (unknown sources such as `(direct)` or `newsletter` -> other)."""
        m = _month(month)
        out: dict[str, int] = defaultdict(int)
        for (channel, d), n in self._sessions_by_channel_day.items():
            if _in(d, m):
                out[channel] += n
        return dict(out)

    def sessions_by_campaign(self, month: str | date | None = None) -> dict[str, int]:
        """GA4 sessions per campaign_key of the known campaigns: sessionCampaignId matched on campaign id, else
        sessionCampaignName on id, exact name, then normalised name (the order-attribution matching)."""
        out: dict[str, int] = defaultdict(int)
        for r in self._ga4_rows(month):
            c = self._known.by_id.get(r.campaign_id) or self._known.match(r.campaign_name)
            if c is not None:
                out[c.key] += r.sessions
        return dict(out)

    def ga4_purchases(self, month: str | date | None = None) -> int:
        """GA4 ecommercePurchases (= keyEvents) in the month: the orders GA4 saw (~95 %)."""
        return sum(r.purchases for r in self._ga4_rows(month))

    def roas(self, month: str | date | None = None) -> Decimal | None:
        """Meta ROAS: revenue attributed to channel meta / meta spend (None without spend)."""
        spend = self.spend("meta", month)
        if spend == 0:
            return None
        return self.revenue_by_channel(month).get("meta", _ZERO) / spend

    def cpa(self, month: str | date | None = None) -> Decimal | None:
        """Meta CPA: meta spend / number of orders attributed to channel meta (None without orders)."""
        n = self.attributed_orders("meta", month)
        return None if n == 0 else self.spend("meta", month) / n

    def months(self) -> list[str]:
        """Months from EPOCH through the month of as_of - 1."""
        out, d = [], date(2025, 1, 1)
        last = self.as_of - timedelta(days=1)
        while d <= last:
            out.append(month_key(d))
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return out

    # ---- segments and campaigns ----
    # What the commerce marts must show: the ad rows the warehouse holds (known_platforms; Pinterest from
    # loaded_from), each campaign's segment by sandbox.attribution.campaign_segment (naming convention, else the
    # first matching campaign rule of sandbox.segments), each order's by its customer_segment. Orders count on the
    # order date, refunds on the refund date (following their order), ad rows on the account-tz day, GA4 sessions on
    # the property date.
    def _loaded_ad_rows(self) -> list[tuple[AdDay, Decimal]]:
        """(row, reporting-currency spend) of the ad rows a run at as_of has loaded."""
        return [
            (r, spend)
            for r, spend, _ in self._spend_rows(None)
            if r.campaign.platform in self.known_platforms
            and r.day >= self._loaded_from.get(r.campaign.platform, r.day)
        ]

    def campaign_segments(self) -> dict[str, str]:
        """dim_campaigns.segment per campaign_key of the known campaigns."""
        return {c.key: campaign_segment(c) for c in self._known.by_id.values()}

    @cached_property
    def _order_customers(self) -> dict[tuple[str, int | str], str | None]:
        """Customer key (shop:customer id) per order fact key; None for a Stripe charge without a customer."""
        out: dict[tuple[str, int | str], str | None] = {
            (shop, o.id): f"{shop}:{o.customer_id}" for shop, orders in self.world.orders.items() for o in orders
        }
        if self.with_stripe:
            for account_id, charges in charges_before(self.world.cutoff).items():
                shop = f"stripe:{account_id}"
                out.update({(shop, c.id): f"{shop}:{c.customer}" if c.customer else None for c in charges})
        return out

    def segment_months(self) -> dict[tuple[str, str], SegmentMonth]:
        """fct_segment_monthly per ('YYYY-MM', segment): spend of the segment's campaigns; revenue, orders, distinct
        customers and new customers of the orders whose customer_segment it is; GA4 sessions of the segment's
        campaigns (sessions matched to no campaign, or to an unassigned one, are `unassigned`)."""
        return dict(self._segment_months)

    @cached_property
    def _segment_months(self) -> dict[tuple[str, str], SegmentMonth]:
        """segment_months, computed once (a pass over every ad row, order and session of the world)."""
        out: dict[tuple[str, str], SegmentMonth] = defaultdict(SegmentMonth)
        segments = self.campaign_segments()
        for r, spend in self._loaded_ad_rows():
            out[(month_key(r.day), segments[r.campaign.key])].spend += spend
        customers: dict[tuple[str, str], set[str]] = defaultdict(set)
        for o in self._facts.orders:
            key = (month_key(o.order_date), o.attribution.customer_segment)
            cell = out[key]
            cell.revenue += o.revenue
            cell.orders += 1
            cell.new_customers += int(o.is_new_customer)
            customer = self._order_customers[(o.shop, o.order_id)]
            if customer is not None:
                customers[key].add(customer)
        for r in self._facts.refunds:
            out[(month_key(r.refund_date), r.attribution.customer_segment)].revenue += r.amount
        for key, members in customers.items():
            out[key].customers = len(members)
        for row in self._ga4_rows(None):
            c = self._known.by_id.get(row.campaign_id) or self._known.match(row.campaign_name)
            out[(month_key(row.day), segments[c.key] if c else "unassigned")].sessions += row.sessions
        return dict(out)

    def campaign_weeks(self) -> dict[tuple[date, str], CampaignWeek]:
        """rpt_weekly_campaign_revenue per (Monday of the ISO week, campaign_key), for weeks with spend or attributed
        orders or refunds: spend of the loaded ad rows, attributed revenue (orders on the order date, refunds on the
        refund date) and attributed orders (order date)."""
        out: dict[tuple[date, str], CampaignWeek] = defaultdict(CampaignWeek)

        def monday(d: date) -> date:
            return d - timedelta(days=d.weekday())

        for r, spend in self._loaded_ad_rows():
            out[(monday(r.day), r.campaign.key)].spend += spend
        for o in self._facts.orders:
            if o.attribution.campaign_key:
                cell = out[(monday(o.order_date), o.attribution.campaign_key)]
                cell.revenue += o.revenue
                cell.orders += 1
        for refund in self._facts.refunds:
            if refund.attribution.campaign_key:
                out[(monday(refund.refund_date), refund.attribution.campaign_key)].revenue += refund.amount
        return dict(out)

    def platform_months(self) -> dict[tuple[str, str], PlatformMonth]:
        """rpt_platform_vs_store_conversions per ('YYYY-MM', platform): spend, the purchases and purchase value the
        platform reports at as_of (restated; value converted per ad row at its day's rate and rounded to the cent),
        and the store orders (order date) and revenue (refunds on their date) attributed to the platform's
        campaigns (campaign_key platform:id)."""
        out: dict[tuple[str, str], PlatformMonth] = defaultdict(PlatformMonth)
        for r, spend in self._loaded_ad_rows():
            seen = self.world.seen_ad(r)
            cell = out[(month_key(r.day), r.campaign.platform)]
            cell.spend += spend
            cell.platform_conversions += seen.purchases
            value = Decimal(seen.purchase_value_cents) / 100
            cell.platform_conversion_value += fx.convert(value, r.campaign.account.currency, r.day, self.currency)
        for o in self._facts.orders:
            if o.attribution.campaign_key:
                cell = out[(month_key(o.order_date), o.attribution.campaign_key.split(":")[0])]
                cell.store_orders += 1
                cell.store_revenue += o.revenue
        for refund in self._facts.refunds:
            if refund.attribution.campaign_key:
                platform = refund.attribution.campaign_key.split(":")[0]
                out[(month_key(refund.refund_date), platform)].store_revenue += refund.amount
        return dict(out)

    # ---- posts --------------------------------------------------------------------------------------------
    # One PostFact per organic post published before the cutoff on every platform, with its lifetime metrics as
    # served at as_of (growth applied) named as in fct_posts: impressions and reach as in `organic_impressions`
    # (reach: instagram, facebook post_impressions_unique, tiktok, linkedin uniqueImpressionsCount), facebook likes
    # = reactions of every type, x comments = replies, shares = retweets + quotes, saves = bookmarks; video_views
    # for instagram VIDEO media, tiktok and youtube. A metric the platform does not report per post is None
    # (pinterest pins report none). The campaign tag is the `#nw<initiative>` hashtag the sandbox adds to some
    # instagram captions and facebook messages.
    @cached_property
    def _posts(self) -> dict[str, list[PostFact]]:
        """Per-platform post facts, oldest first."""
        cutoff = self.world.cutoff
        tags = {"#nw" + initiative.replace("-", "") for initiative in campaigns.INITIATIVES}

        def tag_of(caption: str) -> str | None:
            return next((word for word in caption.split() if word in tags), None)

        def ig_post(m: IgMedia) -> PostFact:
            g = self.world.growth(m.published_at)
            kind = {"CAROUSEL_ALBUM": "carousel", "VIDEO": "video", "IMAGE": "image"}[m.media_type]
            return PostFact(
                "instagram",
                constants.IG_USER_ID,
                m.id,
                m.published_at,
                "reel" if m.media_product_type == "REELS" else kind,
                tag_of(m.caption),
                impressions=grown(m.views, g),
                reach=grown(m.reach, g),
                likes=grown(m.like_count, g),
                comments=grown(m.comments_count, g),
                shares=grown(m.shares, g),
                saves=grown(m.saved, g),
                video_views=grown(m.views, g) if m.media_type == "VIDEO" else None,
            )

        def fb_post(p: FbPost) -> PostFact:
            g = self.world.growth(p.published_at)
            kinds = {
                "added_photos": "image",
                "added_video": "video",
                "shared_story": "link",
                "mobile_status_update": "text",
            }
            return PostFact(
                "facebook",
                constants.FB_PAGE_ID,
                p.id,
                p.published_at,
                kinds[p.status_type],
                tag_of(p.message),
                impressions=grown(p.impressions, g),
                reach=grown(p.reach, g),
                likes=sum(grown(v, g) for v in p.reactions),
                comments=grown(p.comments, g),
                shares=grown(p.shares, g),
                clicks=grown(p.clicks, g),
            )

        def tt_post(v: video_social.TtVideo) -> PostFact:
            return PostFact(
                "tiktok",
                constants.TT_BUSINESS_ID,
                v.item_id,
                v.published_at,
                "video",
                None,
                impressions=v.video_views,
                reach=v.reach,
                likes=v.likes,
                comments=v.comments,
                shares=v.shares,
                video_views=v.video_views,
            )

        def yt_post(v: video_social.YtVideo) -> PostFact:
            return PostFact(
                "youtube",
                constants.YT_CHANNEL_ID,
                v.video_id,
                v.published_at,
                "video",
                None,
                impressions=v.views,
                likes=v.likes,
                comments=v.comments,
                video_views=v.views,
            )

        def x_post(p: x_social.XPost) -> PostFact:
            m = p.seen(cutoff)
            return PostFact(
                "x",
                x_social.X_USER_ID,
                p.id,
                p.created_at,
                "text",
                None,
                impressions=m["impression_count"],
                likes=m["like_count"],
                comments=m["reply_count"],
                shares=m["retweet_count"] + m["quote_count"],
                saves=m["bookmark_count"],
            )

        def li_post(p: linkedin_social.LiPost) -> PostFact:
            m = p.seen(cutoff)
            return PostFact(
                "linkedin",
                linkedin_social.LI_ORGANIZATION_ID,
                p.urn,
                p.published_at,
                "text",
                None,
                impressions=m["impressionCount"],
                reach=m["uniqueImpressionsCount"],
                likes=m["likeCount"],
                comments=m["commentCount"],
                shares=m["shareCount"],
                clicks=m["clickCount"],
            )

        as_of = self.as_of
        return {
            "instagram": [ig_post(m) for m in self.world.ig_media],
            "facebook": [fb_post(p) for p in self.world.fb_posts],
            "tiktok": [
                tt_post(video_social.seen_tt_video(v, cutoff)) for v in video_social.tt_videos_visible(as_of, cutoff)
            ],
            "youtube": [
                yt_post(video_social.seen_yt_video(v, cutoff)) for v in video_social.yt_videos_visible(as_of, cutoff)
            ],
            "x": [x_post(p) for p in x_posts_before(cutoff)],
            "linkedin": [li_post(p) for p in li_posts_before(cutoff)],
            "pinterest": [
                PostFact("pinterest", a.user_id, p.id, p.created_at, "image", None)
                for a in PIN_ACCOUNTS
                for p in pins_before(cutoff, a.index)
            ],
        }

    def posts(self, platform: str | None = None) -> list[PostFact]:
        """Every post of a platform (None = all ORGANIC_PLATFORMS) published before the cutoff, with its lifetime
        metrics as served at as_of."""
        platforms = ORGANIC_PLATFORMS if platform is None else (platform,)
        return [post for p in platforms for post in self._posts[p]]

    # ---- budgets ------------------------------------------------------------------------------------------
    def budget(self, channel: str, month: str | date) -> Decimal | None:
        """The ad budget of inputs/budgets.csv (sandbox.budgets) for a channel ('all' = every channel) and month, in
        the reporting currency: converted at the rate of the month's first day, rounded half away from zero to the
        cent. None when the file has no such row."""
        m = _month(month)
        row = final_budgets().get((m, channel))
        if row is None:
            return None
        first_day = date(int(m[:4]), int(m[5:]), 1)
        return fx.convert(row.amount, row.currency, first_day, self.currency)

    def ad_spend_to_date(self, channel: str, month: str | date) -> Decimal:
        """Ad spend (reporting currency, per row as in spend()) of a channel's platforms ('all' = every platform)
        on the month's account-tz days before as_of: the whole month once it is closed."""
        return sum(
            (s for r, s, _ in self._spend_rows(month) if channel == "all" or r.campaign.platform == channel), _ZERO
        )

    # ---- targets ------------------------------------------------------------------------------------------
    # The actual of a target row (rpt_monthly_targets): store metrics on the order / refund date, ad metrics on the
    # account-tz day, organic metrics by publish date (followers by day), sessions on the GA4 date.
    def target_actual(self, metric: str, channel: str, segment: str, month: str | date) -> Decimal | None:
        """The month's actual of a targets.csv row (channel / segment 'all' = total; only revenue, orders and
        new_customers have segments); ratios from summed parts, None where the denominator is 0."""
        m = _month(month)
        if segment != "all" and metric not in ("revenue", "orders", "new_customers"):
            raise ValueError(f"{metric} has no segments")
        if segment != "all":
            return Decimal(getattr(self.segment_months().get((m, segment), SegmentMonth()), metric))

        def spend() -> Decimal:
            return self.ad_spend_to_date(channel, m)

        def revenue() -> Decimal:
            return self.revenue(m) if channel == "all" else self.revenue_by_channel(m).get(channel, _ZERO)

        def orders() -> int:
            return self.orders(m) if channel == "all" else self.attributed_orders(channel, m)

        def sessions() -> int:
            return self.sessions(m) if channel == "all" else self.sessions_by_channel(m).get(channel, 0)

        values: dict[str, Callable[[], Decimal | int | None]] = {
            "revenue": revenue,
            "orders": orders,
            "new_customers": lambda: self.new_customers(m),
            "spend": spend,
            "roas": lambda: _ratio(revenue(), spend()),
            "cpa": lambda: _ratio(spend(), orders()),
            "sessions": sessions,
            "conversion_rate": lambda: _ratio(orders(), sessions()),
            "followers_gained": lambda: self.followers_gained(channel, m),
            "engagement_rate": lambda: _ratio(self.engagements(channel, m), self._engagement_denominator(channel, m)),
        }
        value = values[metric]()
        return None if value is None else Decimal(value)

    def _engagement_denominator(self, platform: str, month: str) -> int:
        """Summed engagement-rate denominators (reach, else impressions) of the posts published in the month."""
        return sum(
            p.engagement_denominator or 0 for p in self.posts(platform) if _in(self._local_date(p.published_at), month)
        )


@dataclass(frozen=True)
class PostFact:
    """One organic post as fct_posts should hold it; a metric the platform does not report per post is None."""

    platform: str
    account_id: str
    post_id: str  # the platform's own id
    published_at: datetime  # UTC
    content_type: str
    campaign_tag: str | None
    impressions: int | None = None
    reach: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    video_views: int | None = None

    @property
    def engagements(self) -> int | None:
        """likes + comments + shares + saves + clicks over the parts reported; None when none is."""
        parts = [v for v in (self.likes, self.comments, self.shares, self.saves, self.clicks) if v is not None]
        return sum(parts) if parts else None

    @property
    def engagement_rate_basis(self) -> str | None:
        """'reach' when the post reports reach, else 'impressions' when it reports those; None without
        engagements."""
        if self.engagements is None:
            return None
        if self.reach is not None:
            return "reach"
        return "impressions" if self.impressions is not None else None

    @property
    def engagement_denominator(self) -> int | None:
        """The reach or impressions the engagement rate divides by."""
        return {"reach": self.reach, "impressions": self.impressions, None: None}[self.engagement_rate_basis]

    @property
    def engagement_rate(self) -> float | None:
        """engagements / engagement_denominator; None when either is None or the denominator is 0."""
        engagements, denominator = self.engagements, self.engagement_denominator
        return None if engagements is None or not denominator else engagements / denominator
