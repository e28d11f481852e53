"""Fault injection: throttling with Retry-After, 5xx bursts, negative spend, duplicated orders."""

from __future__ import annotations

import json
from datetime import date

import pytest
import requests

from sandbox.credentials import shopify_token
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.shopify_api import THROTTLED
from sandbox.truth import Truth
from sandbox.world import build_world

AS_OF = date(2025, 4, 15)
TR = json.dumps({"since": "2025-03-01", "until": "2025-03-31"})


def _insights(server: SandboxServer, **extra: str) -> requests.Response:
    params = {
        "access_token": "sandbox-meta-token",
        "level": "ad",
        "time_increment": "1",
        "time_range": TR,
        "fields": "ad_id,date_start,spend",
        "limit": "500",
        **extra,
    }
    return requests.get(f"{server.url}/graph/v23.0/act_1001/insights", params=params, timeout=10)


def test_meta_rate_limit_on_first_requests_of_a_family() -> None:
    faults = Faults(rate_limit_first_n={"meta_insights": 2}, retry_after_seconds=0.5)
    with SandboxServer(AS_OF, faults) as s:
        account = requests.get(
            f"{s.url}/graph/v23.0/act_1001", params={"access_token": "sandbox-meta-token"}, timeout=10
        )
        assert account.status_code == 200  # another family is not throttled
        for _ in range(2):
            resp = _insights(s)
            assert resp.status_code == 429 and resp.headers["Retry-After"] == "0.5"
            assert resp.json()["error"]["code"] == 80004
        assert _insights(s).status_code == 200
        assert [m for m, _ in s.requests] == ["GET"] * 4


def test_throttle_as_http_400_and_server_errors_by_group() -> None:
    faults = Faults(rate_limit_first_n={"ig": 1}, server_errors_first_n={"ig": 2}, meta_throttle_as_400=True)
    with SandboxServer(AS_OF, faults) as s:
        url = f"{s.url}/graph/v23.0/17841400000000001"
        first = requests.get(url, params={"access_token": "sandbox-meta-token"}, timeout=10)
        assert first.status_code == 400 and "Retry-After" not in first.headers
        assert first.json()["error"]["code"] == 17
        for _ in range(2):
            resp = requests.get(f"{url}/media", params={"access_token": "sandbox-meta-token"}, timeout=10)
            assert resp.status_code == 500
            err = resp.json()["error"]
            assert (err["code"], err["is_transient"]) == (2, True)
        assert requests.get(url, params={"access_token": "sandbox-meta-token"}, timeout=10).status_code == 200


def test_shopify_429_then_success() -> None:
    faults = Faults(rate_limit_first_n={"shopify_orders": 1}, server_errors_first_n={"shopify_orders": 1})
    with SandboxServer(AS_OF, faults) as s:
        url = f"{s.url}/shopify/northwind-us/admin/api/2024-10/orders.json"
        head = {"X-Shopify-Access-Token": shopify_token("northwind-us")}
        r1 = requests.get(url, headers=head, timeout=10)
        assert r1.status_code == 429 and r1.headers["Retry-After"] == "2.0" and r1.json() == {"errors": THROTTLED}
        assert requests.get(url, headers=head, timeout=10).status_code == 500
        assert requests.get(url, headers=head, timeout=10).status_code == 200
        shop = requests.get(url.replace("orders.json", "shop.json"), headers=head, timeout=10)
        assert shop.status_code == 200


def test_negative_spend_is_served_but_not_true() -> None:
    day = date(2025, 3, 12)
    with SandboxServer(AS_OF, Faults(negative_spend_day=day)) as s:
        rows = _insights(s).json()["data"]
    negative = [r for r in rows if r["spend"].startswith("-")]
    assert len(negative) == 1 and negative[0]["date_start"] == day.isoformat()
    truth = Truth(AS_OF)
    served = sum(abs(float(r["spend"])) for r in rows)
    assert round(served, 2) == float(truth.spend_local("1001", "2025-03"))


def test_duplicated_order_has_new_id_and_same_name() -> None:
    day = date(2025, 2, 3)
    with SandboxServer(AS_OF, Faults(duplicate_order_day=day)) as s:
        url = f"{s.url}/shopify/northwind-us/admin/api/2024-10/orders.json"
        params = {
            "status": "any",
            "created_at_min": "2025-02-03T00:00:00-05:00",
            "created_at_max": "2025-02-03T23:59:59-05:00",
            "limit": "250",
        }
        orders = requests.get(
            url, params=params, headers={"X-Shopify-Access-Token": shopify_token("northwind-us")}, timeout=10
        ).json()["orders"]
    names = [o["name"] for o in orders]
    dupes = [n for n in set(names) if names.count(n) == 2]
    assert len(dupes) == 1 and len(names) == len(set(names)) + 1
    pair = [o for o in orders if o["name"] == dupes[0]]
    assert pair[0]["id"] != pair[1]["id"] and pair[0]["subtotal_price"] == pair[1]["subtotal_price"]
    assert not {li["id"] for li in pair[0]["line_items"]} & {li["id"] for li in pair[1]["line_items"]}
    world_orders = build_world(AS_OF).orders["northwind-us"]
    truth_orders = [o for o in Truth(AS_OF).order_facts() if o.shop == "northwind-us"]
    assert len(truth_orders) == sum(1 for o in world_orders if not o.test)  # the copy is not in the truth


def test_unknown_family_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown path family"):
        Faults(rate_limit_first_n={"tiktok_reports": 1})
    parsed = Faults.from_json('{"negative_spend_day": "2025-03-01", "rate_limit_first_n": {"shopify": 3}}')
    assert parsed.negative_spend_day == date(2025, 3, 1) and parsed.rate_limit_first_n == {"shopify": 3}
