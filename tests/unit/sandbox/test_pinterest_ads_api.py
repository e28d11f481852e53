"""The Pinterest API v5 ads replica: values equal the world, auth, bookmark paging, report limits and faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests

from sandbox.constants import PINTEREST_ADS_ACCOUNT
from sandbox.credentials import PINTEREST_ACCESS_TOKEN
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 4, 15)
ACCOUNT = PINTEREST_ADS_ACCOUNT.account_id
HEADERS = {"Authorization": f"Bearer {PINTEREST_ACCESS_TOKEN}"}
COLUMNS = (
    "SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,TOTAL_CLICKTHROUGH,TOTAL_CHECKOUT,TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(s: SandboxServer, path: str, headers: dict[str, str] = HEADERS, **params: Any) -> requests.Response:
    return requests.get(f"{s.url}/pinterest/v5/{path}", params=params, headers=headers, timeout=30)


def _all_items(s: SandboxServer, path: str, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list endpoint following `bookmark`; returns (items, pages)."""
    items, pages, params = [], 0, {"page_size": str(page_size)}
    while True:
        body = _get(s, path, **params).json()
        items.extend(body["items"])
        pages += 1
        if body["bookmark"] is None:
            return items, pages
        params["bookmark"] = body["bookmark"]


def _ad_ids(s: SandboxServer) -> list[str]:
    return [a["id"] for a in _all_items(s, f"ad_accounts/{ACCOUNT}/ads", 250)[0]]


def _analytics(s: SandboxServer, ad_ids: list[str], start: str, end: str, **extra: str) -> requests.Response:
    params = {
        "start_date": start,
        "end_date": end,
        "ad_ids": ",".join(ad_ids),
        "columns": COLUMNS,
        "granularity": "DAY",
        "conversion_report_time": "TIME_OF_AD_ACTION",
        **extra,
    }
    return _get(s, f"ad_accounts/{ACCOUNT}/ads/analytics", **params)


def test_ad_account_and_listing(server: SandboxServer) -> None:
    [listed] = _get(server, "ad_accounts").json()["items"]
    account = _get(server, f"ad_accounts/{ACCOUNT}").json()
    assert listed == account
    assert (account["id"], account["name"], account["currency"]) == (ACCOUNT, PINTEREST_ADS_ACCOUNT.name, "USD")
    assert account["owner"]["username"] and account["country"] == "US"


def test_lists_page_with_bookmark_and_match_the_world(server: SandboxServer) -> None:
    campaigns = [c for c in server.world.campaigns if c.platform == "pinterest"]
    ads, pages = _all_items(server, f"ad_accounts/{ACCOUNT}/ads", 3)
    assert pages == -(-len(ads) // 3) > 1
    assert sorted(a["id"] for a in ads) == sorted(ad.ad_id for c in campaigns for ad in c.ads)
    listed, _ = _all_items(server, f"ad_accounts/{ACCOUNT}/campaigns", 1)
    assert {c["id"]: c["name"] for c in listed} == {c.campaign_id: c.name for c in campaigns}
    groups, _ = _all_items(server, f"ad_accounts/{ACCOUNT}/ad_groups", 2)
    assert {g["id"]: g["name"] for g in groups} == {ad.adset_id: ad.adset_name for c in campaigns for ad in c.ads}
    assert _get(server, f"ad_accounts/{ACCOUNT}/ads", page_size="251").status_code == 400


def test_analytics_spend_per_month_equals_truth(server: SandboxServer) -> None:
    """Micros of the account currency summed per month = Truth.spend_local; rows are ad x account-tz day."""
    truth = Truth(AS_OF, known_platforms=("pinterest",))
    ad_ids = _ad_ids(server)
    first_day = min(r.day for r in server.world.ad_days_for(ACCOUNT))  # within the 90-day retention window
    rows = _analytics(server, ad_ids, first_day.isoformat(), "2025-04-14").json()
    assert len(rows) == len(server.world.ad_days_for(ACCOUNT))
    spend: dict[str, Decimal] = {}
    for row in rows:
        month = row["DATE"][:7]
        spend[month] = spend.get(month, Decimal(0)) + Decimal(row["SPEND_IN_MICRO_DOLLAR"]) / 1_000_000
    assert spend == {month: truth.spend_local(ACCOUNT, month) for month in spend}
    assert sum(spend.values()) == truth.spend_local(ACCOUNT) > 0
    assert sum(r["TOTAL_IMPRESSION"] for r in rows) == truth.impressions("pinterest")
    assert sum(r["TOTAL_CLICKTHROUGH"] for r in rows) == truth.clicks("pinterest")
    seen = {(r.ad.ad_id, r.day.isoformat()): server.world.seen_ad(r) for r in server.world.ad_days_for(ACCOUNT)}
    for row in rows:
        expected = seen[(row["AD_ID"], row["DATE"])]
        assert row.get("TOTAL_CHECKOUT", 0) == expected.purchases
        assert row.get("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", 0) == expected.purchase_value_cents * 10_000


def test_auth_failure_body(server: SandboxServer) -> None:
    for headers in ({"Authorization": "Bearer pina_expired"}, {}):
        resp = _get(server, f"ad_accounts/{ACCOUNT}", headers=headers)
        assert resp.status_code == 401 and resp.json() == {"code": 2, "message": "Authentication failed."}
    other = _get(server, "ad_accounts/123/ads")
    assert other.status_code == 403 and other.json()["code"] == 29


@pytest.mark.parametrize(
    ("start", "end", "extra", "fragment"),
    [
        ("2025-01-15", "2025-04-15", {}, "90 days past start_date"),  # 91 days; 90 is the limit
        ("2025-01-14", "2025-01-20", {}, "90 days back from today"),  # before the retention window
        ("2025-03-02", "2025-03-01", {}, "on or after start_date"),
        ("2025-03-01", "2025-03-02", {"granularity": "TOTAL"}, "granularity"),
        ("2025-03-01", "2025-03-02", {"columns": "SPEND_IN_MICRO_DOLLAR,NOPE"}, "NOPE"),
        ("2025-03-01", "2025-03-02", {"click_window_days": "5"}, "click_window_days"),
    ],
)
def test_report_limits_answer_400_code_1(
    server: SandboxServer, start: str, end: str, extra: dict[str, str], fragment: str
) -> None:
    resp = _analytics(server, _ad_ids(server)[:4], start, end, **extra)
    assert resp.status_code == 400 and resp.json()["code"] == 1
    assert fragment in resp.json()["message"]


def test_at_most_100_ad_ids_and_a_90_day_window_is_accepted(server: SandboxServer) -> None:
    too_many = _analytics(server, [str(n) for n in range(101)], "2025-03-01", "2025-03-02")
    assert too_many.status_code == 400 and "100" in too_many.json()["message"]
    assert _analytics(server, _ad_ids(server), "2025-01-16", "2025-04-15").status_code == 200


def test_throttle_then_server_error_then_success() -> None:
    faults = Faults(
        rate_limit_first_n={"pinads_analytics": 1}, server_errors_first_n={"pinads_analytics": 1}, retry_after_seconds=3
    )
    with SandboxServer(AS_OF, faults) as s:
        ad_ids = _ad_ids(s)
        throttled = _analytics(s, ad_ids, "2025-03-01", "2025-03-31")
        assert throttled.status_code == 429 and throttled.json()["code"] == 8
        assert throttled.headers["Retry-After"] == "3" and throttled.headers["x-ratelimit-remaining"] == "0"
        failed = _analytics(s, ad_ids, "2025-03-01", "2025-03-31")
        assert failed.status_code == 500
        assert _analytics(s, ad_ids, "2025-03-01", "2025-03-31").status_code == 200


def test_duplicate_page_repeats_the_first_page_and_loses_nothing(server: SandboxServer) -> None:
    with SandboxServer(AS_OF, Faults(duplicate_page=("pinads",))) as s:
        ads, _ = _all_items(s, f"ad_accounts/{ACCOUNT}/ads", 3)
        assert len(ads) == len(_ad_ids(server)) + 3
        assert {a["id"] for a in ads} == set(_ad_ids(server))
        rows = _analytics(s, _ad_ids(server), "2025-03-01", "2025-03-31").json()
        clean = _analytics(server, _ad_ids(server), "2025-03-01", "2025-03-31").json()
        assert len(rows) == 2 * len(clean) and {(r["AD_ID"], r["DATE"]) for r in rows} == {
            (r["AD_ID"], r["DATE"]) for r in clean
        }


def test_extra_field_on_every_served_record() -> None:
    with SandboxServer(AS_OF, Faults(extra_field=("pinads",))) as s:
        assert EXTRA_FIELD in _get(s, f"ad_accounts/{ACCOUNT}").json()
        ads, _ = _all_items(s, f"ad_accounts/{ACCOUNT}/ads", 250)
        assert all(EXTRA_FIELD in a for a in ads)
        rows = _analytics(s, [a["id"] for a in ads], "2025-03-01", "2025-03-31").json()
        assert rows and all(EXTRA_FIELD in r for r in rows)
