"""The X Ads API replica: OAuth 1.0a verification, cursor paging, stats values and limits, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox import credentials
from sandbox.faults import EXTRA_FIELD, Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 3, 1)
ACCOUNT = credentials.X_ADS_ACCOUNT_IDS[0]
TZ = ZoneInfo("America/New_York")
AUTH = OAuth1(
    credentials.X_ADS_CONSUMER_KEY,
    credentials.X_ADS_CONSUMER_SECRET,
    credentials.X_ADS_ACCESS_TOKEN,
    credentials.X_ADS_ACCESS_TOKEN_SECRET,
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(s: SandboxServer, path: str, auth: OAuth1 = AUTH, **params: Any) -> requests.Response:
    return requests.get(f"{s.url}/xads/12/{path}", params=params, auth=auth, timeout=30)


def _midnight(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), TZ).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stats(s: SandboxServer, ids: list[str], first: date, days: int = 7, **extra: Any) -> requests.Response:
    params = {
        "entity": "PROMOTED_TWEET",
        "entity_ids": ",".join(ids),
        "start_time": _midnight(first),
        "end_time": _midnight(first + timedelta(days=days)),
        "granularity": "DAY",
        "placement": "ALL_ON_TWITTER",
        "metric_groups": "ENGAGEMENT,BILLING,VIDEO,WEB_CONVERSION",
        **extra,
    }
    return _get(s, f"stats/accounts/{ACCOUNT}", **params)


def _all(s: SandboxServer, path: str, count: int) -> tuple[list[dict[str, Any]], int]:
    records, cursor, pages = [], None, 0
    while True:
        params = {"count": count, **({"cursor": cursor} if cursor else {})}
        body = _get(s, path, **params).json()
        records.extend(body["data"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return records, pages


def test_monthly_spend_from_the_stats_equals_the_truth(server: SandboxServer) -> None:
    tweets, _ = _all(server, f"accounts/{ACCOUNT}/promoted_tweets", 1000)
    ids = [t["id"] for t in tweets]
    spend: dict[str, int] = {}
    impressions: dict[str, int] = {}
    first = date(2025, 1, 1)
    while first < AS_OF:
        body = _stats(server, ids, first).json()
        assert body["data_type"] == "stats" and body["time_series_length"] == 7
        for entry in body["data"]:
            metrics = entry["id_data"][0]["metrics"]
            for i in range(7):
                month = (first + timedelta(days=i)).strftime("%Y-%m")
                spend[month] = spend.get(month, 0) + (metrics["billed_charge_local_micro"] or [0] * 7)[i]
                impressions[month] = impressions.get(month, 0) + (metrics["impressions"] or [0] * 7)[i]
        first += timedelta(days=7)
    truth = Truth(AS_OF, known_platforms=("x",))
    spend = {m: v for m, v in spend.items() if m < "2025-03"}
    assert spend == {m: int(truth.spend_local(ACCOUNT, m) * 1_000_000) for m in ("2025-01", "2025-02")}
    assert impressions["2025-02"] == truth.impressions("x", "2025-02") > 0
    assert all(Decimal(v) / 10**6 == truth.spend_local(ACCOUNT, m) for m, v in spend.items())


def test_metrics_are_daily_arrays_or_null(server: SandboxServer) -> None:
    body = _stats(server, ["30000", "30007"], date(2025, 2, 1)).json()
    assert body["request"]["params"]["entity_ids"] == ["30000", "30007"]
    by_id = {e["id"]: e["id_data"][0]["metrics"] for e in body["data"]}
    assert len(by_id["30000"]["impressions"]) == 7
    assert by_id["30000"]["video_total_views"] is None  # not a video
    assert len(by_id["30007"]["video_total_views"]) == 7
    rows = {r.day: r for r in server.world.ad_days_for(ACCOUNT) if r.ad.ad_id == "30007"}
    day = date(2025, 2, 3)
    i = (day - date(2025, 2, 1)).days
    assert by_id["30007"]["url_clicks"][i] == rows[day].clicks
    purchases = by_id["30007"]["conversion_purchases"]
    seen = server.world.seen_ad(rows[day])
    assert (purchases["metric"] or [0] * 7)[i] == seen.purchases
    assert (purchases["sale_amount"] or [0] * 7)[i] == seen.purchase_value_cents * 10_000
    late = _stats(server, ["30000"], date(2025, 3, 10)).json()  # nothing delivered: every metric null
    assert late["data"][0]["id_data"][0]["metrics"]["impressions"] is None


def test_account_and_currency(server: SandboxServer) -> None:
    account = _get(server, f"accounts/{ACCOUNT}").json()
    assert (account["data"]["name"], account["data"]["timezone"]) == ("Northwind Threads X Ads", "America/New_York")
    assert account["request"]["params"]["account_id"] == ACCOUNT
    [instrument] = _get(server, f"accounts/{ACCOUNT}/funding_instruments").json()["data"]
    assert instrument["currency"] == "USD"


def test_cursor_paging_covers_every_entity(server: SandboxServer) -> None:
    tweets, pages = _all(server, f"accounts/{ACCOUNT}/promoted_tweets", 5)
    expected = [ad.ad_id for c in server.world.campaigns if c.account_id == ACCOUNT for ad in c.ads]
    assert [t["id"] for t in tweets] == expected and pages == -(-len(expected) // 5)
    items, _ = _all(server, f"accounts/{ACCOUNT}/line_items", 2)
    campaigns, _ = _all(server, f"accounts/{ACCOUNT}/campaigns", 1)
    assert {i["campaign_id"] for i in items} == {c["id"] for c in campaigns}
    assert _get(server, f"accounts/{ACCOUNT}/campaigns", count=1001).json()["errors"][0]["code"] == "INVALID_PARAMETER"


def test_bad_signature_and_unknown_token_are_refused(server: SandboxServer) -> None:
    bad_secret = OAuth1(
        credentials.X_ADS_CONSUMER_KEY,
        "not-the-secret",
        credentials.X_ADS_ACCESS_TOKEN,
        credentials.X_ADS_ACCESS_TOKEN_SECRET,
    )
    unknown = OAuth1(credentials.X_ADS_CONSUMER_KEY, credentials.X_ADS_CONSUMER_SECRET, "1-other", "other")
    for auth in (bad_secret, unknown, None):
        response = _get(server, f"accounts/{ACCOUNT}", auth=auth)
        assert response.status_code == 401
        assert response.json() == {
            "errors": [{"code": "UNAUTHORIZED_ACCESS", "message": "This request is not properly authenticated"}],
            "request": {"params": {}},
        }
    prepared = requests.Request("GET", f"{server.url}/xads/12/accounts/{ACCOUNT}", auth=AUTH).prepare()
    with requests.Session() as session:
        assert session.send(prepared).status_code == 200
        assert session.send(prepared).status_code == 401  # a replayed nonce


def test_date_range_limits(server: SandboxServer) -> None:
    too_long = _stats(server, ["30000"], date(2025, 2, 1), days=8)
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["code"] == "INVALID_PARAMETER"
    assert "7 days" in too_long.json()["errors"][0]["message"]
    utc_midnight = _stats(server, ["30000"], date(2025, 2, 1), start_time="2025-02-01T00:00:00Z")
    assert utc_midnight.status_code == 400 and "midnight" in utc_midnight.json()["errors"][0]["message"]
    too_many = _stats(server, [str(i) for i in range(21)], date(2025, 2, 1))
    assert too_many.status_code == 400 and "entity_ids" in too_many.json()["errors"][0]["message"]


def test_faults_throttle_with_rate_limit_headers_then_500() -> None:
    faults = Faults(
        rate_limit_first_n={"xads_stats": 1}, server_errors_first_n={"xads_stats": 1}, retry_after_seconds=3
    )
    with SandboxServer(AS_OF, faults) as s:
        throttled = _stats(s, ["30000"], date(2025, 2, 1))
        assert throttled.status_code == 429 and throttled.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
        assert "retry-after" not in throttled.headers and throttled.headers["x-rate-limit-remaining"] == "0"
        assert 2 <= int(throttled.headers["x-rate-limit-reset"]) - datetime.now(UTC).timestamp() <= 4
        failed = _stats(s, ["30000"], date(2025, 2, 1))
        assert failed.status_code == 500 and failed.json()["errors"][0]["code"] == "INTERNAL_ERROR"
        assert _stats(s, ["30000"], date(2025, 2, 1)).status_code == 200


def test_faults_duplicate_page_and_new_field() -> None:
    with SandboxServer(AS_OF, Faults(duplicate_page=("xads",), extra_field=("xads",))) as s:
        tweets, _ = _all(s, f"accounts/{ACCOUNT}/promoted_tweets", 5)
        ids = [t["id"] for t in tweets]
        assert ids[5:10] == ids[:5] and len(set(ids)) == len(ids) - 5
        assert all(t[EXTRA_FIELD] == "added by the platform" for t in tweets)
        body = _stats(s, ["30000", "30007"], date(2025, 2, 1)).json()
        assert [e["id"] for e in body["data"]] == ["30000", "30000", "30007"]
        assert EXTRA_FIELD in body["data"][0]["id_data"][0]["metrics"]
