"""The store's sales per layer: net sales and order count per store and currency, from raw and from staging.

Both layers compute what the marts must hold (``fct_orders_attributed``: one row per real order, ``revenue_local`` =
line items after discounts minus refunds) from their own tables, with the marts' rules (docs/sources/exports.md,
docs/sources/stripe.md, int_shopify__orders):

- Shopify API orders that are not test orders: line items ``price x quantity - total_discount``, minus refund
  line subtotals (dlt creates the refund table only once a refund was loaded; without it refunds count as zero);
- Shopify "Export orders" files: orders the API did not load (same shop and order name among its real orders) and
  that are not test orders (payment method ``bogus``), Subtotal minus the export refund rule;
- Stripe-only sales: succeeded, captured charges without Shopify order metadata, minus their refunds that did not
  fail (raw amounts are in minor units).

Order names the API duplicated are counted as often as they occur: the marts keep one of them, and the raw key
check ``unique_order_name`` fails the run for them.
"""

from __future__ import annotations

from expectations.sql import qualified
from expectations.suites.platforms import AMOUNT

ORDERS = "raw_shopify.orders"
LINE_ITEMS = "raw_shopify.order_line_items"
REFUND_LINES = "raw_shopify.order_refund_line_items"
EXPORT_ORDERS = "raw_exports.shopify_orders"
CHARGES = "raw_stripe.charges"
REFUNDS = "raw_stripe.refunds"
# Stripe's zero-decimal currencies: their amounts are already in currency units.
ZERO_DECIMAL_CURRENCIES = (
    "'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'"
)

STG_ORDERS = "staging.stg_shopify__orders"
STG_LINE_ITEMS = "staging.stg_shopify__order_line_items"
STG_REFUND_LINES = "staging.stg_shopify__refund_line_items"
STG_EXPORT_ORDERS = "staging.stg_exports__shopify_orders"
STG_CHARGES = "staging.stg_stripe__charges"
STG_REFUNDS = "staging.stg_stripe__refunds"


def export_net_sales(subtotal: str, taxes: str, refunded: str) -> str:
    """SQL of an export order's net sales: Subtotal - Refunded Amount x Subtotal / (Subtotal + Taxes), the refund
    rounded half up to the cent in whole-cent integer arithmetic (exact on DuckDB and Postgres)."""
    sub = f"CAST(ROUND({subtotal} * 100) AS BIGINT)"
    gross = f"CAST(ROUND(({subtotal} + COALESCE({taxes}, 0)) * 100) AS BIGINT)"
    refund = f"CAST(ROUND(COALESCE({refunded}, 0) * 100) AS BIGINT)"
    numerator, denominator = f"(2 * {refund} * {sub} + {gross})", f"(2 * {gross})"
    refund_cents = f"(({numerator} - MOD({numerator}, {denominator})) / {denominator})"
    return (
        f"CAST({subtotal} AS {AMOUNT}) - CASE WHEN {gross} > 0 AND {refund} > 0 "
        f"THEN CAST({refund_cents} AS DECIMAL(18, 0)) * 0.01 ELSE 0 END"
    )


def _stripe_units(amount: str, currency: str) -> str:
    """SQL converting a Stripe amount in minor units into currency units (zero-decimal currencies kept)."""
    minor = f"CAST({amount} AS DECIMAL(20, 0))"
    units = f"CASE WHEN LOWER({currency}) IN ({ZERO_DECIMAL_CURRENCIES}) THEN {minor} ELSE {minor} / 100 END"
    return f"CAST({units} AS {AMOUNT})"


def _part(store: str, currency: str, revenue: str, orders: str, source: str) -> str:
    """One store part: revenue and order count per currency (``source`` is the FROM ... WHERE tail)."""
    return (
        f"SELECT '{store}' AS store, UPPER(CAST({currency} AS VARCHAR)) AS currency_code, "
        f"SUM({revenue}) AS revenue, {orders} AS orders FROM {source} GROUP BY UPPER(CAST({currency} AS VARCHAR))"
    )


def raw_parts(tables: set[str]) -> list[str]:
    """The store parts read from the raw tables this warehouse has."""
    real_orders = f"(SELECT shop, id, currency FROM {qualified(ORDERS)} WHERE NOT COALESCE(test, FALSE)) AS o"
    parts = []
    if ORDERS in tables:
        parts.append(_part("shopify", "o.currency", "CAST(0 AS DECIMAL(18, 2))", "COUNT(*)", real_orders))
    if ORDERS in tables and LINE_ITEMS in tables:
        line = f"CAST(li.price AS {AMOUNT}) * li.quantity - COALESCE(CAST(li.total_discount AS {AMOUNT}), 0)"
        join = f"{qualified(LINE_ITEMS)} AS li INNER JOIN {real_orders} ON li.shop = o.shop AND li.order_id = o.id"
        parts.append(_part("shopify", "o.currency", line, "0", join))
    if ORDERS in tables and REFUND_LINES in tables:
        join = f"{qualified(REFUND_LINES)} AS r INNER JOIN {real_orders} ON r.shop = o.shop AND r.order_id = o.id"
        parts.append(_part("shopify", "o.currency", f"-CAST(r.subtotal AS {AMOUNT})", "0", join))
    if EXPORT_ORDERS in tables:
        api_wins = (
            f" AND NOT EXISTS (SELECT 1 FROM {qualified(ORDERS)} AS a "
            "WHERE NOT COALESCE(a.test, FALSE) AND a.shop = e.shop AND a.name = e.order_name)"
            if ORDERS in tables
            else ""
        )
        source = f"{qualified(EXPORT_ORDERS)} AS e WHERE COALESCE(LOWER(TRIM(e.payment_method)), '') <> 'bogus'"
        net = export_net_sales("e.subtotal", "e.taxes", "e.refunded_amount")
        parts.append(_part("shopify", "e.currency", net, "COUNT(*)", source + api_wins))
    if CHARGES in tables:
        sale = (
            "c.status = 'succeeded' AND COALESCE(c.captured, FALSE) AND NULLIF(TRIM(c.shopify_order_id), '') IS NULL "
            "AND c.amount_captured > 0"
        )
        captured = _stripe_units("c.amount_captured", "c.currency")
        parts.append(_part("stripe", "c.currency", captured, "COUNT(*)", f"{qualified(CHARGES)} AS c WHERE {sale}"))
        if REFUNDS in tables:
            join = (
                f"{qualified(REFUNDS)} AS r INNER JOIN {qualified(CHARGES)} AS c "
                "ON r.account_id = c.account_id AND r.charge = c.id "
                f"WHERE {sale} AND COALESCE(r.status, 'succeeded') NOT IN ('failed', 'canceled')"
            )
            parts.append(_part("stripe", "c.currency", f"-{_stripe_units('r.amount', 'r.currency')}", "0", join))
    return parts


def staging_parts(tables: set[str]) -> list[str]:
    """The store parts read from the staging models this warehouse has."""
    real_orders = f"(SELECT order_key, currency_code FROM {qualified(STG_ORDERS)} WHERE NOT is_test) AS o"
    parts = []
    if STG_ORDERS in tables:
        parts.append(_part("shopify", "o.currency_code", "CAST(0 AS DECIMAL(18, 2))", "COUNT(*)", real_orders))
    if STG_ORDERS in tables and STG_LINE_ITEMS in tables:
        line = "li.price_local * li.quantity - COALESCE(li.total_discount_local, 0)"
        join = f"{qualified(STG_LINE_ITEMS)} AS li INNER JOIN {real_orders} ON li.order_key = o.order_key"
        parts.append(_part("shopify", "o.currency_code", line, "0", join))
    if STG_ORDERS in tables and STG_REFUND_LINES in tables:
        join = f"{qualified(STG_REFUND_LINES)} AS r INNER JOIN {real_orders} ON r.order_key = o.order_key"
        parts.append(_part("shopify", "o.currency_code", "-r.subtotal_local", "0", join))
    if STG_EXPORT_ORDERS in tables:
        api_wins = (
            f" AND NOT EXISTS (SELECT 1 FROM {qualified(STG_ORDERS)} AS a "
            "WHERE NOT a.is_test AND a.shop = e.shop AND a.order_number = e.order_number)"
            if STG_ORDERS in tables
            else ""
        )
        net = export_net_sales("e.subtotal_price_local", "e.total_tax_local", "e.refunded_amount_local")
        source = f"{qualified(STG_EXPORT_ORDERS)} AS e WHERE NOT e.is_test{api_wins}"
        parts.append(_part("shopify", "e.currency_code", net, "COUNT(*)", source))
    if STG_CHARGES in tables:
        sale = "c.status = 'succeeded' AND c.is_captured AND NOT c.is_shopify_payment AND c.amount_captured_local > 0"
        source = f"{qualified(STG_CHARGES)} AS c WHERE {sale}"
        parts.append(_part("stripe", "c.currency_code", "c.amount_captured_local", "COUNT(*)", source))
        if STG_REFUNDS in tables:
            join = (
                f"{qualified(STG_REFUNDS)} AS r INNER JOIN {qualified(STG_CHARGES)} AS c "
                f"ON r.charge_key = c.charge_key WHERE {sale} "
                "AND COALESCE(r.status, 'succeeded') NOT IN ('failed', 'canceled')"
            )
            parts.append(_part("stripe", "c.currency_code", "-r.amount_local", "0", join))
    return parts


def mart_part(table: str) -> str:
    """The store part of the order mart: each order's revenue_local, Stripe-only sales by their shop prefix."""
    store = "CASE WHEN shop LIKE 'stripe:%' THEN 'stripe' ELSE 'shopify' END"
    return (
        f"SELECT {store} AS store, currency_code, SUM(revenue_local) AS revenue, COUNT(*) AS orders "
        f"FROM {qualified(table)} GROUP BY {store}, currency_code"
    )
