"""Fault injection: throttling with Retry-After, 5xx bursts, negative spend, duplicated orders, duplicate pages and
fields the connectors have never seen."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests

from sandbox.constants import YT_UPLOADS_PLAYLIST_ID
from sandbox.credentials import (
    GA4_ACCESS_TOKEN,
    GOOGLE_ADS_ACCESS_TOKEN,
    GOOGLE_ADS_CUSTOMER_IDS,
    GOOGLE_ADS_DEVELOPER_TOKEN,
    LINKEDIN_ACCESS_TOKEN,
    LINKEDIN_VERSION,
    META_ACCESS_TOKEN,
    TIKTOK_ACCESS_TOKEN,
    X_ACCESS_TOKEN,
    YOUTUBE_ACCESS_TOKEN,
    shopify_token,
)
from sandbox.credentials import PINTEREST_ACCESS_TOKEN as PIN_TOKEN
from sandbox.faults import EXTRA_FIELD, Faults, FaultState
from sandbox.ga4 import GA4_PROPERTY_ID
from sandbox.google_ads_api import BATCH_SIZE as GOOGLE_BATCH_SIZE
from sandbox.linkedin_social import LI_ORGANIZATION_URN
from sandbox.server import SandboxServer
from sandbox.shopify_api import THROTTLED
from sandbox.truth import Truth
from sandbox.world import build_world
from sandbox.x_social import X_USER_ID

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


# ---- duplicate_page and extra_field ------------------------------------------------------------------------------

DRIFTING = ("meta", "shopify", "tiktok", "ga4", "google", "youtube", "x", "li", "pin")


def test_paged_repeats_the_first_page_and_drifted_adds_the_field() -> None:
    state = FaultState(Faults(duplicate_page=("x_tweets",), extra_field=("li",)))
    assert state.paged("x_tweets", [1, 2, 3, 4, 5], 2) == [1, 2, 1, 2, 3, 4, 5]
    assert state.paged("x_tweets", [1], 2) == [1, 1]  # a single page is served twice too
    assert state.paged("x_tweets", [], 2) == []
    assert state.paged("x_user", [1, 2, 3], 2) == [1, 2, 3]  # another family of the group is not listed
    record = {"id": "urn:li:share:1"}
    assert state.drifted("li_posts", record) == {"id": "urn:li:share:1", EXTRA_FIELD: "added by the platform"}
    assert record == {"id": "urn:li:share:1"}  # the served copy is new
    assert state.drifted("x_tweets", record) is record
    parsed = Faults.from_json('{"duplicate_page": ["pin"], "extra_field": ["ga4_report"]}')
    assert (parsed.duplicate_page, parsed.extra_field) == (("pin",), ("ga4_report",))


def test_missing_optional_leaves_out_the_documented_optional_fields_whatever_their_value() -> None:
    state = FaultState(Faults(missing_optional=("tiktok", "ga4", "ig")))
    row = {"dimensions": {"ad_id": "7"}, "metrics": {"spend": "1.50", "reach": "12", "video_play_actions": "3"}}
    assert state.drifted("tiktok_report", row) == {"dimensions": {"ad_id": "7"}, "metrics": {"spend": "1.50"}}
    assert row["metrics"]["reach"] == "12"  # the served copy is new
    media = {"id": "1", "caption": "New in", "permalink": "https://www.instagram.com/p/1/", "like_count": 0}
    assert state.drifted("ig_media", media) == {"id": "1"}  # and like_count at its empty value
    body = {"rowCount": 1, "metadata": {"currencyCode": "USD", "timeZone": "America/New_York"}}
    assert state.without_optional("ga4_report", body) == {"rowCount": 1, "metadata": {}}
    assert state.omitted == 3
    assert FaultState(Faults()).without_optional("ga4_report", body) is body  # without the fault, as served
    assert state.drifted("tiktok_advertiser", {"name": "x"}) == {"name": "x"}  # nothing listed for the family


def test_date_format_serves_every_date_and_time_in_another_format() -> None:
    state = FaultState(Faults(date_format=("meta", "ga4", "tiktok", "li", "stripe")))
    insight = {"date_start": "2025-01-05", "spend": "1.50", "ad_id": "20250105", "name": "sale 2025-01-05"}
    assert state.drifted("meta_insights", insight) == {**insight, "date_start": "01/05/2025"}
    series = {"values": [{"value": 3, "end_time": "2025-01-02T08:00:00+0000"}]}
    assert state.drifted("meta_insights", series) == {"values": [{"value": 3, "end_time": 1735804800}]}
    row = {"dimensionValues": [{"value": "20250105"}, {"value": "google"}], "metricValues": [{"value": "20250105"}]}
    assert state.drifted("ga4_report", row) == {
        **row,
        "dimensionValues": [{"value": "2025-01-05"}, {"value": "google"}],
    }
    report = {"dimensions": {"ad_id": "1", "stat_time_day": "2025-01-28 00:00:00"}, "metrics": {"spend": "2"}}
    assert state.drifted("tiktok_report", report)["dimensions"]["stat_time_day"] == "01/28/2025 00:00:00"
    element = {"dateRange": {"start": {"year": 2025, "month": 1, "day": 5}}, "timeRange": {"start": 1736035200000}}
    assert state.drifted("li_sharestats", element) == {
        "dateRange": {"start": "2025-01-05"}, "timeRange": {"start": "2025-01-05T00:00:00.000Z"}
    }  # fmt: skip
    charge = {"id": "ch_1", "created": 1736035200, "amount": 1736035200}  # not a time: an amount
    assert state.drifted("stripe_charges", charge) == {**charge, "created": "2025-01-05T00:00:00Z"}
    assert state.redated == 6
    assert state.drifted("x_tweets", insight) is insight  # a family without the fault is served as is


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[SandboxServer, SandboxServer]]:
    """A clean sandbox and one whose listings repeat their first page and whose records carry EXTRA_FIELD."""
    with (
        SandboxServer(AS_OF) as clean,
        SandboxServer(AS_OF, Faults(duplicate_page=DRIFTING, extra_field=DRIFTING)) as faulty,
    ):
        yield clean, faulty


def _body(s: SandboxServer, target: str, headers: dict[str, str], payload: dict[str, Any] | None = None) -> Any:
    response = s.dispatch(
        "POST" if payload else "GET", target, headers, json.dumps(payload).encode() if payload else b""
    )
    assert response.status == 200, response.body
    return response


def _local(url: str) -> str:
    """A served absolute link as a target for dispatch."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _graph_cursor(s: SandboxServer) -> list[dict[str, Any]]:
    query = {"access_token": META_ACCESS_TOKEN, "level": "ad", "fields": "ad_id,spend", "limit": "40", "time_range": TR}
    target: str | None = f"/graph/v23.0/act_1001/insights?{urlencode(query)}"
    records = []
    while target:
        body = _body(s, target, {}).body
        records += body["data"]
        target = _local(body["paging"]["next"]) if "next" in body.get("paging", {}) else None
    return records


def _shopify_link(s: SandboxServer) -> list[dict[str, Any]]:
    head = {"x-shopify-access-token": shopify_token("northwind-us")}
    target: str | None = "/shopify/northwind-us/admin/api/2024-10/orders.json?status=any&limit=40&fields=id,name"
    records = []
    while target:
        response = _body(s, target, head)
        records += response.body["orders"]
        links = requests.utils.parse_header_links(response.headers.get("Link", ""))
        target = next((_local(link["url"]) for link in links if link.get("rel") == "next"), None)
    return records


def _tiktok_pages(s: SandboxServer) -> list[dict[str, Any]]:
    query = {
        "advertiser_id": "7001",
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": json.dumps(["ad_id", "stat_time_day"]),
        "metrics": json.dumps(["spend"]),
        "start_date": "2025-03-01",
        "end_date": "2025-03-30",
        "page_size": "40",
    }
    records, page, total_page = [], 1, 1
    while page <= total_page:
        target = f"/tiktok/open_api/v1.3/report/integrated/get/?{urlencode({**query, 'page': page})}"
        data = _body(s, target, {"access-token": TIKTOK_ACCESS_TOKEN}).body["data"]
        records += data["list"]
        page, total_page = page + 1, data["page_info"]["total_page"]
    return records


def _ga4_offset(s: SandboxServer) -> list[dict[str, Any]]:
    request: dict[str, Any] = {
        "dateRanges": [{"startDate": "2025-03-01", "endDate": "2025-03-31"}],
        "dimensions": [{"name": "date"}, {"name": "sessionSource"}],
        "metrics": [{"name": "sessions"}],
        "limit": 40,
    }
    records: list[dict[str, Any]] = []
    while True:
        target = f"/ga4/v1beta/properties/{GA4_PROPERTY_ID}:runReport"
        body = _body(s, target, {"authorization": f"Bearer {GA4_ACCESS_TOKEN}"}, {**request, "offset": len(records)})
        records += body.body["rows"]
        if len(records) >= body.body["rowCount"]:
            return records


def _google_stream(s: SandboxServer) -> list[dict[str, Any]]:
    query = (
        "SELECT segments.date, ad_group_ad.ad.id, metrics.cost_micros FROM ad_group_ad "
        "WHERE segments.date BETWEEN '2025-03-01' AND '2025-03-31'"
    )
    head = {"authorization": f"Bearer {GOOGLE_ADS_ACCESS_TOKEN}", "developer-token": GOOGLE_ADS_DEVELOPER_TOKEN}
    target = f"/googleads/v26/customers/{GOOGLE_ADS_CUSTOMER_IDS[0]}/googleAds:searchStream"
    return [row for batch in _body(s, target, head, {"query": query}).body for row in batch["results"]]


def _youtube_token(s: SandboxServer) -> list[dict[str, Any]]:
    base = f"/youtube/v3/playlistItems?part=contentDetails&playlistId={YT_UPLOADS_PLAYLIST_ID}&maxResults=4"
    records: list[dict[str, Any]] = []
    token = ""
    while True:
        body = _body(s, base + token, {"authorization": f"Bearer {YOUTUBE_ACCESS_TOKEN}"}).body
        records += body["items"]
        if "nextPageToken" not in body:
            return records
        token = f"&pageToken={body['nextPageToken']}"


def _x_next_token(s: SandboxServer) -> list[dict[str, Any]]:
    base = f"/x/2/users/{X_USER_ID}/tweets?max_results=10"
    records: list[dict[str, Any]] = []
    token = ""
    while True:
        body = _body(s, base + token, {"authorization": f"Bearer {X_ACCESS_TOKEN}"}).body
        records += body.get("data", [])
        if "next_token" not in body["meta"]:
            return records
        token = f"&pagination_token={body['meta']['next_token']}"


def _linkedin_start(s: SandboxServer) -> list[dict[str, Any]]:
    head = {
        "authorization": f"Bearer {LINKEDIN_ACCESS_TOKEN}",
        "linkedin-version": LINKEDIN_VERSION,
        "x-restli-protocol-version": "2.0.0",
    }
    author = quote(LI_ORGANIZATION_URN, safe="")
    records: list[dict[str, Any]] = []
    while True:
        body = _body(s, f"/linkedin/rest/posts?q=author&author={author}&count=7&start={len(records)}", head).body
        records += body["elements"]
        if len(records) >= body["paging"]["total"]:
            return records


def _pinterest_bookmark(s: SandboxServer) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    bookmark = ""
    while True:
        body = _body(s, f"/pinterest/v5/pins?page_size=10{bookmark}", {"authorization": f"Bearer {PIN_TOKEN}"}).body
        records += body["items"]
        if body["bookmark"] is None:
            return records
        bookmark = f"&bookmark={body['bookmark']}"


@pytest.mark.parametrize(
    ("walk", "page_size"),
    [
        (_graph_cursor, 40),
        (_shopify_link, 40),
        (_tiktok_pages, 40),
        (_ga4_offset, 40),
        (_google_stream, GOOGLE_BATCH_SIZE),
        (_youtube_token, 4),
        (_x_next_token, 10),
        (_linkedin_start, 7),
        (_pinterest_bookmark, 10),
    ],
    ids=[
        "graph_cursor",
        "shopify_link",
        "tiktok_page",
        "ga4_offset",
        "google_stream",
        "youtube_token",
        "x_next_token",
        "linkedin_start",
        "pinterest_bookmark",
    ],
)
def test_duplicate_page_and_extra_field_are_served_by_every_api_style(
    walk: Callable[[SandboxServer], list[dict[str, Any]]],
    page_size: int,
    servers: tuple[SandboxServer, SandboxServer],
) -> None:
    """Following the served paging to the end gives page 1 twice, then every later record once, each drifted."""
    clean, faulty = servers
    expected = walk(clean)
    served = walk(faulty)
    assert len(expected) > 1 and all(EXTRA_FIELD not in record for record in expected)
    assert all(record[EXTRA_FIELD] == "added by the platform" for record in served)
    without = [{k: v for k, v in record.items() if k != EXTRA_FIELD} for record in served]
    assert without == expected[:page_size] + expected
