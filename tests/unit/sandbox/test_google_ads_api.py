"""Google Ads in the sandbox: the search campaigns, their orders and sessions, and the searchStream replica."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests

from sandbox.attribution import normalise, utm_params
from sandbox.campaigns import campaigns_for_month
from sandbox.credentials import (
    GOOGLE_ADS_ACCESS_TOKEN,
    GOOGLE_ADS_API_VERSION,
    GOOGLE_ADS_DEVELOPER_TOKEN,
    GOOGLE_ADS_EXPIRED_TOKEN,
    GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN,
)
from sandbox.faults import Faults
from sandbox.ga4 import ga4_rows
from sandbox.google_ads_api import parse_query
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 4, 15)
CUSTOMER = "1234567890"
HEADERS = {"Authorization": f"Bearer {GOOGLE_ADS_ACCESS_TOKEN}", "developer-token": GOOGLE_ADS_DEVELOPER_TOKEN}
QUERY = (
    "SELECT segments.date, customer.id, customer.currency_code, customer.time_zone, campaign.id, campaign.name, "
    "ad_group.id, ad_group.name, ad_group_ad.ad.id, metrics.cost_micros, metrics.impressions, metrics.clicks, "
    "metrics.conversions, metrics.conversions_value FROM ad_group_ad "
    "WHERE segments.date BETWEEN '{start}' AND '{end}'"
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _search(
    s: SandboxServer,
    query: str | None = None,
    headers: dict[str, str] = HEADERS,
    customer: str = CUSTOMER,
    start: str = "2025-03-01",
    end: str = "2025-03-31",
) -> requests.Response:
    body: dict[str, Any] = {"query": query if query is not None else QUERY.format(start=start, end=end)}
    url = f"{s.url}/googleads/{GOOGLE_ADS_API_VERSION}/customers/{customer}/googleAds:searchStream"
    return requests.post(url, json=body, headers=headers, timeout=30)


def _error_code(response: requests.Response) -> dict[str, str]:
    return response.json()["error"]["details"][0]["errors"][0]["errorCode"]


def test_one_google_campaign_a_month_with_its_own_flight_and_ids() -> None:
    campaigns = [c for m in range(36) for c in campaigns_for_month(m) if c.platform == "google"]
    assert len(campaigns) == 36 and {c.account_id for c in campaigns} == {CUSTOMER}
    assert all(60 <= (c.end - c.launch).days + 1 <= 90 and len(c.ads) == 4 for c in campaigns)
    assert 1 <= sum(c.naming_issue is not None for c in campaigns) <= 12
    everything = [c for m in range(36) for c in campaigns_for_month(m)]
    assert len({normalise(c.name) for c in everything}) == len(everything), "names must not collide across platforms"


def test_google_orders_carry_campaign_utms_and_gclid() -> None:
    truth = Truth(AS_OF, known_platforms=("meta", "tiktok", "google"))
    google = [o for orders in truth.world.orders.values() for o in orders if o.driver == "google"]
    from_campaigns = [o for o in google if o.driver_campaign]
    assert from_campaigns and len(from_campaigns) < len(google)
    for o in from_campaigns:
        utm = utm_params(o.landing_site)
        assert (utm["utm_source"], utm["utm_medium"]) == ("google", "cpc") and "gclid=" in o.landing_site
        assert o.driver_campaign.startswith("google:")
    by_campaign = truth.attributed_revenue_by_campaign()
    assert any(key.startswith("google:") and value > 0 for key, value in by_campaign.items())
    assert truth.revenue_by_channel()["google"] > 0 and truth.spend("google") > 0


def test_ga4_has_google_cpc_sessions_for_the_campaigns() -> None:
    rows = [r for r in ga4_rows(AS_OF) if r.source == "google" and r.medium == "cpc" and r.campaign_id.isdigit()]
    assert rows and all(re.fullmatch(r"21\d{9}", r.campaign_id) for r in rows)
    truth = Truth(AS_OF, known_platforms=("meta", "tiktok", "google"))
    assert any(key.startswith("google:") for key in truth.sessions_by_campaign())


def test_search_stream_returns_camelcase_batches_equal_to_the_world(server: SandboxServer) -> None:
    response = _search(server)
    assert response.status_code == 200
    batches = response.json()
    assert isinstance(batches, list) and batches[0]["fieldMask"].startswith("segments.date,customer.id")
    results = [r for b in batches for r in b["results"]]
    first = results[0]
    assert first["customer"] == {
        "resourceName": f"customers/{CUSTOMER}",
        "id": CUSTOMER,
        "currencyCode": "USD",
        "timeZone": "America/New_York",
    }
    assert isinstance(first["metrics"]["costMicros"], str) and isinstance(first["metrics"]["conversions"], float)
    assert first["adGroupAd"]["resourceName"].endswith(f"{first['adGroup']['id']}~{first['adGroupAd']['ad']['id']}")
    expected = {
        (r.ad.ad_id, r.day.isoformat()): server.world.seen_ad(r).spend_cents * 10_000
        for r in server.world.ad_days_for(CUSTOMER)
        if date(2025, 3, 1) <= r.day <= date(2025, 3, 31)
    }
    got = {(r["adGroupAd"]["ad"]["id"], r["segments"]["date"]): int(r["metrics"]["costMicros"]) for r in results}
    assert got == expected
    total = sum(Decimal(v) for v in got.values()) / 1_000_000
    assert total == Truth(AS_OF, known_platforms=("google",)).spend_local(CUSTOMER, "2025-03")


def test_query_parsing_is_robust_but_strict() -> None:
    fields, start, end = parse_query(
        "select  metrics.clicks,segments.date\nfrom ad_group_ad where segments.date between '2025-01-01' and "
        "'2025-01-31' ORDER BY segments.date"
    )
    assert fields == ["metrics.clicks", "segments.date"] and (start, end) == (date(2025, 1, 1), date(2025, 1, 31))


RANGE = "WHERE segments.date BETWEEN '2025-01-01' AND '2025-01-02'"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (f"SELECT campaign.id FROM campaign {RANGE}", "INVALID_RESOURCE_NAME"),
        (f"SELECT metrics.foo FROM ad_group_ad {RANGE}", "UNRECOGNIZED_FIELD"),
        ("SELECT campaign.id FROM ad_group_ad WHERE segments.date DURING LAST_30_DAYS", "UNEXPECTED_INPUT"),
        (
            f"SELECT campaign.id FROM ad_group_ad {RANGE.replace('01-01', '02-01')}",
            "INVALID_VALUE_WITH_BETWEEN_OPERATOR",
        ),
    ],
)
def test_other_queries_are_invalid_argument(server: SandboxServer, query: str, code: str) -> None:
    response = _search(server, query=query)
    assert response.status_code == 400 and response.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert _error_code(response) == {"queryError": code}


AUTH = HEADERS["Authorization"]
DEV = {"developer-token": GOOGLE_ADS_DEVELOPER_TOKEN}


@pytest.mark.parametrize(
    ("headers", "customer", "status", "code"),
    [
        (DEV, CUSTOMER, 401, {"authenticationError": "OAUTH_TOKEN_INVALID"}),
        ({**DEV, "Authorization": f"Bearer {GOOGLE_ADS_EXPIRED_TOKEN}"}, CUSTOMER, 401,
         {"authenticationError": "OAUTH_TOKEN_EXPIRED"}),
        ({"Authorization": AUTH}, CUSTOMER, 401, {"authenticationError": "DEVELOPER_TOKEN_INVALID"}),
        ({"Authorization": AUTH, "developer-token": GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN}, CUSTOMER, 403,
         {"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"}),
        (HEADERS, "9999999999", 403, {"authorizationError": "USER_PERMISSION_DENIED"}),
        ({**HEADERS, "login-customer-id": "111-222"}, CUSTOMER, 400,
         {"authenticationError": "CLIENT_CUSTOMER_ID_INVALID"}),
    ],
)  # fmt: skip
def test_auth_errors(server: SandboxServer, headers: dict[str, str], customer: str, status: int, code: Any) -> None:
    response = _search(server, headers=headers, customer=customer)
    assert response.status_code == status and _error_code(response) == code
    assert "GoogleAdsFailure" in response.json()["error"]["details"][0]["@type"]


def test_login_customer_id_is_accepted(server: SandboxServer) -> None:
    assert _search(server, headers={**HEADERS, "login-customer-id": "1112223333"}).status_code == 200


def test_injected_faults() -> None:
    faults = Faults(rate_limit_first_n={"google_ads_search": 1}, server_errors_first_n={"google_ads_search": 1})
    with SandboxServer(AS_OF, faults=faults) as s:
        throttled = _search(s)
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2.0"
        assert _error_code(throttled) == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
        failed = _search(s)
        assert failed.status_code == 500 and failed.json()["error"]["status"] == "INTERNAL"
        assert _search(s).status_code == 200
