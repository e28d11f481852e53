"""The LinkedIn Marketing API replica (ad accounts, campaign groups, campaigns, creatives, adAnalytics): served
values equal the world, auth and version errors, cursor paging, report limits and every fault kind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests

from sandbox import linkedin_ads_api
from sandbox.credentials import (
    LINKEDIN_ADS_ACCESS_TOKEN,
    LINKEDIN_ADS_EXPIRED_TOKEN,
    LINKEDIN_ADS_REVOKED_TOKEN,
    LINKEDIN_VERSION,
)
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 4, 15)
ACCOUNT = "508123456"
ACCOUNT_URN = "urn%3Ali%3AsponsoredAccount%3A508123456"
HEADERS = {
    "Authorization": f"Bearer {LINKEDIN_ADS_ACCESS_TOKEN}",
    "LinkedIn-Version": LINKEDIN_VERSION,
    "X-Restli-Protocol-Version": "2.0.0",
}
FIELDS = "pivotValues,dateRange,costInLocalCurrency,impressions,clicks,externalWebsiteConversions,videoViews"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(s: SandboxServer, path: str, query: str = "", headers: dict[str, str] = HEADERS) -> requests.Response:
    """GET with the query string sent as written (Rest.li syntax, as the connector sends it)."""
    return requests.get(f"{s.url}/linkedin/rest/{path}" + (f"?{query}" if query else ""), headers=headers, timeout=30)


def _analytics(s: SandboxServer, first: date, last: date, fields: str = FIELDS, **headers: str) -> requests.Response:
    date_range = (
        f"(start:(year:{first.year},month:{first.month},day:{first.day}),"
        f"end:(year:{last.year},month:{last.month},day:{last.day}))"
    )
    query = (
        f"q=analytics&pivot=CREATIVE&timeGranularity=DAILY&dateRange={date_range}"
        f"&accounts=List({ACCOUNT_URN})&fields={fields}"
    )
    return _get(s, "adAnalytics", query, {**HEADERS, **headers})


def _walk(s: SandboxServer, path: str, query: str, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Every element of a cursor-paged finder and the number of pages."""
    elements, pages, token = [], 0, None
    while True:
        resp = _get(s, path, f"{query}&pageSize={page_size}" + (f"&pageToken={token}" if token else ""))
        assert resp.status_code == 200, resp.text
        body = resp.json()
        elements.extend(body["elements"])
        pages += 1
        token = body["metadata"].get("nextPageToken")
        if not token:
            return elements, pages


@pytest.mark.parametrize("month", ["2025-01", "2025-02", "2025-03"])
def test_analytics_per_month_equal_the_truth(server: SandboxServer, month: str) -> None:
    first = date.fromisoformat(f"{month}-01")
    last = date(first.year, first.month + 1, 1).replace(day=1)
    last = date.fromordinal(last.toordinal() - 1)
    resp = _analytics(server, first, last)
    assert resp.status_code == 200, resp.text
    elements = resp.json()["elements"]
    truth = Truth(AS_OF, known_platforms=("linkedin",))
    assert elements, "the LinkedIn campaign delivers every month"
    assert all(isinstance(e["costInLocalCurrency"], str) for e in elements)
    assert sum(Decimal(e["costInLocalCurrency"]) for e in elements) == truth.spend_local(ACCOUNT, month)
    assert sum(e["impressions"] for e in elements) == truth.impressions("linkedin", month)
    assert sum(e["clicks"] for e in elements) == truth.clicks("linkedin", month)
    assert set(elements[0]) == set(FIELDS.split(","))


def test_analytics_elements_are_creative_days_restated_at_as_of(server: SandboxServer) -> None:
    day = date(2025, 4, 14)  # age 1: spend at 98 %, conversions at 60 %
    elements = _analytics(server, day, day).json()["elements"]
    rows = [r for r in server.world.ad_days_for(ACCOUNT) if r.day == day]
    assert len(elements) == len(rows) > 0
    by_creative = {e["pivotValues"][0]: e for e in elements}
    for r in rows:
        e = by_creative[f"urn:li:sponsoredCreative:{r.ad.ad_id}"]
        seen = server.world.seen_ad(r)
        assert e["dateRange"] == {
            "start": {"year": 2025, "month": 4, "day": 14},
            "end": {"year": 2025, "month": 4, "day": 14},
        }
        assert Decimal(e["costInLocalCurrency"]) == Decimal(seen.spend_cents) / 100 < Decimal(r.spend_cents) / 100
        assert e["externalWebsiteConversions"] == seen.purchases and e["videoViews"] == r.video_views


def test_hierarchy_lists_page_with_next_page_token(server: SandboxServer) -> None:
    campaigns = [c for c in server.world.campaigns if c.platform == "linkedin"]
    creatives, pages = _walk(server, f"adAccounts/{ACCOUNT}/creatives", "q=criteria", 3)
    assert pages == -(-len(creatives) // 3) > 1
    assert {c["id"] for c in creatives} == {f"urn:li:sponsoredCreative:{a.ad_id}" for c in campaigns for a in c.ads}
    li_campaigns, _ = _walk(server, f"adAccounts/{ACCOUNT}/adCampaigns", "q=search", 2)
    parents = {str(c["id"]): c["campaignGroup"] for c in li_campaigns}
    assert parents == {a.adset_id: f"urn:li:sponsoredCampaignGroup:{c.campaign_id}" for c in campaigns for a in c.ads}
    groups, _ = _walk(server, f"adAccounts/{ACCOUNT}/adCampaignGroups", "q=search", 1)
    assert {str(g["id"]): g["name"] for g in groups} == {c.campaign_id: c.name for c in campaigns}
    active, _ = _walk(
        server, f"adAccounts/{ACCOUNT}/adCampaignGroups", "q=search&search=(status:(values:List(ACTIVE)))", 10
    )
    assert {str(g["id"]) for g in active} == {c.campaign_id for c in campaigns if c.end >= AS_OF}
    account = _get(server, f"adAccounts/{ACCOUNT}").json()
    assert (account["id"], account["currency"], account["status"]) == (int(ACCOUNT), "USD", "ACTIVE")


@pytest.mark.parametrize(
    ("token", "service_code", "code"),
    [
        ("nope", 65600, "INVALID_ACCESS_TOKEN"),
        (LINKEDIN_ADS_REVOKED_TOKEN, 65601, "REVOKED_ACCESS_TOKEN"),
        (LINKEDIN_ADS_EXPIRED_TOKEN, 65602, "EXPIRED_ACCESS_TOKEN"),
    ],
)
def test_auth_failures_answer_401_with_linkedin_error_bodies(
    server: SandboxServer, token: str, service_code: int, code: str
) -> None:
    resp = _get(server, f"adAccounts/{ACCOUNT}", headers={**HEADERS, "Authorization": f"Bearer {token}"})
    body = resp.json()
    assert resp.status_code == 401 and body["status"] == 401
    assert (body["serviceErrorCode"], body["code"]) == (service_code, code) and body["message"]


def test_version_and_account_errors(server: SandboxServer) -> None:
    missing = _get(
        server, f"adAccounts/{ACCOUNT}", headers={k: v for k, v in HEADERS.items() if k != "LinkedIn-Version"}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "VERSION_MISSING"
    sunset = _get(server, f"adAccounts/{ACCOUNT}", headers={**HEADERS, "LinkedIn-Version": "202401"})
    assert sunset.status_code == 426 and sunset.json()["code"] == "NONEXISTENT_VERSION"
    other = _get(server, "adAccounts/500000001")
    assert other.status_code == 403 and other.json()["code"] == "ACCESS_DENIED"


def test_report_limits(server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    backwards = _analytics(server, date(2025, 3, 2), date(2025, 3, 1))
    assert backwards.status_code == 400 and backwards.json()["code"] == "ILLEGAL_ARGUMENT"
    assert "before" in backwards.json()["message"]
    no_range = _get(
        server, "adAnalytics", f"q=analytics&pivot=CREATIVE&timeGranularity=DAILY&accounts=List({ACCOUNT_URN})"
    )
    assert no_range.status_code == 400 and "dateRange" in no_range.json()["message"]
    too_many = _analytics(server, date(2025, 3, 1), date(2025, 3, 2), fields=",".join(["impressions"] * 21))
    assert too_many.status_code == 400 and "at most 20 metrics" in too_many.json()["message"]
    unknown = _analytics(server, date(2025, 3, 1), date(2025, 3, 2), fields="impressions,nope")
    assert unknown.status_code == 400 and "nope" in unknown.json()["message"]
    oversized = _get(server, f"adAccounts/{ACCOUNT}/creatives", "q=criteria&pageSize=101")
    assert oversized.status_code == 400
    full = _analytics(server, date(2025, 2, 1), date(2025, 3, 31)).json()["elements"]
    monkeypatch.setattr(linkedin_ads_api, "MAX_ELEMENTS", 7)
    cut = _analytics(server, date(2025, 2, 1), date(2025, 3, 31)).json()["elements"]
    assert len(full) > 7 and cut == full[:7]  # no paging: the rest is silently cut off


def test_throttle_is_429_without_retry_after_then_5xx() -> None:
    faults = Faults(rate_limit_first_n={"liads_analytics": 1}, server_errors_first_n={"liads_analytics": 1})
    with SandboxServer(AS_OF, faults) as s:
        throttled = _analytics(s, date(2025, 3, 1), date(2025, 3, 2))
        assert throttled.status_code == 429 and "Retry-After" not in throttled.headers
        assert throttled.json()["code"] == "TOO_MANY_REQUESTS" and throttled.json()["serviceErrorCode"] == 101
        failed = _analytics(s, date(2025, 3, 1), date(2025, 3, 2))
        assert failed.status_code == 500 and failed.json()["status"] == 500
        assert _analytics(s, date(2025, 3, 1), date(2025, 3, 2)).status_code == 200


def test_duplicate_page_repeats_the_first_page_of_lists_and_reports(server: SandboxServer) -> None:
    clean, _ = _walk(server, f"adAccounts/{ACCOUNT}/creatives", "q=criteria", 3)
    report = _analytics(server, date(2025, 3, 1), date(2025, 3, 31)).json()["elements"]
    with SandboxServer(AS_OF, Faults(duplicate_page=("liads",))) as s:
        doubled, _ = _walk(s, f"adAccounts/{ACCOUNT}/creatives", "q=criteria", 3)
        assert doubled == [*clean[:3], *clean]
        doubled_report = _analytics(s, date(2025, 3, 1), date(2025, 3, 31)).json()["elements"]
        assert doubled_report == [*report, *report]  # one unpaged answer: its only page comes twice


def test_extra_field_reaches_every_record() -> None:
    with SandboxServer(AS_OF, Faults(extra_field=("liads",))) as s:
        assert EXTRA_FIELD in _get(s, f"adAccounts/{ACCOUNT}").json()
        for path, finder in (("creatives", "criteria"), ("adCampaigns", "search"), ("adCampaignGroups", "search")):
            elements, _ = _walk(s, f"adAccounts/{ACCOUNT}/{path}", f"q={finder}", 50)
            assert elements and all(EXTRA_FIELD in e for e in elements)
        report = _analytics(s, date(2025, 3, 1), date(2025, 3, 31)).json()["elements"]
        assert report and all(EXTRA_FIELD in e for e in report)
