"""Shopify connector: shops, and orders with their line items and refund line items.

One pass over `orders.json` (status=any, limit=250, `order=updated_at asc`, Link-header `page_info` paging)
fills `orders`, `order_line_items` and `order_refund_line_items` (all merge on shop + id); shops are read side
by side. The cursor is kept per shop in the resource state: the newest `updated_at` loaded. A later run asks
for `updated_at_min` = that cursor (inclusive, so the boundary orders come again and merge) up to
`updated_at_max` = the run's cutoff, and so gets every order created, edited, cancelled or refunded since.
Customer data never reaches the warehouse: the customer id is loaded as its salted hash, and names, emails, phones,
addresses, IPs and browser details are not read (sources/common/privacy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.arrow import table_from_columns
from sources.common.dates import (
    DEFAULT_REPORTING_TIMEZONE,
    earliest_instant,
    parse_date,
    parse_timestamp,
    resolve_cutoff,
    resolve_end_date,
)
from sources.common.dlt_settings import with_dlt_columns
from sources.common.ids import SHOP_HANDLE, checked_ids
from sources.common.parallel import stream_parallel
from sources.common.privacy import guard_salt
from sources.shopify import settings
from sources.shopify.helpers import SHOPS_SCHEMA, ShopTarget, shop_client, shop_order_pages, shop_row

__all__ = ["shopify_source"]

# New optional columns may appear (evolve); a known column never silently changes its type (freeze).
SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}


@dlt.resource(name="shops", write_disposition="merge", primary_key="shop", standalone=False)
def shops_resource(shop_list: Sequence[ShopTarget], api_version: str) -> Iterator[pa.Table]:
    """One row per shop: shop, name, currency, iana_timezone."""
    rows = []
    for shop in shop_list:
        url = f"{shop.base_url.rstrip('/')}/admin/api/{api_version}/shop.json"
        body = shop.client.get_json(url, account=shop.handle, endpoint=f"/admin/api/{api_version}/shop.json")
        rows.append(shop_row(body, shop.handle))
    if rows:
        yield table_from_columns({n: [r[n] for r in rows] for n in SHOPS_SCHEMA.names}, SHOPS_SCHEMA)


@dlt.resource(
    name="orders",
    write_disposition="merge",
    primary_key=("shop", "id"),
    standalone=False,
)
def orders_resource(
    shop_list: Sequence[ShopTarget],
    api_version: str,
    first_updated_at_min: dt.datetime,
    cutoff: dt.datetime,
    pii_salt: str,
) -> Iterator[Any]:
    """Orders updated since the shop's cursor, split into three tables per page (one HTTP pass)."""
    cursors: dict[str, str] = dlt.current.resource_state().setdefault(settings.STATE_KEY, {})
    guard_salt(pii_salt, settings.SOURCE_NAME, loaded_before=bool(cursors))
    producers = [
        partial(
            shop_order_pages,
            shop,
            api_version,
            parse_timestamp(cursors.get(shop.handle)) or first_updated_at_min,
            cutoff,  # orders.json's updated_at_max is inclusive: an order updated at the cutoff comes twice
            pii_salt,
        )
        for shop in shop_list
    ]
    for handle, tables, newest in stream_parallel(producers, settings.MAX_WORKERS, name=settings.SOURCE_NAME):
        for table_name, table in tables.items():
            yield dlt.mark.with_table_name(table, table_name)
        stored = parse_timestamp(cursors.get(handle))
        if newest is not None and (stored is None or newest > stored):
            cursors[handle] = newest.isoformat()


def _shop_list(
    shop_handles: Sequence[str], access_tokens: Mapping[str, str], shop_url_template: str
) -> list[ShopTarget]:
    result = []
    for handle in checked_ids(settings.SOURCE_NAME, "shops", shop_handles, SHOP_HANDLE):
        token = access_tokens.get(handle)
        if not token:
            raise ValueError(
                f"shopify: no access token for shop {handle!r}: set {settings.TOKEN_SETTING}.{handle} "
                "in .dlt/secrets.toml (or the matching environment variable)"
            )
        result.append(ShopTarget(handle, shop_url_template.format(shop=handle), shop_client(handle, token)))
    return result


@dlt.source(name="shopify", section="shopify", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def shopify_source(
    shops: list[str] = dlt.config.value,
    access_tokens: dict[str, str] = dlt.secrets.value,
    pii_salt: str = dlt.secrets.value,
    shop_url_template: str = settings.DEFAULT_SHOP_URL_TEMPLATE,
    api_version: str = settings.DEFAULT_API_VERSION,
    start_date: str = dlt.config.value,
    end_date: str | None = None,
    cutoff: str | None = None,
    reporting_timezone: str = DEFAULT_REPORTING_TIMEZONE,
) -> Sequence[DltResource]:
    """Shopify shops `shops` (handles such as `northwind-us`).

    Args:
        shops: shop handles; `{shop}` in `shop_url_template` is replaced by each.
        access_tokens: Admin API token per shop handle (read_orders; never logged).
        pii_salt: the secret salt customer ids are hashed with (the flow passes `[socialmart] pii_salt`; never
            logged).
        shop_url_template: base URL of a shop's API.
        api_version: Admin API version.
        start_date: first day (YYYY-MM-DD): a first run asks for orders updated from then on.
        end_date: last complete day; yesterday in UTC by default.
        cutoff: exclusive upper bound (ISO instant) for `updated_at`; by default the start of end_date + 1 in
            `reporting_timezone` (the flow's run cutoff).
        reporting_timezone: time zone of the run date (for the default cutoff).
    """
    shop_list = _shop_list(shops, access_tokens, shop_url_template)
    end = resolve_end_date(end_date)
    run_cutoff = resolve_cutoff(end, cutoff, reporting_timezone)
    first = earliest_instant(parse_date(start_date))
    return with_dlt_columns(
        shops_resource(shop_list, api_version),
        orders_resource(shop_list, api_version, first, run_cutoff, pii_salt),
    )
