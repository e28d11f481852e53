"""The Snapchat Marketing API replica: OAuth token grant, bearer auth and expiry, entity paging, DAY stats (units,
time zone, range limit), error bodies and faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from sandbox import snapchat_ads_api
from sandbox.constants import SNAPCHAT_ADS_ACCOUNT
from sandbox.credentials import SNAPCHAT_CLIENT_ID, SNAPCHAT_CLIENT_SECRET, SNAPCHAT_REFRESH_TOKEN
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth

ACCOUNT = SNAPCHAT_ADS_ACCOUNT.account_id
LONDON = ZoneInfo("Europe/London")
GRANT = {
    "grant_type": "refresh_token",
    "client_id": SNAPCHAT_CLIENT_ID,
    "client_secret": SNAPCHAT_CLIENT_SECRET,
    "refresh_token": SNAPCHAT_REFRESH_TOKEN,
}


def _grant(s: SandboxServer, **overrides: str) -> requests.Response:
    return requests.post(f"{s.url}/snapchat/login/oauth2/access_token", data={**GRANT, **overrides}, timeout=30)


def _bearer(s: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {_grant(s).json()['access_token']}"}


def _get(s: SandboxServer, path: str, headers: dict[str, str] | None = None, **params: Any) -> requests.Response:
    url = path if path.startswith("http") else f"{s.url}/snapchat/v1/{path}"
    return requests.get(url, params=params, headers=_bearer(s) if headers is None else headers, timeout=30)


def _midnight(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), LONDON).isoformat()


def _stats(s: SandboxServer, start: date, end: date, headers: dict[str, str] | None = None, **extra: str) -> Any:
    params = {
        "granularity": "DAY",
        "breakdown": "ad",
        "fields": "impressions,swipes,spend,conversion_purchases,conversion_purchases_value",
        "start_time": _midnight(start),
        "end_time": _midnight(end),
        **extra,
    }
    return _get(s, f"adaccounts/{ACCOUNT}/stats", headers, **params)


def _all_pages(s: SandboxServer, path: str, key: str, **params: Any) -> tuple[list[dict], int]:
    """Every item of a paged listing (following paging.next_link) and the number of pages."""
    headers = _bearer(s)
    response, items, pages = _get(s, path, headers, **params), [], 0
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body[key])
        pages += 1
        next_link = body["paging"].get("next_link")
        if not next_link:
            return items, pages
        response = _get(s, next_link, headers)


@pytest.fixture(scope="module")
def small() -> Iterator[SandboxServer]:
    with SandboxServer(date(2025, 3, 1)) as s:
        yield s


def test_token_grant_and_oauth_errors(small: SandboxServer) -> None:
    body = _grant(small).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1800 and body["access_token"]
    bad_grant = _grant(small, refresh_token="revoked-refresh-token")
    assert bad_grant.status_code == 400
    assert bad_grant.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    bad_client = _grant(small, client_secret="wrong")
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    assert _grant(small, grant_type="password").json()["error"] == "unsupported_grant_type"
    assert requests.get(f"{small.url}/snapchat/login/oauth2/access_token", timeout=30).status_code == 405


def test_ad_account_and_auth_failure_body(small: SandboxServer) -> None:
    [item] = _get(small, f"adaccounts/{ACCOUNT}").json()["adaccounts"]
    account = item["adaccount"]
    assert (account["id"], account["currency"], account["timezone"]) == (ACCOUNT, "GBP", "Europe/London")
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        denied = _get(small, f"adaccounts/{ACCOUNT}", headers)
        assert denied.status_code == 401
        body = denied.json()
        assert body["request_status"] == "ERROR" and body["error_code"] == "E3001" and body["request_id"]
        assert "access token is invalid or expired" in body["debug_message"]
    unknown = _get(small, "adaccounts/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "E3003"


def test_access_tokens_expire(small: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapchat_ads_api, "ACCESS_TOKEN_MAX_USES", 2)
    headers = _bearer(small)
    assert [_get(small, f"adaccounts/{ACCOUNT}", headers).status_code for _ in range(3)] == [200, 200, 401]
    monkeypatch.setattr(snapchat_ads_api, "ACCESS_TOKEN_MAX_USES", None)
    monkeypatch.setattr(snapchat_ads_api, "ACCESS_TOKEN_LIFETIME_SECONDS", 0)
    assert _get(small, f"adaccounts/{ACCOUNT}").status_code == 401


def test_stats_per_month_equal_truth_in_micro_currency_across_dst(server: SandboxServer) -> None:
    """Day bounds carry London's offset of that day (GMT or BST); spend is micro-GBP."""
    truth = Truth(server.as_of, known_platforms=("snapchat",))
    offsets = {"2025-03": ("+00:00", "+01:00"), "2025-10": ("+01:00", "+00:00")}  # BST from 30 Mar to 26 Oct
    months = (("2025-03", date(2025, 3, 1), date(2025, 4, 1)), ("2025-10", date(2025, 10, 1), date(2025, 11, 1)))
    for month, start, end in months:
        response = _stats(server, start, end)
        assert response.status_code == 200, response.text
        [item] = response.json()["timeseries_stats"]
        stat = item["timeseries_stat"]
        assert (stat["type"], stat["granularity"]) == ("AD_ACCOUNT", "DAY")
        assert (stat["start_time"][-6:], stat["end_time"][-6:]) == offsets[month]
        ads = stat["breakdown_stats"]["ad"]
        assert ads and all(len(ad["timeseries"]) == (end - start).days for ad in ads)
        assert ads[0]["timeseries"][-1]["start_time"].endswith("+01:00" if month == "2025-03" else "+00:00")
        micros = sum(day["stats"]["spend"] for ad in ads for day in ad["timeseries"])
        assert Decimal(micros) / 1_000_000 == truth.spend_local(ACCOUNT, month) > 0
        swipes = sum(day["stats"]["swipes"] for ad in ads for day in ad["timeseries"])
        assert swipes == truth.clicks("snapchat", month)


def test_campaign_stats_cover_only_that_campaign(small: SandboxServer) -> None:
    campaign = next(c for c in small.world.campaigns if c.platform == "snapchat")
    params = {"granularity": "DAY", "breakdown": "ad", "fields": "spend"}
    response = _get(
        small,
        f"campaigns/{campaign.campaign_id}/stats",
        start_time=_midnight(date(2025, 1, 1)),
        end_time=_midnight(date(2025, 2, 1)),
        **params,
    )
    ads = response.json()["timeseries_stats"][0]["timeseries_stat"]["breakdown_stats"]["ad"]
    assert {ad["id"] for ad in ads} == {ad.ad_id for ad in campaign.ads}


def test_date_range_and_alignment_limits(small: SandboxServer) -> None:
    too_long = _stats(small, date(2025, 1, 1), date(2025, 2, 2))
    assert too_long.status_code == 400 and too_long.json()["error_code"] == "E1008"
    assert "at most 31 days" in too_long.json()["debug_message"]
    assert _stats(small, date(2025, 1, 1), date(2025, 2, 1)).status_code == 200  # 31 days
    not_midnight = _stats(small, date(2025, 1, 1), date(2025, 1, 8), start_time="2025-01-01T05:00:00+00:00")
    assert not_midnight.status_code == 400
    assert "start of day (00:00:00) for the account's timezone" in not_midnight.json()["debug_message"]
    summer_without_dst = _stats(small, date(2025, 1, 1), date(2025, 1, 8), end_time="2025-07-01T00:00:00+00:00")
    assert summer_without_dst.status_code == 400
    assert _stats(small, date(2025, 1, 1), date(2025, 1, 8), granularity="TOTAL").status_code == 400
    assert _stats(small, date(2025, 1, 1), date(2025, 1, 8), fields="spend,reach_typo").status_code == 400


def test_entity_lists_page_with_next_link(server: SandboxServer) -> None:
    ads, pages = _all_pages(server, f"adaccounts/{ACCOUNT}/ads", "ads", limit=50)
    expected = {a.ad_id for c in server.world.campaigns if c.platform == "snapchat" for a in c.ads}
    assert len(expected) > 50 and pages == 2
    assert sorted(item["ad"]["id"] for item in ads) == sorted(expected)
    squads, _ = _all_pages(server, f"adaccounts/{ACCOUNT}/adsquads", "adsquads", limit=50)
    assert {item["adsquad"]["id"] for item in squads} == {item["ad"]["ad_squad_id"] for item in ads}
    for bad in ("49", "1001", "x"):
        response = _get(server, f"adaccounts/{ACCOUNT}/campaigns", limit=bad)
        assert response.status_code == 400 and response.json()["error_code"] == "E1008"


def test_faults_throttle_then_5xx_then_answer() -> None:
    faults = Faults(
        rate_limit_first_n={"snap_stats": 1}, server_errors_first_n={"snap_stats": 1}, retry_after_seconds=1.5
    )
    with SandboxServer(date(2025, 3, 1), faults) as s:
        throttled = _stats(s, date(2025, 1, 1), date(2025, 1, 8))
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1.5"
        assert throttled.json()["request_status"] == "ERROR" and throttled.json()["error_code"] == "E3005"
        failed = _stats(s, date(2025, 1, 1), date(2025, 1, 8))
        assert failed.status_code == 500 and failed.json()["request_status"] == "ERROR"
        assert _stats(s, date(2025, 1, 1), date(2025, 1, 8)).status_code == 200
    with SandboxServer(date(2025, 3, 1), Faults(server_errors_first_n={"snap_token": 1})) as s:
        assert _grant(s).status_code == 500
        assert _grant(s).status_code == 200


def test_duplicate_page_and_new_field_faults(server: SandboxServer) -> None:
    clean, _ = _all_pages(server, f"adaccounts/{ACCOUNT}/ads", "ads", limit=50)
    faults = Faults(duplicate_page=("snap",), extra_field=("snap",))
    with SandboxServer(server.as_of, faults) as s:
        ads, pages = _all_pages(s, f"adaccounts/{ACCOUNT}/ads", "ads", limit=50)
        assert pages == 3 and len(ads) == len(clean) + 50
        assert [i["ad"]["id"] for i in ads[50:100]] == [i["ad"]["id"] for i in ads[:50]]
        assert {i["ad"]["id"] for i in ads} == {i["ad"]["id"] for i in clean}
        assert all(EXTRA_FIELD in i["ad"] for i in ads)
        stat = _stats(s, date(2025, 3, 1), date(2025, 3, 8)).json()["timeseries_stats"][0]["timeseries_stat"]
        breakdown = stat["breakdown_stats"]["ad"]
        assert breakdown and all(EXTRA_FIELD in ad for ad in breakdown)
