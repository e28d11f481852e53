"""The files a marketer downloads from the ad and shop back offices, written from the world at `as_of`.

- Meta Ads Manager "Export table data" (CSV, UTF-8 with a byte-order mark), one file per ad account: ad level,
  breakdown by day, the currency inside the spend header ("Amount spent (USD)"), values restated as seen at as_of.
- TikTok Ads Manager custom report export (CSV), one file for the advertiser: ad level by day.
- Shopify "Export orders" (CSV), one file per shop in a folder named after the shop: one row per line item, the
  order fields only on each order's first row.

Campaign names with a comma: no world campaign has one, so the exports write the names of the campaigns that
break the naming convention with a ", v2" suffix (only in these files) to exercise quoting.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from sandbox.ads import AdDay
from sandbox.campaigns import Campaign
from sandbox.constants import EPOCH, META_ACCOUNTS, SHOPS, TIKTOK_ACCOUNT, AdAccount, Shop
from sandbox.graph_common import money
from sandbox.orders import Order
from sandbox.people import Person, shop_customer
from sandbox.world import World, build_world

__all__ = [
    "META_COLUMNS",
    "SHOPIFY_COLUMNS",
    "TIKTOK_COLUMNS",
    "export_campaign_name",
    "write_exports",
]

META_COLUMNS = (
    "Reporting starts",
    "Reporting ends",
    "Account ID",
    "Account name",
    "Campaign name",
    "Campaign ID",
    "Ad set name",
    "Ad set ID",
    "Ad name",
    "Ad ID",
    "Day",
    "Amount spent ({currency})",
    "Impressions",
    "Reach",
    "Clicks (all)",
    "Purchases",
    "Purchases conversion value",
    "3-second video plays",
)
TIKTOK_COLUMNS = (
    "Advertiser ID",
    "Campaign name",
    "Campaign ID",
    "Ad group name",
    "Ad group ID",
    "Ad name",
    "Ad ID",
    "By Day",
    "Currency",
    "Cost",
    "Impressions",
    "Clicks (destination)",
    "Reach",
    "Conversions",
    "Complete payment",
    "Total complete payment value",
    "Video views",
)
SHOPIFY_COLUMNS = (
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Cancelled at",
    "Payment Method",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Phone",
    "Billing Province Name",
    "Shipping Province Name",
)
TEST_ORDER_PAYMENT_METHOD = "bogus"  # Shopify's test gateway; the export has no test flag


def export_campaign_name(c: Campaign) -> str:
    """The campaign name as written in the exports: convention breakers get a ', v2' suffix (quoted comma)."""
    return f"{c.name}, v2" if c.naming_issue else c.name


def _write(path: Path, header: list[str], rows: list[list[str]], bom: bool) -> Path:
    """Write one CSV (comma-separated, quoted where needed, CRLF line ends like the real downloads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _count(value: int) -> str:
    """A count as Ads Manager exports it: blank when zero."""
    return str(value) if value else ""


def _meta_rows(world: World, account: AdAccount) -> list[list[str]]:
    rows = []
    for r in world.ad_days_for(account.account_id):
        seen = world.seen_ad(r)
        c, day = r.campaign, r.day.isoformat()
        rows.append(
            [
                day,
                day,
                account.account_id,
                account.name,
                export_campaign_name(c),
                c.campaign_id,
                r.ad.adset_name,
                r.ad.adset_id,
                r.ad.name,
                r.ad.ad_id,
                day,
                money(seen.spend_cents),
                str(r.impressions),
                str(r.reach),
                str(r.clicks),
                _count(seen.purchases),
                money(seen.purchase_value_cents) if seen.purchase_value_cents else "",
                str(r.video_views),
            ]
        )
    return rows


def _tiktok_row(world: World, r: AdDay) -> list[str]:
    seen = world.seen_ad(r)
    c = r.campaign
    return [
        c.account_id,
        export_campaign_name(c),
        c.campaign_id,
        r.ad.adset_name,
        r.ad.adset_id,
        r.ad.name,
        r.ad.ad_id,
        r.day.isoformat(),
        c.account.currency,
        money(seen.spend_cents),
        str(r.impressions),
        str(r.clicks),
        str(r.reach),
        str(seen.purchases),
        str(seen.purchases),
        money(seen.purchase_value_cents),
        str(r.video_views),
    ]


def _timestamp(at: datetime, shop: Shop) -> str:
    """Shopify export timestamp: shop-local time with its UTC offset, e.g. 2025-01-05 14:23:11 -0500."""
    return at.astimezone(shop.tz).strftime("%Y-%m-%d %H:%M:%S %z")


def _address_columns(prefix: str, person: Person) -> dict[str, str]:
    """The export's "Billing ..." or "Shipping ..." columns of a person."""
    return {
        f"{prefix} Name": person.name,
        f"{prefix} Street": person.street,
        f"{prefix} Address1": person.address1,
        f"{prefix} Address2": person.address2 or "",
        f"{prefix} City": person.city,
        f"{prefix} Zip": person.zip,
        f"{prefix} Province": person.province_code or "",
        f"{prefix} Country": person.country_code,
        f"{prefix} Phone": person.phone,
        f"{prefix} Province Name": person.province or "",
    }


def _order_rows(world: World, o: Order) -> list[list[str]]:
    """One row per line item; order fields (the customer's email, phone and addresses too) only on the first."""
    shop = o.shop
    refunded = sum(rl.subtotal_cents + rl.tax_cents for r in world.refunds(o) for rl in r.lines)
    created = _timestamp(o.created_at, shop)
    rows = []
    for position, li in enumerate(o.line_items):
        line = {
            "Name": o.name,
            "Lineitem quantity": str(li.quantity),
            "Lineitem name": li.title,
            "Lineitem price": money(li.price_cents),
            "Lineitem sku": li.sku,
            "Lineitem requires shipping": "true",
            "Lineitem taxable": "true",
            "Lineitem fulfillment status": "fulfilled",
            "Lineitem discount": money(li.discount_cents),
        }
        if position == 0:
            person = shop_customer(o.customer_id, shop.geo)
            line |= _address_columns("Billing", person) | _address_columns("Shipping", person)
            line |= {
                "Email": person.email,
                "Phone": person.phone,
                "Financial Status": world.financial_status(o),
                "Paid at": created,
                "Fulfillment Status": "fulfilled",
                "Accepts Marketing": "no",
                "Currency": shop.currency,
                "Subtotal": money(o.subtotal_cents),
                "Shipping": money(o.shipping_cents),
                "Taxes": money(o.tax_cents),
                "Total": money(o.total_cents),
                "Discount Code": o.discount.code if o.discount else "",
                "Discount Amount": money(o.discount_cents),
                "Shipping Method": "Standard",
                "Created at": created,
                "Payment Method": TEST_ORDER_PAYMENT_METHOD if o.test else "Shopify Payments",
                "Refunded Amount": money(refunded),
                "Vendor": shop.name,
                "Outstanding Balance": "0.00",
                "Id": str(o.id),
                "Risk Level": "Low",
                "Source": "web",
            }
        rows.append([line.get(column, "") for column in SHOPIFY_COLUMNS])
    return rows


def _range_label(as_of: date) -> str:
    last = date.fromordinal(as_of.toordinal() - 1)
    return f"{EPOCH:%b-%-d-%Y}-{last:%b-%-d-%Y}"


def write_exports(out_dir: Path | str, as_of: date) -> list[Path]:
    """Write every export of the world at `as_of` into `out_dir`; return the files written."""
    world = build_world(as_of)
    out_dir = Path(out_dir)
    files = []
    for account in META_ACCOUNTS:
        header = [c.format(currency=account.currency) for c in META_COLUMNS]
        name = f"{account.name.replace(' ', '-')}-Ads-{_range_label(as_of)}.csv"
        files.append(_write(out_dir / name, header, _meta_rows(world, account), bom=True))
    tiktok_rows = [_tiktok_row(world, r) for r in world.ad_days_for(TIKTOK_ACCOUNT.account_id)]
    files.append(_write(out_dir / f"Custom report {as_of:%Y%m%d}.csv", list(TIKTOK_COLUMNS), tiktok_rows, bom=False))
    for shop in SHOPS:
        rows = [row for o in reversed(world.orders[shop.handle]) for row in _order_rows(world, o)]
        files.append(_write(out_dir / shop.handle / "orders_export_1.csv", list(SHOPIFY_COLUMNS), rows, bom=False))
    return files
