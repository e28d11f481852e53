"""Stripe payments of "Northwind Threads": two Stripe accounts, their charges, refunds and balance transactions.

A brand's Shopify checkout does not show up in its own Stripe account, so Stripe holds two kinds of charges:
- Stripe-only sales (new revenue): "Northwind Club" annual memberships and made-to-order pre-orders sold through
  Stripe Checkout / Payment Links, a few a reporting-timezone day per account (Poisson, seasonal like orders).
  About 5 % fail, about 2 % are authorized but never captured, about 4 % of the captured ones are refunded (in
  full or in part) 1-20 days later. Their Checkout metadata carries `utm_source` / `utm_medium` / `utm_campaign`
  when the buyer came from a tagged link (a social post or a running ad campaign of the account's geo).
- Shopify orders paid through Stripe (not new revenue): the headless-checkout share of the US shop's non-test
  orders, chosen by order id; amount = the order's total price (incl. tax and shipping), metadata
  `shopify_order_id` / `shopify_shop`, refunded with the order's refunds (subtotal + tax).
Every succeeded, captured charge and every refund has a balance transaction (fee 2.9 % + 30 cents on charges,
none returned on refunds; available_on = created + 2 days). Amounts are integer minor units (cents).
A day's charges come from per-(KIND, account, day) streams and never depend on `as_of`; `as_of` only decides
what is visible (created before `sandbox.world.cutoff_for(as_of)`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache, lru_cache

from sandbox.campaigns import Campaign, campaigns_for_month, month_index
from sandbox.constants import (
    EPOCH,
    KIND_STRIPE_CHARGES,
    KIND_STRIPE_REFUNDS,
    KIND_STRIPE_UTM,
    REPORTING_TZ,
    SHOPS_BY_HANDLE,
)
from sandbox.orders import Order, _season, orders_created_before
from sandbox.people import Person, shop_customer, stripe_customer
from sandbox.rng import rng_for

FEE_PER_MILLE = 29  # 2.9 %
FEE_FIXED_CENTS = 30
AVAILABLE_AFTER = timedelta(days=2)
FAILED_SHARE = 0.05
UNCAPTURED_SHARE = 0.02
REFUNDED_SHARE = 0.04
SHOPIFY_PAID_PER_MILLE = 250  # headless-checkout orders of the US shop paid through Stripe
SHOPIFY_PAID_SHOP = "northwind-us"
# Currencies Stripe charges in whole units (amount 500 = 500 JPY), per Stripe's currency documentation.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)
CUSTOMER_POOL = 1500  # customers per account; repeat buyers come from the same pool
_AD_PLATFORMS = ("meta", "tiktok", "google")
# (utm_source, utm_medium, utm_campaign) of organic tagged links (social posts, the newsletter).
_ORGANIC_LINKS = (
    ("instagram", "social", "club-launch"),
    ("facebook", "social", "club-launch"),
    ("tiktok", "social", "preorder-drop"),
    ("newsletter", "email", "club-renewal"),
)


@dataclass(frozen=True)
class StripeAccount:
    """A Stripe account of the brand (one secret API key each)."""

    index: int
    account_id: str
    name: str
    currency: str  # ISO code, lower case as Stripe writes it
    geo: str
    base_charges_per_day: float
    membership_cents: int
    preorder_cents: tuple[int, ...]


STRIPE_ACCOUNTS = (
    StripeAccount(0, "acct_1NwThreadsUS0001", "Northwind Threads US", "usd", "us", 3.0, 4900, (8900, 12900, 18900)),
    StripeAccount(1, "acct_1NwThreadsEU0002", "Northwind Threads EU", "eur", "eu", 2.0, 4500, (7900, 11900, 16900)),
)
STRIPE_ACCOUNTS_BY_ID = {a.account_id: a for a in STRIPE_ACCOUNTS}


@dataclass(frozen=True, slots=True)
class StripeRefund:
    """A refund of a charge (amount in minor units)."""

    id: str
    charge_id: str
    created_at: datetime
    amount: int
    balance_transaction: str

    @property
    def payment_intent(self) -> str:
        """Id of the refunded charge's PaymentIntent."""
        return _id("pi", self.charge_id)


@dataclass(frozen=True, slots=True)
class StripeCharge:
    """A charge. `refunds` holds all refunds, also future ones (filter them with `visible_refunds`)."""

    account: StripeAccount
    id: str
    created_at: datetime
    amount: int
    status: str  # succeeded | failed
    captured: bool
    customer: str | None
    description: str
    metadata: dict[str, str]
    refunds: tuple[StripeRefund, ...]
    shopify_order: Order | None = None

    @property
    def amount_captured(self) -> int:
        """What was captured (0 for failed and uncaptured charges)."""
        return self.amount if self.status == "succeeded" and self.captured else 0

    @property
    def is_stripe_only(self) -> bool:
        """A sale made through Stripe alone (not a Shopify order paid through Stripe)."""
        return self.shopify_order is None

    @property
    def is_revenue(self) -> bool:
        """A Stripe-only sale whose money was captured."""
        return self.is_stripe_only and self.amount_captured > 0

    @property
    def balance_transaction(self) -> str | None:
        """Id of the charge's balance transaction (captured charges only)."""
        return _id("txn", self.id) if self.amount_captured else None

    @property
    def payment_intent(self) -> str:
        """Id of the PaymentIntent that created the charge."""
        return _id("pi", self.id)

    def visible_refunds(self, cutoff: datetime) -> tuple[StripeRefund, ...]:
        """Refunds created before the cutoff."""
        return tuple(r for r in self.refunds if r.created_at < cutoff)

    @property
    def buyer(self) -> Person:
        """Who paid: the Shopify order's customer, else the Stripe customer (every Stripe-only sale has one)."""
        if self.shopify_order is not None:
            return shop_customer(self.shopify_order.customer_id, self.shopify_order.shop.geo)
        return stripe_customer(self.customer or self.id, self.account.geo)


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    """A balance transaction of a charge (positive) or refund (negative); minor units."""

    id: str
    type: str  # charge | refund
    source: str
    created_at: datetime
    amount: int
    fee: int

    @property
    def net(self) -> int:
        """amount - fee."""
        return self.amount - self.fee

    @property
    def available_on(self) -> datetime:
        """When the funds become available."""
        return self.created_at + AVAILABLE_AFTER


def _id(prefix: str, *parts: object) -> str:
    """A deterministic Stripe-style object id (`ch_...`, `re_...`, `txn_...`)."""
    digest = hashlib.sha1("|".join(str(p) for p in (prefix, *parts)).encode()).hexdigest()
    return f"{prefix}_3Nw{digest[:21]}"


def minor_to_major(amount: int, currency: str) -> Decimal:
    """An amount in Stripe's minor units as currency units: cents / 100, except for zero-decimal currencies."""
    if currency.lower() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(amount).quantize(Decimal("0.01"))
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def fee_cents(amount: int) -> int:
    """Stripe's fee on a charge: 2.9 % + 30 cents, rounded half up to the cent."""
    return (amount * FEE_PER_MILLE + 500) // 1000 + FEE_FIXED_CENTS


def _running_campaigns(account: StripeAccount, day: date) -> list[Campaign]:
    """Ad campaigns of the account's geo running on `day` (launched before it)."""
    m = month_index(day)
    return [
        c
        for mm in range(max(0, m - 3), m + 1)
        for c in campaigns_for_month(mm)
        if c.platform in _AD_PLATFORMS and c.geo == account.geo and c.launch < day <= c.end
    ]


def _utm(account: StripeAccount, day: date, u: list[float]) -> dict[str, str]:
    """Checkout metadata UTMs: ~25 % from an ad campaign (when one runs), ~20 % from an organic link, else none."""
    campaigns = _running_campaigns(account, day)
    if campaigns and u[0] < 0.25:
        c = campaigns[int(u[1] * len(campaigns))]
        source, medium = {"meta": ("instagram", "paid_social"), "tiktok": ("tiktok", "paid_social")}.get(
            c.platform, ("google", "cpc")
        )
        return {"utm_source": source, "utm_medium": medium, "utm_campaign": c.campaign_id if u[2] < 0.6 else c.name}
    if u[0] > 0.8:
        source, medium, campaign = _ORGANIC_LINKS[int(u[3] * len(_ORGANIC_LINKS))]
        return {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}
    return {}


def _refund(charge_id: str, created: datetime, amount: int, day: date, seq: int) -> tuple[StripeRefund, ...]:
    """The refund of a Stripe-only charge, if it gets one (~4 %): in full or in part, 1-20 days later."""
    u = rng_for(KIND_STRIPE_REFUNDS, seq, day.toordinal()).random(4).tolist()
    if u[0] >= REFUNDED_SHARE:
        return ()
    refund_amount = amount if u[1] < 0.5 else max(100, (amount * (20 + int(u[2] * 60)) // 100) // 100 * 100)
    at = created + timedelta(days=1 + int(u[3] * 20), seconds=int(u[2] * 36000))
    refund_id = _id("re", charge_id)
    return (StripeRefund(refund_id, charge_id, at, refund_amount, _id("txn", refund_id)),)


@cache
def stripe_only_charges_of_day(account: StripeAccount, day: date) -> tuple[StripeCharge, ...]:
    """The account's Stripe-only charges created on a reporting-timezone day, in creation order."""
    rng = rng_for(KIND_STRIPE_CHARGES, account.index, day.toordinal())
    n = int(rng.poisson(account.base_charges_per_day * _season(day)))
    start = datetime.combine(day, time(0), REPORTING_TZ).astimezone(UTC)
    secs = sorted(int(s) for s in rng.integers(0, 86_400, n))
    draws = rng.random((n, 5)).tolist()
    utm_draws = rng_for(KIND_STRIPE_UTM, account.index, day.toordinal()).random((n, 4)).tolist()
    out = []
    for seq, (sec, u) in enumerate(zip(secs, draws, strict=True)):
        created = start + timedelta(seconds=sec)
        charge_id = _id("ch", account.account_id, day.toordinal(), seq)
        membership = u[0] < 0.55
        amount = (
            account.membership_cents if membership else account.preorder_cents[int(u[1] * len(account.preorder_cents))]
        )
        status = "failed" if u[2] < FAILED_SHARE else "succeeded"
        captured = status == "succeeded" and u[2] >= FAILED_SHARE + UNCAPTURED_SHARE
        refunds = _refund(charge_id, created, amount, day, account.index * 1000 + seq) if captured else ()
        out.append(
            StripeCharge(
                account,
                charge_id,
                created,
                amount,
                status,
                captured,
                f"cus_Nw{account.index}{int(u[3] * CUSTOMER_POOL):05d}",
                "Northwind Club annual membership" if membership else "Made-to-order pre-order",
                _utm(account, day, utm_draws[seq]),
                refunds,
            )
        )
    return tuple(out)


def pays_through_stripe(order: Order) -> bool:
    """Whether a US shop order was paid through Stripe (headless checkout), deterministic by order id."""
    return (
        order.shop.handle == SHOPIFY_PAID_SHOP
        and not order.test
        and (order.id * 2246822519 >> 9) % 1000 < SHOPIFY_PAID_PER_MILLE
    )


def _shopify_charge(order: Order) -> StripeCharge:
    """The Stripe charge paying a Shopify order: the order's total price, refunded with the order's refunds."""
    account = STRIPE_ACCOUNTS[0]
    charge_id = _id("ch", "shopify", order.id)
    created = order.created_at + timedelta(seconds=2)
    refunds = tuple(
        StripeRefund(
            _id("re", charge_id, r.id),
            charge_id,
            r.created_at + timedelta(seconds=2),
            sum(rl.subtotal_cents + rl.tax_cents for rl in r.lines),
            _id("txn", _id("re", charge_id, r.id)),
        )
        for r in order.refunds
    )
    return StripeCharge(
        account,
        charge_id,
        created,
        order.total_cents,
        "succeeded",
        True,
        None,
        f"Shopify order {order.name}",
        {"shopify_order_id": str(order.id), "shopify_shop": order.shop.handle},
        refunds,
        order,
    )


@lru_cache(maxsize=8)
def charges_before(cutoff: datetime) -> dict[str, tuple[StripeCharge, ...]]:
    """Every charge created before the UTC instant `cutoff`, per account id, in creation order."""
    out: dict[str, list[StripeCharge]] = {a.account_id: [] for a in STRIPE_ACCOUNTS}
    last_day = cutoff.astimezone(REPORTING_TZ).date()
    day = EPOCH
    while day <= last_day:
        for account in STRIPE_ACCOUNTS:
            out[account.account_id].extend(c for c in stripe_only_charges_of_day(account, day) if c.created_at < cutoff)
        day += timedelta(days=1)
    shop = SHOPS_BY_HANDLE[SHOPIFY_PAID_SHOP]
    shopify = [_shopify_charge(o) for o in orders_created_before(shop, cutoff) if pays_through_stripe(o)]
    out[STRIPE_ACCOUNTS[0].account_id].extend(c for c in shopify if c.created_at < cutoff)
    return {k: tuple(sorted(v, key=lambda c: (c.created_at, c.id))) for k, v in out.items()}


def refunds_before(cutoff: datetime) -> dict[str, tuple[StripeRefund, ...]]:
    """Every refund created before `cutoff`, per account id, in creation order."""
    return {
        account_id: tuple(
            sorted((r for c in charges for r in c.visible_refunds(cutoff)), key=lambda r: (r.created_at, r.id))
        )
        for account_id, charges in charges_before(cutoff).items()
    }


@lru_cache(maxsize=8)  # every page of /v1/balance_transactions reads it
def balance_transactions_before(cutoff: datetime) -> dict[str, tuple[BalanceTransaction, ...]]:
    """Balance transactions of captured charges and of refunds created before `cutoff`, per account id."""
    out: dict[str, tuple[BalanceTransaction, ...]] = {}
    for account_id, charges in charges_before(cutoff).items():
        rows = [
            BalanceTransaction(c.balance_transaction, "charge", c.id, c.created_at, c.amount, fee_cents(c.amount))
            for c in charges
            if c.balance_transaction
        ]
        rows += [
            BalanceTransaction(r.balance_transaction, "refund", r.id, r.created_at, -r.amount, 0)
            for c in charges
            for r in c.visible_refunds(cutoff)
        ]
        out[account_id] = tuple(sorted(rows, key=lambda t: (t.created_at, t.id)))
    return out


def amount_refunded(charge: StripeCharge, cutoff: datetime) -> int:
    """The charge's `amount_refunded` as seen at the cutoff."""
    return sum(r.amount for r in charge.visible_refunds(cutoff))
