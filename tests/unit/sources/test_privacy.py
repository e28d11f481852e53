"""Pseudonymisation at extraction (sources/common/privacy.py): the salted hash, the salt guard, and the Shopify and
Stripe rows built from API objects full of personal data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from sandbox.people import USER_AGENT, shop_customer, stripe_customer
from sources.common import privacy
from sources.common.errors import CustomerSaltError
from sources.common.privacy import (
    guard_salt,
    pseudonymise,
    salt_fingerprint,
    url_with_utm_only,
    url_without_query,
    without_personal_keys,
)
from sources.shopify.helpers import order_rows
from sources.stripe.helpers import charge_row

SALT = "unit-test-salt-5f0d2c9e8a71"
OTHER_SALT = "another-salt-0b3e6f41c2d8"


def test_the_hash_is_stable_hex_and_depends_on_the_salt() -> None:
    first = pseudonymise("7310000000007", SALT)
    assert first is not None and re.fullmatch(r"[0-9a-f]{64}", first)
    assert pseudonymise("7310000000007", SALT) == first
    assert pseudonymise(7310000000007, SALT) == first  # an integer id and its text are the same customer
    assert pseudonymise("  7310000000007 ", SALT) == first
    assert pseudonymise("7310000000007", OTHER_SALT) != first
    assert pseudonymise("7310000000014", SALT) != first
    assert pseudonymise(None, SALT) is None and pseudonymise("  ", SALT) is None


def test_the_fingerprint_tells_salts_apart_without_revealing_them() -> None:
    assert salt_fingerprint(SALT) == salt_fingerprint(SALT) != salt_fingerprint(OTHER_SALT)
    assert SALT not in salt_fingerprint(SALT) and len(salt_fingerprint(SALT)) == 16


@pytest.fixture
def source_state(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The dlt source state guard_salt reads and writes (a plain dict outside a pipeline)."""
    state: dict[str, Any] = {}
    monkeypatch.setattr(privacy.dlt.current, "source_state", lambda: state)
    return state


def test_the_guard_records_the_salt_then_refuses_another(source_state: dict[str, Any]) -> None:
    guard_salt(SALT, "shopify", loaded_before=False)
    assert source_state == {"pii_salt_fingerprint": salt_fingerprint(SALT)}
    guard_salt(SALT, "shopify", loaded_before=True)  # the same salt again: fine
    with pytest.raises(CustomerSaltError) as error:
        guard_salt(OTHER_SALT, "shopify", loaded_before=True)
    message = str(error.value)
    assert message.startswith("shopify: [socialmart] pii_salt is not the salt the loaded customer ids were hashed")
    assert "DROP SCHEMA raw_shopify CASCADE" in message and OTHER_SALT not in message and SALT not in message
    assert source_state == {"pii_salt_fingerprint": salt_fingerprint(SALT)}


def test_the_guard_refuses_history_loaded_before_pseudonymisation(source_state: dict[str, Any]) -> None:
    with pytest.raises(CustomerSaltError, match="raw_stripe holds customer identifiers loaded before they were"):
        guard_salt(SALT, "stripe", loaded_before=True)
    assert source_state == {}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/products/tee?utm_source=fb&utm_medium=paid_social&utm_campaign=a%20b&fbclid=IwAR1#top",
         "/products/tee?utm_source=fb&utm_medium=paid_social&utm_campaign=a%20b"),
        ("/?gclid=Cj0K1&utm_source=google&email=ann%40example.com", "/?utm_source=google"),
        ("/collections/new?_kx=abc.def", "/collections/new"),
        ("/products/tee", "/products/tee"),
        (None, None),
    ],
)  # fmt: skip
def test_landing_sites_keep_only_path_and_utms(url: str | None, expected: str | None) -> None:
    assert url_with_utm_only(url) == expected


def test_referring_sites_lose_their_query() -> None:
    assert (
        url_without_query("https://mail.example.com/inbox?user=ann@example.com#x") == "https://mail.example.com/inbox"
    )
    assert url_without_query(None) is None


def test_metadata_keys_naming_personal_data_are_dropped() -> None:
    metadata = {
        "utm_source": "instagram",
        "shopify_order_id": "1",
        "customer_email": "ann@example.com",
        "Billing-Name": "Ann Lee",
        "phone": "+1",
        "shippingAddress": "1 Main St",
        "ip": "203.0.113.9",
    }
    assert without_personal_keys(metadata) == {"utm_source": "instagram", "shopify_order_id": "1"}


def test_shopify_order_rows_hold_no_personal_data() -> None:
    person = shop_customer(7310000000007, "us")
    order = {
        "id": 11,
        "name": "#1001",
        "email": person.email,
        "contact_email": person.email,
        "phone": person.phone,
        "browser_ip": "203.0.113.9",
        "client_details": {"browser_ip": "203.0.113.9", "user_agent": USER_AGENT},
        "note": "Leave it with Ann Lee next door",
        "created_at": "2025-03-01T10:15:00-05:00",
        "landing_site": "/?utm_source=newsletter&mc_eid=4f2a&email=ann%40example.com",
        "referring_site": "https://mail.example.com/?u=ann@example.com",
        "customer": {
            "id": 7310000000007,
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "default_address": person.shopify_address(),
        },
        "billing_address": person.shopify_address(),
        "shipping_address": person.shopify_address(),
        "line_items": [{"id": 1, "quantity": 1, "price": "50.00"}],
    }
    head, lines, _ = order_rows(order, "northwind-us", SALT)
    loaded = json.dumps([head, *lines], default=str)
    for value in (*person.identifying_values(), person.first_name, person.last_name, "203.0.113.9", USER_AGENT):
        assert value not in loaded
    assert "ann" not in loaded.lower() and "7310000000007" not in loaded
    assert head["customer_id"] == pseudonymise(7310000000007, SALT)
    assert (head["landing_site"], head["referring_site"]) == ("/?utm_source=newsletter", "https://mail.example.com/")


def test_stripe_charge_rows_hold_no_personal_data() -> None:
    person = stripe_customer("cus_Nw000042", "eu")
    charge = {
        "id": "ch_1",
        "created": 1740830400,
        "amount": 4900,
        "currency": "eur",
        "status": "succeeded",
        "customer": {"id": "cus_Nw000042", "email": person.email, "name": person.name},
        "billing_details": {
            "address": person.stripe_address(),
            "email": person.email,
            "name": person.name,
            "phone": person.phone,
        },
        "receipt_email": person.email,
        "shipping": {"address": person.stripe_address(), "name": person.name, "phone": person.phone},
        "metadata": {"utm_source": "instagram", "customer_email": person.email, "buyer_name": person.name},
    }
    row = charge_row(charge, "acct_1", SALT)
    loaded = json.dumps(row, default=str)
    for value in (*person.identifying_values(), person.first_name, person.last_name, person.zip):
        assert value not in loaded
    assert "cus_Nw000042" not in loaded and row["customer"] == pseudonymise("cus_Nw000042", SALT)
    assert json.loads(row["metadata"]) == {"utm_source": "instagram"} and row["utm_source"] == "instagram"
    assert charge_row({**charge, "customer": "cus_Nw000042"}, "acct_1", SALT)["customer"] == row["customer"]
