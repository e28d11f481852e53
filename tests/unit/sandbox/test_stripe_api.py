"""The Stripe API replica: list objects, cursor paging, created filters, auth errors, faults; totals = the world."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.credentials import STRIPE_API_KEYS
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.people import shop_customer, stripe_customer
from sandbox.server import SandboxServer
from sandbox.stripe_payments import (
    STRIPE_ACCOUNTS,
    balance_transactions_before,
    charges_before,
    fee_cents,
    pays_through_stripe,
    refunds_before,
)
from sandbox.world import cutoff_for

AS_OF = dt.date(2025, 3, 1)
US, EU = (a.account_id for a in STRIPE_ACCOUNTS)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(server: SandboxServer, path: str, account: str = US, **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {STRIPE_API_KEYS[account]}"}
    return requests.get(f"{server.url}/stripe/v1/{path}", params=params, headers=headers)


def _walk(server: SandboxServer, path: str, account: str = US, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every object of a list endpoint following has_more / starting_after, and the number of pages."""
    out: list[dict[str, Any]] = []
    pages = 0
    while True:
        body = _get(server, path, account, **params).json()
        pages += 1
        assert body["object"] == "list" and body["url"] == f"/v1/{path}"
        out.extend(body["data"])
        if not body["has_more"]:
            return out, pages
        params = {**params, "starting_after": body["data"][-1]["id"]}


def test_charges_page_newest_first_and_equal_the_world(server: SandboxServer) -> None:
    charges, pages = _walk(server, "charges", US, limit=25)
    world = charges_before(cutoff_for(AS_OF))[US]
    assert [c["id"] for c in charges] == [c.id for c in reversed(world)]
    assert pages == -(-len(world) // 25)
    created = [c["created"] for c in charges]
    assert created == sorted(created, reverse=True)
    assert sum(c["amount_captured"] for c in charges) == sum(c.amount_captured for c in world)
    assert {c["currency"] for c in charges} == {"usd"}


def test_both_kinds_of_charges_and_statuses_are_served(server: SandboxServer) -> None:
    charges, _ = _walk(server, "charges", US, limit=100)
    shopify = [c for c in charges if "shopify_order_id" in c["metadata"]]
    orders = {o.id: o for o in server.world.orders["northwind-us"] if pays_through_stripe(o)}
    assert shopify and len(shopify) == len([o for o in orders.values() if o.created_at < server.world.cutoff])
    for c in shopify:
        order = orders[int(c["metadata"]["shopify_order_id"])]
        assert c["amount"] == order.total_cents and c["metadata"]["shopify_shop"] == "northwind-us"
    failed = [c for c in charges if c["status"] == "failed"]
    assert failed and all(c["amount_captured"] == 0 and not c["paid"] for c in failed)
    uncaptured = [c for c in charges if c["status"] == "succeeded" and not c["captured"]]
    assert uncaptured and all(c["amount_captured"] == 0 for c in uncaptured)
    assert any(c["metadata"].get("utm_source") for c in charges)


def test_created_filters_select_the_window(server: SandboxServer) -> None:
    gte = int(dt.datetime(2025, 2, 1, 5, tzinfo=dt.UTC).timestamp())
    lt = int(dt.datetime(2025, 2, 8, 5, tzinfo=dt.UTC).timestamp())
    charges, _ = _walk(server, "charges", EU, **{"created[gte]": gte, "created[lt]": lt, "limit": 100})
    expected = [c.id for c in charges_before(cutoff_for(AS_OF))[EU] if gte <= c.created_at.timestamp() < lt]
    assert expected and sorted(c["id"] for c in charges) == sorted(expected)
    lte, _ = _walk(server, "charges", EU, **{"created[gt]": gte, "created[lte]": lt, "limit": 100})
    assert all(gte < c["created"] <= lt for c in lte)


def test_ending_before_returns_the_previous_page(server: SandboxServer) -> None:
    first = _get(server, "refunds", US, limit=3).json()
    second = _get(server, "refunds", US, limit=3, starting_after=first["data"][-1]["id"]).json()
    back = _get(server, "refunds", US, limit=3, ending_before=second["data"][0]["id"]).json()
    assert [r["id"] for r in back["data"]] == [r["id"] for r in first["data"]]
    assert back["has_more"] is False


def test_refunds_and_balance_transactions_equal_the_world(server: SandboxServer) -> None:
    cutoff = cutoff_for(AS_OF)
    for account in (US, EU):
        refunds, _ = _walk(server, "refunds", account, limit=100)
        world = refunds_before(cutoff)[account]
        assert refunds and sum(r["amount"] for r in refunds) == sum(r.amount for r in world)
        txns, _ = _walk(server, "balance_transactions", account, limit=100)
        charges = [t for t in txns if t["type"] == "charge"]
        assert len(txns) == len(balance_transactions_before(cutoff)[account])
        assert all(t["fee"] == fee_cents(t["amount"]) and t["net"] == t["amount"] - t["fee"] for t in charges)
        assert all(t["available_on"] == t["created"] + 2 * 86400 for t in txns)
        assert sum(t["amount"] for t in txns) == sum(c.amount_captured for c in charges_before(cutoff)[account]) - sum(
            r.amount for r in world
        )
    assert fee_cents(4900) == 172  # 2.9 % of 49.00 = 1.421 -> 1.42, + 0.30


def test_amount_refunded_grows_on_the_charge(server: SandboxServer) -> None:
    refunds, _ = _walk(server, "refunds", EU, limit=100)
    charges = {c["id"]: c for c in _walk(server, "charges", EU, limit=100)[0]}
    for r in refunds:
        assert charges[r["charge"]]["amount_refunded"] >= r["amount"]
        charge = charges[r["charge"]]
        assert charge["refunded"] == (charge["amount_refunded"] == charge["amount_captured"])


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "You did not provide an API key"),
        ({"Authorization": "Bearer sk_test_not_a_real_key_1234"}, "Invalid API Key provided: sk_test_"),
    ],
)
def test_auth_errors(server: SandboxServer, headers: dict[str, str], message: str) -> None:
    response = requests.get(f"{server.url}/stripe/v1/charges", headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"].startswith(message)
    assert "not_a_real_key" not in error["message"]


def test_basic_auth_with_the_key_as_user(server: SandboxServer) -> None:
    response = requests.get(f"{server.url}/stripe/v1/charges", auth=(STRIPE_API_KEYS[EU], ""), params={"limit": 1})
    assert response.status_code == 200 and response.json()["data"][0]["currency"] == "eur"


def test_bad_parameters(server: SandboxServer) -> None:
    assert _get(server, "charges", limit=101).json()["error"]["param"] == "limit"
    missing = _get(server, "charges", starting_after="ch_missing").json()["error"]
    assert missing["code"] == "resource_missing" and missing["param"] == "starting_after"
    assert _get(server, "payouts").status_code == 404


def test_injected_throttle_and_server_errors() -> None:
    with SandboxServer(
        AS_OF, Faults(rate_limit_first_n={"stripe_charges": 1}, server_errors_first_n={"stripe_refunds": 1})
    ) as s:
        throttled = _get(s, "charges")
        assert throttled.status_code == 429 and "Retry-After" not in throttled.headers
        assert throttled.json()["error"]["code"] == "rate_limit"
        failed = _get(s, "refunds")
        assert failed.status_code == 500 and failed.json()["error"]["type"] == "api_error"
        assert _get(s, "charges").status_code == 200


def test_duplicate_page_points_back_once_and_extra_field() -> None:
    faults = Faults(duplicate_page=("stripe_charges",), extra_field=("stripe",))
    with SandboxServer(AS_OF, faults) as s:
        charges, _ = _walk(s, "charges", EU, limit=10)
        ids = [c["id"] for c in charges]
        assert len(ids) == len(charges_before(cutoff_for(AS_OF))[EU]) + 10
        assert ids[:10] == ids[10:20] and len(set(ids)) == len(ids) - 10
        assert all(c[EXTRA_FIELD] for c in charges)


def test_charges_carry_the_buyer_s_personal_data(server: SandboxServer) -> None:
    """As the real API: billing_details, receipt_email and, for made-to-order pre-orders, shipping; a Stripe
    customer is the same person on every charge, and a Shopify order's charge is paid by the order's customer."""
    charges, _ = _walk(server, "charges", EU, limit=100)
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for c in charges:
        by_customer.setdefault(c["customer"], []).append(c)
    repeat = next(group for customer, group in by_customer.items() if customer and len(group) > 1)
    person = stripe_customer(repeat[0]["customer"], "eu")
    assert all(
        c["billing_details"] == {
            "address": person.stripe_address(), "email": person.email, "name": person.name, "phone": person.phone
        }
        and c["receipt_email"] == person.email
        for c in repeat
    )  # fmt: skip
    shipped = [c for c in charges if c["shipping"]]
    assert shipped and all(c["description"].startswith("Made-to-order") for c in shipped)
    assert all(c["shipping"]["name"] == c["billing_details"]["name"] for c in shipped)
    us_charges, _ = _walk(server, "charges", US, limit=100)
    paid_order = next(c for c in us_charges if "shopify_order_id" in c["metadata"])
    order = next(
        o for o in server.world.orders["northwind-us"] if o.id == int(paid_order["metadata"]["shopify_order_id"])
    )
    assert paid_order["customer"] is None
    assert paid_order["billing_details"]["email"] == shop_customer(order.customer_id, "us").email
