"""The LinkedIn Community Management API replica and the LinkedIn world model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import requests

from sandbox.credentials import LINKEDIN_ACCESS_TOKEN, LINKEDIN_VERSION
from sandbox.faults import Faults
from sandbox.linkedin_social import LI_ORGANIZATION_URN, LI_TOTALS, li_posts_before, li_posts_for_day, li_share_day
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 4, 15)
HEADERS = {
    "Authorization": f"Bearer {LINKEDIN_ACCESS_TOKEN}",
    "LinkedIn-Version": LINKEDIN_VERSION,
    "X-Restli-Protocol-Version": "2.0.0",
}
ORG = quote(LI_ORGANIZATION_URN, safe="")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(s: SandboxServer, path: str, headers: dict[str, str] = HEADERS) -> requests.Response:
    return requests.get(f"{s.url}/linkedin/rest/{path}", headers=headers)


def test_posts_page_with_start_count_and_total(server: SandboxServer) -> None:
    ids: list[str] = []
    start = 0
    while True:
        body: dict[str, Any] = _get(server, f"posts?q=author&author={ORG}&count=7&start={start}").json()
        ids.extend(e["id"] for e in body["elements"])
        start += 7
        if start >= body["paging"]["total"]:
            break
    assert ids == [p.urn for p in reversed(li_posts_before(server.world.cutoff))]


def test_daily_share_statistics_sum_post_growth_per_utc_day(server: SandboxServer) -> None:
    start = 1_738_368_000_000  # 2025-02-01T00:00Z
    end = start + 3 * 86_400_000
    intervals = f"(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)"
    body = _get(server, f"organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={ORG}"
                f"&timeIntervals={intervals}").json()  # fmt: skip
    assert [e["timeRange"]["start"] for e in body["elements"]] == [start, start + 86_400_000, start + 2 * 86_400_000]
    first = body["elements"][0]["totalShareStatistics"]
    assert first["impressionCount"] == li_share_day(date(2025, 2, 1))["impressionCount"]


def test_per_post_lifetime_statistics(server: SandboxServer) -> None:
    post = li_posts_before(server.world.cutoff)[0]
    shares = f"List({quote(post.urn, safe='')})"
    body = _get(server, f"organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={ORG}"
                f"&shares={shares}").json()  # fmt: skip
    [element] = body["elements"]
    assert element["share"] == post.urn
    assert element["totalShareStatistics"]["impressionCount"] == post.impressions  # old post: final values


def test_network_size_and_errors(server: SandboxServer) -> None:
    size = _get(server, f"networkSizes/{ORG}?edgeType=COMPANY_FOLLOWED_BY_MEMBER").json()["firstDegreeSize"]
    assert size == LI_TOTALS.total(AS_OF - timedelta(days=1))
    bad = _get(server, f"networkSizes/{ORG}?edgeType=COMPANY_FOLLOWED_BY_MEMBER", {**HEADERS, "Authorization": "x"})
    assert bad.status_code == 401 and bad.json()["serviceErrorCode"] == 65600
    old = _get(server, f"posts?q=author&author={ORG}", {**HEADERS, "LinkedIn-Version": "202201"})
    assert old.status_code == 426 and old.json()["code"] == "NONEXISTENT_VERSION"
    other = _get(server, f"posts?q=author&author={quote('urn:li:organization:1', safe='')}")
    assert other.status_code == 403 and other.json()["code"] == "ACCESS_DENIED"


def test_throttle_and_server_error() -> None:
    with SandboxServer(AS_OF, Faults(rate_limit_first_n={"li": 1}, server_errors_first_n={"li": 1})) as s:
        throttled = _get(s, f"posts?q=author&author={ORG}")
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
        assert _get(s, f"posts?q=author&author={ORG}").status_code == 500
        assert _get(s, f"posts?q=author&author={ORG}").status_code == 200


def test_days_do_not_depend_on_as_of() -> None:
    day = date(2025, 2, 12)
    assert li_posts_for_day(day) == li_posts_for_day.__wrapped__(day)
    early, late = Truth(date(2025, 3, 1)), Truth(date(2025, 5, 1))
    assert early.posts_published("linkedin", "2025-02") == late.posts_published("linkedin", "2025-02")
    assert early.followers_gained("linkedin", "2025-02") == late.followers_gained("linkedin", "2025-02")
    assert early.followers_total("linkedin", date(2025, 2, 28)) == late.followers_total("linkedin", date(2025, 2, 28))
    assert all(li_posts_for_day(date(2025, 3, d)) == () for d in (1, 2))  # weekend
