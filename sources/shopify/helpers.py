"""Shopify: requests, error explanations, row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import MONEY, TIMESTAMP, ColumnBuffer, field
from sources.common.dates import api_timestamp
from sources.common.http import ApiClient, ErrorInfo
from sources.common.privacy import pseudonymise, url_with_utm_only, url_without_query
from sources.shopify import settings

SHOPS_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("iana_timezone", pa.string()),
    ]
)

ORDERS_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("id", pa.int64(), nullable=False),
        field("name", pa.string()),
        field("created_at", TIMESTAMP),
        field("updated_at", TIMESTAMP),
        field("processed_at", TIMESTAMP),
        field("cancelled_at", TIMESTAMP),
        field("currency", pa.string()),
        field("presentment_currency", pa.string()),
        field("subtotal_price", MONEY),
        field("total_price", MONEY),
        field("total_tax", MONEY),
        field("total_discounts", MONEY),
        field("total_shipping", MONEY),
        field("financial_status", pa.string()),
        field("test", pa.bool_()),
        field("source_name", pa.string()),
        field("landing_site", pa.string()),
        field("referring_site", pa.string()),
        field("discount_codes", pa.string()),
        field("customer_id", pa.string()),
        field("customer_created_at", TIMESTAMP),
    ]
)

LINE_ITEMS_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("order_id", pa.int64()),
        field("id", pa.int64(), nullable=False),
        field("product_id", pa.int64()),
        field("variant_id", pa.int64()),
        field("sku", pa.string()),
        field("title", pa.string()),
        field("quantity", pa.int64()),
        field("price", MONEY),
        field("total_discount", MONEY),
    ]
)

REFUND_LINE_ITEMS_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("order_id", pa.int64()),
        field("refund_id", pa.int64()),
        field("id", pa.int64(), nullable=False),
        field("refund_created_at", TIMESTAMP),
        field("line_item_id", pa.int64()),
        field("quantity", pa.int64()),
        field("subtotal", MONEY),
        field("total_tax", MONEY),
    ]
)

_STATUS_HINTS = {
    400: "Shopify rejected the request parameters: check api_version and the connector's query",
    401: "access token invalid or revoked: create a new Admin API access token and set {setting}.{shop}",
    402: "the shop is frozen (unpaid): nothing can be read until it is reactivated",
    403: "the token lacks a scope: grant read_orders (and read_all_orders for orders older than 60 days)",
    404: "shop or API version not found: check the shop handle, shop_url_template and api_version",
    423: "the shop is locked: contact the shop owner",
    429: "Shopify kept rate-limiting after retries: wait a minute and rerun",
}


def shopify_error_info(response: requests.Response, shop: str) -> ErrorInfo:
    """Explain a Shopify error response (`{"errors": ...}`), with the fix."""
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):
        message = "; ".join(f"{key}: {value}" for key, value in errors.items())
    elif errors:
        message = str(errors)
    else:
        message = response.text[:300] or response.reason or "no response body"
    status = response.status_code
    hint = _STATUS_HINTS.get(status)
    if hint is None and status >= 500:
        hint = "Shopify is failing even after retries: rerun later"
    hint = hint.format(setting=settings.TOKEN_SETTING, shop=shop) if hint else None
    return ErrorInfo(message=message, code=None, hint=hint, auth=status in (401, 403))


def shop_client(shop: str, token: str) -> ApiClient:
    """An `ApiClient` sending the shop's Admin API token."""
    return ApiClient(
        settings.SOURCE_NAME,
        error_parser=lambda r: shopify_error_info(r, shop),
        headers={settings.TOKEN_HEADER: token},
        secrets=[token],
    )


def _money(value: Any) -> Any:
    return None if value is None or value == "" else value


def order_rows(
    order: dict[str, Any], shop: str, pii_salt: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Split one order into its `orders`, `order_line_items` and `order_refund_line_items` rows.

    Personal data stays out: `customer_id` is the salted hash of the customer id, and the order's email, phone,
    customer name and contact details, billing and shipping addresses, browser IP and client details, note and
    note attributes are not read; landing_site keeps only its path and utm_* parameters, referring_site drops its
    query (sources/common/privacy.py)."""
    order_id = int(order["id"])
    customer = order.get("customer") or {}
    shipping = ((order.get("total_shipping_price_set") or {}).get("shop_money") or {}).get("amount")
    codes = [str(d.get("code")) for d in order.get("discount_codes") or [] if d.get("code")]
    head = {
        "shop": shop,
        "id": order_id,
        "name": order.get("name"),
        "created_at": api_timestamp(order.get("created_at"), "created_at"),
        "updated_at": api_timestamp(order.get("updated_at"), "updated_at"),
        "processed_at": api_timestamp(order.get("processed_at"), "processed_at"),
        "cancelled_at": api_timestamp(order.get("cancelled_at"), "cancelled_at"),
        "currency": order.get("currency"),
        "presentment_currency": order.get("presentment_currency"),
        "subtotal_price": _money(order.get("subtotal_price")),
        "total_price": _money(order.get("total_price")),
        "total_tax": _money(order.get("total_tax")),
        "total_discounts": _money(order.get("total_discounts")),
        "total_shipping": _money(shipping),
        "financial_status": order.get("financial_status"),
        "test": bool(order.get("test")),
        "source_name": order.get("source_name"),
        "landing_site": url_with_utm_only(order.get("landing_site")),
        "referring_site": url_without_query(order.get("referring_site")),
        "discount_codes": ",".join(codes) if codes else None,
        "customer_id": pseudonymise(customer.get("id"), pii_salt),
        "customer_created_at": api_timestamp(customer.get("created_at"), "customer.created_at"),
    }
    lines = [
        {
            "shop": shop,
            "order_id": order_id,
            "id": int(item["id"]),
            "product_id": item.get("product_id"),
            "variant_id": item.get("variant_id"),
            "sku": item.get("sku"),
            "title": item.get("title"),
            "quantity": item.get("quantity"),
            "price": _money(item.get("price")),
            "total_discount": _money(item.get("total_discount")),
        }
        for item in order.get("line_items") or []
    ]
    refund_lines = [
        {
            "shop": shop,
            "order_id": order_id,
            "refund_id": int(refund["id"]),
            "id": int(line["id"]),
            "refund_created_at": api_timestamp(refund.get("created_at"), "refunds.created_at"),
            "line_item_id": line.get("line_item_id"),
            "quantity": line.get("quantity"),
            "subtotal": _money(line.get("subtotal")),
            "total_tax": _money(line.get("total_tax")),
        }
        for refund in order.get("refunds") or []
        for line in refund.get("refund_line_items") or []
    ]
    return head, lines, refund_lines


def shop_row(body: dict[str, Any], shop: str) -> dict[str, Any]:
    """Shape `shop.json` to the `shops` raw contract."""
    data = body.get("shop") or {}
    return {
        "shop": shop,
        "name": data.get("name"),
        "currency": data.get("currency"),
        "iana_timezone": data.get("iana_timezone"),
    }


def order_pages(
    client: ApiClient,
    shop: str,
    base_url: str,
    api_version: str,
    updated_at_min: dt.datetime,
    updated_at_max: dt.datetime,
) -> Iterator[list[dict[str, Any]]]:
    """Yield the orders of each page of orders.json (status=any, by updated_at), following Link rel=next."""
    url = f"{base_url.rstrip('/')}/admin/api/{api_version}/orders.json"
    params: dict[str, Any] | None = {
        "status": "any",
        "limit": settings.ORDERS_PAGE_LIMIT,
        "updated_at_min": updated_at_min.isoformat(),
        "updated_at_max": updated_at_max.isoformat(),
        "order": "updated_at asc",
    }
    endpoint = f"/admin/api/{api_version}/orders.json"
    while True:
        response = client.get(url, params=params, account=shop, endpoint=endpoint)
        body = client.decode(response, account=shop, endpoint=endpoint)
        yield list(body.get("orders") or [])
        next_link = response.links.get("next", {}).get("url")
        if not next_link:
            return
        # A page_info URL must be used as given: it carries limit and the cursor, nothing else is allowed.
        url, params = next_link, None


class OrderTables:
    """Buffers of the three order tables for one page of orders."""

    def __init__(self, pii_salt: str) -> None:
        self.pii_salt = pii_salt
        self.orders = ColumnBuffer(ORDERS_SCHEMA)
        self.line_items = ColumnBuffer(LINE_ITEMS_SCHEMA)
        self.refund_line_items = ColumnBuffer(REFUND_LINE_ITEMS_SCHEMA)
        self.max_updated_at: dt.datetime | None = None

    def add(self, order: dict[str, Any], shop: str) -> None:
        """Add an order and its line items and refund line items."""
        head, lines, refund_lines = order_rows(order, shop, self.pii_salt)
        self.orders.append(head)
        self.line_items.extend(lines)
        self.refund_line_items.extend(refund_lines)
        updated = head["updated_at"]
        if updated is not None and (self.max_updated_at is None or updated > self.max_updated_at):
            self.max_updated_at = updated

    def flush(self) -> dict[str, pa.Table]:
        """The non-empty tables by table name, buffers emptied."""
        tables = {
            settings.ORDERS_TABLE: self.orders,
            settings.LINE_ITEMS_TABLE: self.line_items,
            settings.REFUND_LINE_ITEMS_TABLE: self.refund_line_items,
        }
        return {name: buffer.flush() for name, buffer in tables.items() if len(buffer)}


@dataclass(frozen=True)
class ShopTarget:
    """One configured shop: its handle, API base URL and client (which carries its token)."""

    handle: str
    base_url: str
    client: ApiClient


def shop_order_pages(
    shop: ShopTarget, api_version: str, updated_at_min: dt.datetime, updated_at_max: dt.datetime, pii_salt: str
) -> Iterator[tuple[str, dict[str, pa.Table], dt.datetime | None]]:
    """Per page of a shop's orders: (shop handle, tables by name, newest updated_at on the page)."""
    for page in order_pages(shop.client, shop.handle, shop.base_url, api_version, updated_at_min, updated_at_max):
        tables = OrderTables(pii_salt)
        for order in page:
            tables.add(order, shop.handle)
        yield shop.handle, tables.flush(), tables.max_updated_at
