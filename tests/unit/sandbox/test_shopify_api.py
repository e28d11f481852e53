"""Shopify replica: auth, shop.json, orders paging with page_info/Link, filters and parameter validation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from sandbox.credentials import shopify_token
from sandbox.people import shop_customer
from sandbox.shopify_api import INVALID_TOKEN

SHOP = "northwind-eu"
HEAD = {"X-Shopify-Access-Token": shopify_token(SHOP)}


def _url(server, path: str, shop: str = SHOP) -> str:
    return f"{server.url}/shopify/{shop}/admin/api/2024-10/{path}"


def test_auth_and_unknown_paths(small_server, http) -> None:
    for headers in ({}, {"X-Shopify-Access-Token": shopify_token("northwind-us")}):
        resp = http.get(_url(small_server, "orders.json"), headers=headers, timeout=10)
        assert resp.status_code == 401 and resp.json() == {"errors": INVALID_TOKEN}
    assert http.get(_url(small_server, "orders.json", "northwind-fr"), headers=HEAD, timeout=10).status_code == 404
    assert http.get(_url(small_server, "products.json"), headers=HEAD, timeout=10).status_code == 404
    resp = http.get(f"{small_server.url}/shopify/{SHOP}/admin/api/2023-01/orders.json", headers=HEAD, timeout=10)
    assert resp.status_code == 404


def test_shop_json(small_server, http) -> None:
    shop = http.get(_url(small_server, "shop.json"), headers=HEAD, timeout=10).json()["shop"]
    assert {k: shop[k] for k in ("name", "myshopify_domain", "currency", "iana_timezone")} == {
        "name": "Northwind Threads EU",
        "myshopify_domain": "northwind-eu.myshopify.com",
        "currency": "EUR",
        "iana_timezone": "Europe/Berlin",
    }
    assert isinstance(shop["id"], int)


def test_full_load_with_link_paging(small_server, http, orders_loader) -> None:
    orders, pages = orders_loader(
        http, small_server.url, SHOP, updated_at_min="2025-01-01T00:00:00Z", order="updated_at asc"
    )
    world = small_server.world.orders[SHOP]
    assert len(orders) == len(world) and pages == -(-len(world) // 250)
    assert len({o["id"] for o in orders}) == len(orders)
    stamps = [datetime.fromisoformat(o["updated_at"]) for o in orders]
    assert stamps == sorted(stamps)
    o = next(o for o in orders if o["refunds"] and o["discount_codes"])
    assert o["created_at"][-6:] in ("+01:00", "+02:00") and o["currency"] == "EUR"
    assert o["updated_at"] == max(
        [o["created_at"]] + [r["created_at"] for r in o["refunds"]], key=datetime.fromisoformat
    )
    subtotal = sum(Decimal(li["price"]) * li["quantity"] - Decimal(li["total_discount"]) for li in o["line_items"])
    assert Decimal(o["subtotal_price"]) == subtotal
    assert Decimal(o["total_discounts"]) == Decimal(o["discount_codes"][0]["amount"])
    total = subtotal + Decimal(o["total_tax"]) + Decimal(o["total_shipping_price_set"]["shop_money"]["amount"])
    assert Decimal(o["total_price"]) == total
    assert o["financial_status"] in ("refunded", "partially_refunded")
    line_ids = {li["id"] for li in o["line_items"]}
    assert all(rl["line_item_id"] in line_ids for r in o["refunds"] for rl in r["refund_line_items"])
    assert {o["name"] for o in orders} == {w.name for w in world}
    assert any(o["test"] for o in orders)


def test_updated_at_min_filter_and_count(small_server, http) -> None:
    since = "2025-04-01T00:00:00+02:00"
    resp = http.get(
        _url(small_server, "orders/count.json"),
        params={"status": "any", "updated_at_min": since},
        headers=HEAD,
        timeout=10,
    )
    expected = [
        o
        for o in small_server.world.orders[SHOP]
        if small_server.world.updated_at(o) >= datetime.fromisoformat(since).astimezone(UTC)
    ]
    assert resp.json() == {"count": len(expected)}
    assert any(o.created_at < datetime(2025, 3, 31, tzinfo=UTC) for o in expected)  # refunded later


def test_previous_link_and_page_info_rules(small_server, http) -> None:
    params = {"status": "any", "limit": "50", "order": "updated_at asc", "fields": "id,name,updated_at"}
    first = http.get(_url(small_server, "orders.json"), params=params, headers=HEAD, timeout=10)
    assert 'rel="next"' in first.headers["Link"] and 'rel="previous"' not in first.headers["Link"]
    assert set(first.json()["orders"][0]) == {"id", "name", "updated_at"}
    nxt = first.links["next"]["url"]
    assert "page_info=" in nxt and "limit=50" in nxt and "status" not in nxt
    second = http.get(nxt, headers=HEAD, timeout=10)
    assert set(second.links) == {"next", "previous"}
    back = http.get(second.links["previous"]["url"], headers=HEAD, timeout=10)
    assert back.json() == first.json()
    bad = http.get(nxt + "&status=any", headers=HEAD, timeout=10)
    assert bad.status_code == 400
    assert "status cannot be passed when page_info is present" in bad.json()["errors"]["status"]
    bigger = http.get(nxt.replace("limit=50", "limit=120"), headers=HEAD, timeout=10).json()["orders"]
    assert bigger[:50] == second.json()["orders"]
    broken = http.get(_url(small_server, "orders.json"), params={"page_info": "garbage"}, headers=HEAD, timeout=10)
    assert broken.status_code == 400 and "page_info" in broken.json()["errors"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "251"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"status": "pending"}, "status"),
        ({"updated_at_min": "yesterday"}, "updated_at_min"),
        ({"order": "total_price desc"}, "order"),
        ({"since_id": "x"}, "since_id"),
    ],
)
def test_parameter_validation(small_server, http, params: dict, field: str) -> None:
    resp = http.get(_url(small_server, "orders.json"), params=params, headers=HEAD, timeout=10)
    assert resp.status_code == 400 and field in resp.json()["errors"]


def test_default_order_and_desc_paging(small_server, http) -> None:
    resp = http.get(
        _url(small_server, "orders.json"), params={"status": "any", "limit": "100"}, headers=HEAD, timeout=10
    )
    created = [datetime.fromisoformat(o["created_at"]) for o in resp.json()["orders"]]
    assert created == sorted(created, reverse=True)  # default order: created_at desc
    second = http.get(resp.links["next"]["url"], headers=HEAD, timeout=10).json()["orders"]
    assert datetime.fromisoformat(second[0]["created_at"]) <= created[-1]
    assert not {o["id"] for o in second} & {o["id"] for o in resp.json()["orders"]}
    closed = http.get(_url(small_server, "orders.json"), params={"status": "closed"}, headers=HEAD, timeout=10)
    assert closed.json() == {"orders": []} and "Link" not in closed.headers


def test_non_get_is_rejected(small_server) -> None:
    resp = requests.post(_url(small_server, "orders.json"), headers=HEAD, json={}, timeout=10)
    assert resp.status_code == 405


def test_orders_carry_their_customer_s_personal_data(small_server, http, orders_loader) -> None:
    """As the real API: the email, phone, names and addresses of the customer, the browser IP and user agent; the
    same person on every order of a customer."""
    orders, _ = orders_loader(http, small_server.url, SHOP, updated_at_min="2025-01-01T00:00:00Z")
    by_customer: dict[int, list[dict]] = {}
    for o in orders:
        by_customer.setdefault(o["customer"]["id"], []).append(o)
    repeat = next(group for group in by_customer.values() if len(group) > 1)
    o = repeat[0]
    person = shop_customer(o["customer"]["id"], "eu")
    assert (o["email"], o["contact_email"], o["phone"]) == (person.email, person.email, person.phone)
    assert (o["customer"]["first_name"], o["customer"]["last_name"]) == (person.first_name, person.last_name)
    assert o["customer"]["email"] == person.email and o["customer"]["default_address"]["address1"] == person.address1
    assert o["billing_address"] == o["shipping_address"] == person.shopify_address()
    assert o["billing_address"]["name"] == person.name and o["billing_address"]["country_code"] in ("DE", "FR", "NL")
    assert o["browser_ip"] == o["client_details"]["browser_ip"] and o["client_details"]["user_agent"]
    assert all(other["email"] == o["email"] and other["billing_address"] == o["billing_address"] for other in repeat)
    emails = {group[0]["email"] for group in by_customer.values()}
    assert len(emails) == len(by_customer)  # one email per customer: the export identifies customers by it
