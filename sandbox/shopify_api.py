"""Replica of the Shopify Admin REST endpoints in docs/design.md (shop.json, orders.json, orders/count.json)."""

from __future__ import annotations

import bisect
import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlencode

from sandbox.constants import SHOPS_BY_HANDLE, Shop
from sandbox.credentials import SHOPIFY_API_VERSION, shopify_token
from sandbox.faults import FaultState
from sandbox.http_util import Response, decode_cursor, encode_cursor
from sandbox.orders import LineItem, Order
from sandbox.people import USER_AGENT, browser_ip, shop_customer
from sandbox.world import World

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
PAGINATION_DOC = "https://shopify.dev/api/usage/pagination-rest"
_FILTERS = (
    "status",
    "updated_at_min",
    "updated_at_max",
    "created_at_min",
    "created_at_max",
    "since_id",
    "financial_status",
    "order",
    "ids",
)
_SORT_FIELDS = ("id", "created_at", "updated_at", "processed_at")
_STATUSES = ("open", "closed", "cancelled", "any")
_FINANCIAL = (
    "any",
    "paid",
    "partially_refunded",
    "refunded",
    "pending",
    "authorized",
    "voided",
    "unpaid",
    "partially_paid",
)


class ShopifyError(Exception):
    """A Shopify error response."""

    def __init__(self, status: int, errors: object, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(errors))
        self.status, self.errors, self.headers = status, errors, headers or {}

    def response(self) -> Response:
        """As an HTTP response."""
        return Response(self.status, {"errors": self.errors}, self.headers)


def _money(cents: int) -> str:
    """Cents as a Shopify money string."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _ts(ts: datetime, shop: Shop) -> str:
    """ISO 8601 with the shop's UTC offset."""
    return ts.astimezone(shop.tz).isoformat(timespec="seconds")


def _gmt_label(at: datetime, shop: Shop) -> str:
    """Shopify's display time zone, e.g. '(GMT-05:00) America/New_York'."""
    off = at.astimezone(shop.tz).strftime("%z")
    return f"(GMT{off[:3]}:{off[3:]}) {shop.timezone}"


def _parse_time(name: str, raw: str, shop: Shop) -> datetime:
    """Parse an ISO 8601 filter value (naive = shop time zone)."""
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+") if raw.count(" ") == 1 and "T" in raw else raw)
    except ValueError:
        raise ShopifyError(400, {name: [f"{name} is invalid: {raw!r} is not an ISO 8601 date"]}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=shop.tz)
    return value.astimezone(UTC)


@dataclasses.dataclass
class _Served:
    """An order as served, with its timestamps."""

    order: Order
    id: int
    line_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime


class ShopifyApi:
    """Serves /shopify/{shop}/admin/api/2024-10/... for one world."""

    def __init__(self, world: World, faults: FaultState, base_url: str) -> None:
        self.world = world
        self.faults = faults
        self.base_url = base_url
        self._served: dict[str, list[_Served]] = {}
        self._json_cache: dict[tuple[str, int], dict[str, object]] = {}
        self._sorted_cache: dict[tuple[str, str], list[_Served]] = {}
        dup_day = faults.faults.duplicate_order_day
        for handle, orders in world.orders.items():
            shop = SHOPS_BY_HANDLE[handle]
            rows = []
            dup_done = False
            for o in orders:
                served = _Served(o, o.id, tuple(li.id for li in o.line_items), o.created_at, world.updated_at(o))
                rows.append(served)
                if (
                    not dup_done
                    and dup_day is not None
                    and handle == faults.faults.duplicate_order_shop
                    and not o.test
                    and o.created_at.astimezone(shop.tz).date() == dup_day
                ):
                    dup_done = True
                    rows.append(
                        dataclasses.replace(
                            served,
                            id=o.id + 90_000_000_000,
                            line_ids=tuple(i + 900_000_000_000 for i in served.line_ids),
                        )
                    )
            self._served[handle] = rows

    def handle(
        self, shop_handle: str, rest: list[str], query: list[tuple[str, str]], headers: dict[str, str]
    ) -> Response:
        """Route a GET below /shopify/{shop}/."""
        try:
            shop = SHOPS_BY_HANDLE.get(shop_handle)
            if shop is None:
                raise ShopifyError(404, "Not Found")
            path = "/".join(rest)
            prefix = f"admin/api/{SHOPIFY_API_VERSION}/"
            if not path.startswith(prefix) or path[len(prefix) :] not in (
                "shop.json",
                "orders.json",
                "orders/count.json",
            ):
                raise ShopifyError(404, "Not Found")
            resource = path[len(prefix) :]
            family = "shopify_shop" if resource == "shop.json" else "shopify_orders"
            outcome = self.faults.decide(family)
            if outcome == "throttle":
                raise ShopifyError(429, THROTTLED, {"Retry-After": f"{self.faults.faults.retry_after_seconds:.1f}"})
            if outcome == "server_error":
                raise ShopifyError(500, "Internal Server Error")
            if headers.get("x-shopify-access-token") != shopify_token(shop.handle):
                raise ShopifyError(401, INVALID_TOKEN)
            if resource == "shop.json":
                return Response(
                    200,
                    {
                        "shop": self.faults.drifted(
                            "shopify_shop",
                            {
                                "id": shop.shop_id,
                                "name": shop.name,
                                "myshopify_domain": f"{shop.handle}.myshopify.com",
                                "domain": f"{shop.handle}.myshopify.com",
                                "currency": shop.currency,
                                "iana_timezone": shop.timezone,
                                "timezone": _gmt_label(self.world.cutoff, shop),
                            },
                        )
                    },
                )
            return self._orders(shop, query, count_only=resource == "orders/count.json")
        except ShopifyError as e:
            return e.response()

    # ---- orders -------------------------------------------------------------------------------------------
    def _orders(self, shop: Shop, pairs: list[tuple[str, str]], count_only: bool) -> Response:
        """orders.json (paged with page_info + Link) or orders/count.json."""
        query = dict(pairs)
        limit_raw = query.get("limit", "50")
        if not limit_raw.isdigit() or not 1 <= int(limit_raw) <= 250:
            raise ShopifyError(400, {"limit": ["limit must be an integer between 1 and 250"]})
        limit = int(limit_raw)
        fields = query.get("fields")
        if "page_info" in query and not count_only:
            extra = [k for k in query if k not in ("page_info", "limit", "fields")]
            if extra:
                raise ShopifyError(
                    400,
                    {
                        extra[0]: f"{extra[0]} cannot be passed when page_info is present. "
                        f"See {PAGINATION_DOC} for more information."
                    },
                )
            state = decode_cursor(query["page_info"])
            if state is None or not isinstance(state.get("f"), dict) or state.get("d") not in ("next", "prev"):
                raise ShopifyError(400, {"page_info": "Invalid value."})
            filters = state["f"]
        else:
            state = None
            filters = {k: v for k, v in query.items() if k in _FILTERS}
        rows, sort_field, desc = self._select(shop, filters)
        if count_only:
            return Response(200, {"count": len(rows)})
        ordered = rows[::-1] if desc else rows
        walk = self.faults.paged("shopify_orders", ordered, limit)
        if len(walk) == len(ordered):
            page, has_prev, has_next = self._slice(rows, sort_field, desc, state, limit)
            keys = [self._key(page[0], sort_field), self._key(page[-1], sort_field)] if page else []
        else:
            page, has_prev, has_next, keys = self._slice_walk(walk, state, limit)
        links = []
        if page and has_prev:
            links.append(self._link(shop, filters, "prev", keys[0], limit, fields, "previous"))
        if page and has_next:
            links.append(self._link(shop, filters, "next", keys[1], limit, fields, "next"))
        headers = {"Link": ", ".join(links)} if links else {}
        wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
        body = [self.faults.drifted("shopify_orders", self._order_json(shop, s, wanted)) for s in page]
        return Response(200, {"orders": body}, headers)

    @staticmethod
    def _slice_walk(
        walk: list[_Served], state: dict[str, object] | None, limit: int
    ) -> tuple[list[_Served], bool, bool, list[object]]:
        """The page of a duplicate_page walk (page 2 repeats page 1), addressed by position: a repeated page has no
        keyset position of its own, so the page_info of such a walk carries the offset (`o`) instead of a key."""
        offset = 0
        if state is not None:
            position = state.get("o")
            if not isinstance(position, int) or position < 0:
                raise ShopifyError(400, {"page_info": "Invalid value."})
            offset = position if state["d"] == "next" else max(0, position - limit)
        page = walk[offset : offset + limit]
        return page, offset > 0, offset + len(page) < len(walk), [offset, offset + len(page)]

    def _select(self, shop: Shop, filters: dict[str, str]) -> tuple[list[_Served], str, bool]:
        """Filter a shop's orders; returns them in ascending (sort field, id) order plus the sort spec."""
        status = filters.get("status", "open")
        if status not in _STATUSES:
            raise ShopifyError(400, {"status": [f"status must be one of {', '.join(_STATUSES)}"]})
        financial = filters.get("financial_status", "any")
        if financial not in _FINANCIAL:
            raise ShopifyError(400, {"financial_status": ["financial_status is invalid"]})
        order = filters.get("order", "created_at desc").strip().split()
        if (
            not order
            or order[0] not in _SORT_FIELDS
            or len(order) > 2
            or (len(order) == 2 and order[1].lower() not in ("asc", "desc"))
        ):
            raise ShopifyError(400, {"order": [f"order must be one of {', '.join(_SORT_FIELDS)} with asc or desc"]})
        sort_field = "created_at" if order[0] == "processed_at" else order[0]
        desc = len(order) == 2 and order[1].lower() == "desc"
        bounds = {
            k: _parse_time(k, filters[k], shop)
            for k in ("updated_at_min", "updated_at_max", "created_at_min", "created_at_max")
            if k in filters
        }
        since_id = filters.get("since_id")
        if since_id is not None and not since_id.isdigit():
            raise ShopifyError(400, {"since_id": ["since_id must be an integer"]})
        ids = None
        if filters.get("ids"):
            try:
                ids = {int(x) for x in filters["ids"].split(",") if x.strip()}
            except ValueError:
                raise ShopifyError(400, {"ids": ["ids must be integers"]}) from None
        if status in ("closed", "cancelled"):
            return [], sort_field, desc  # sandbox orders are never closed or cancelled
        lo_u, hi_u = bounds.get("updated_at_min"), bounds.get("updated_at_max")
        lo_c, hi_c = bounds.get("created_at_min"), bounds.get("created_at_max")
        min_id = int(since_id) if since_id is not None else None
        rows = [
            s
            for s in self._sorted(shop.handle, sort_field)
            if (lo_u is None or s.updated_at >= lo_u)
            and (hi_u is None or s.updated_at <= hi_u)
            and (lo_c is None or s.created_at >= lo_c)
            and (hi_c is None or s.created_at <= hi_c)
            and (min_id is None or s.id > min_id)
            and (ids is None or s.id in ids)
            and (financial == "any" or self.world.financial_status(s.order) == financial)
        ]
        return rows, sort_field, desc

    def _sorted(self, handle: str, sort_field: str) -> list[_Served]:
        """A shop's served orders in ascending (sort field, id) order (cached)."""
        key = (handle, sort_field)
        if key not in self._sorted_cache:
            self._sorted_cache[key] = sorted(self._served[handle], key=lambda s: self._key(s, sort_field))
        return self._sorted_cache[key]

    @staticmethod
    def _key(s: _Served, sort_field: str) -> tuple[object, int]:
        """The keyset position of an order."""
        return (s.id if sort_field == "id" else getattr(s, sort_field), s.id)

    def _slice(
        self, rows: list[_Served], sort_field: str, desc: bool, state: dict[str, object] | None, limit: int
    ) -> tuple[list[_Served], bool, bool]:
        """The page for a keyset state over ascending rows; returns (page, has_previous, has_next)."""
        n = len(rows)
        ordered = rows[::-1] if desc else rows
        if state is None:
            return ordered[:limit], False, n > limit
        raw = state.get("k")
        try:
            value, oid = raw  # type: ignore[misc]
            anchor = (int(value) if sort_field == "id" else datetime.fromisoformat(value), int(oid))
        except (TypeError, ValueError):
            raise ShopifyError(400, {"page_info": "Invalid value."}) from None

        # bisect reads the keys of the orders it compares, not a list of every order's key built for each page
        # (that had been a tenth of the sandbox's time serving a brand's first run; issue 8)
        def key(s: _Served) -> tuple[object, int]:
            return self._key(s, sort_field)

        if state["d"] == "next":
            start = (
                n - bisect.bisect_left(rows, anchor, key=key) if desc else bisect.bisect_right(rows, anchor, key=key)
            )
            return ordered[start : start + limit], start > 0, start + limit < n
        stop = n - bisect.bisect_right(rows, anchor, key=key) if desc else bisect.bisect_left(rows, anchor, key=key)
        begin = max(0, stop - limit)
        return ordered[begin:stop], begin > 0, stop < n

    def _link(
        self,
        shop: Shop,
        filters: dict[str, str],
        direction: str,
        position: object,
        limit: int,
        fields: str | None,
        rel: str,
    ) -> str:
        """One Link header entry; `position` is a keyset key (sort value, id) or a walk offset."""
        if isinstance(position, int):
            state: dict[str, object] = {"f": filters, "d": direction, "o": position}
        else:
            value, oid = position  # type: ignore[misc]
            key = [value if isinstance(value, int) else value.isoformat(), oid]
            state = {"f": filters, "d": direction, "k": key}
        token = encode_cursor(state)
        params = {"limit": str(limit)}
        if fields:
            params["fields"] = fields
        params["page_info"] = token
        url = f"{self.base_url}/shopify/{shop.handle}/admin/api/{SHOPIFY_API_VERSION}/orders.json?{urlencode(params)}"
        return f'<{url}>; rel="{rel}"'

    def _order_json(self, shop: Shop, s: _Served, wanted: list[str] | None) -> dict[str, object]:
        """The order as Shopify serves it (optionally only some fields)."""
        cache_key = (shop.handle, s.id)
        full = self._json_cache.get(cache_key)
        if full is None:
            full = self._build_order_json(shop, s)
            self._json_cache[cache_key] = full
        if wanted is None:
            return full
        return {k: full[k] for k in wanted if k in full}

    def _build_order_json(self, shop: Shop, s: _Served) -> dict[str, object]:
        """Build the full order JSON."""
        o, w = s.order, self.world
        line_ids = dict(zip((li.id for li in o.line_items), s.line_ids, strict=True))

        def line(li: LineItem) -> dict[str, object]:
            return {
                "id": line_ids[li.id],
                "product_id": li.product_id,
                "variant_id": li.variant_id,
                "sku": li.sku,
                "title": li.title,
                "quantity": li.quantity,
                "price": _money(li.price_cents),
                "total_discount": _money(li.discount_cents),
                "taxable": True,
                "tax_lines": [{"title": "Tax", "price": _money(li.tax_cents)}],
            }

        refunds = [
            {
                "id": r.id,
                "order_id": s.id,
                "created_at": _ts(r.created_at, shop),
                "processed_at": _ts(r.created_at, shop),
                "refund_line_items": [
                    {
                        "id": rl.id,
                        "line_item_id": line_ids[rl.line_item_id],
                        "quantity": rl.quantity,
                        "subtotal": _money(rl.subtotal_cents),
                        "total_tax": _money(rl.tax_cents),
                    }
                    for rl in r.lines
                ],
            }
            for r in w.refunds(o)
        ]
        shipping = _money(o.shipping_cents)
        person = shop_customer(o.customer_id, shop.geo)
        ip = browser_ip(s.id)
        return {
            "id": s.id,
            "name": o.name,
            "order_number": o.number,
            "email": person.email,
            "contact_email": person.email,
            "phone": person.phone,
            "browser_ip": ip,
            "client_details": {
                "accept_language": "en-US,en;q=0.9",
                "browser_height": None,
                "browser_ip": ip,
                "browser_width": None,
                "session_hash": None,
                "user_agent": USER_AGENT,
            },
            "customer_locale": "en",
            "note": None,
            "note_attributes": [],
            "created_at": _ts(o.created_at, shop),
            "updated_at": _ts(s.updated_at, shop),
            "processed_at": _ts(o.created_at, shop),
            "cancelled_at": None,
            "closed_at": None,
            "currency": shop.currency,
            "presentment_currency": shop.currency,
            "subtotal_price": _money(o.subtotal_cents),
            "total_price": _money(o.total_cents),
            "total_tax": _money(o.tax_cents),
            "total_discounts": _money(o.discount_cents),
            "total_line_items_price": _money(sum(li.price_cents * li.quantity for li in o.line_items)),
            "total_shipping_price_set": {
                "shop_money": {"amount": shipping, "currency_code": shop.currency},
                "presentment_money": {"amount": shipping, "currency_code": shop.currency},
            },
            "taxes_included": False,
            "financial_status": w.financial_status(o),
            "fulfillment_status": None,
            "test": o.test,
            "source_name": "web",
            "landing_site": o.landing_site,
            "referring_site": o.referring_site,
            "discount_codes": (
                [{"code": o.discount.code, "amount": _money(o.discount.amount_cents), "type": o.discount.type}]
                if o.discount
                else []
            ),
            "customer": {
                "id": o.customer_id,
                "email": person.email,
                "created_at": _ts(o.customer_created_at, shop),
                "first_name": person.first_name,
                "last_name": person.last_name,
                "state": "enabled",
                "note": None,
                "verified_email": True,
                "phone": person.phone,
                "tags": "",
                "currency": shop.currency,
                "admin_graphql_api_id": f"gid://shopify/Customer/{o.customer_id}",
                "default_address": {
                    "id": o.customer_id + 1,
                    "customer_id": o.customer_id,
                    **person.shopify_address(),
                    "country_name": person.country,
                    "default": True,
                },
            },
            "billing_address": person.shopify_address(),
            "shipping_address": person.shopify_address(),
            "line_items": [line(li) for li in o.line_items],
            "refunds": refunds,
        }
