"""The X API v2 replica and the X world model: paging, time filters, errors, faults, as_of independence."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from sandbox.credentials import X_ACCESS_TOKEN
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.x_social import X_TOTALS, X_USER_ID, x_followers_gained, x_posts_before, x_posts_for_day

AS_OF = date(2025, 4, 15)
HEADERS = {"Authorization": f"Bearer {X_ACCESS_TOKEN}"}
FIELDS = "created_at,public_metrics"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _tweets(s: SandboxServer, headers: dict[str, str] = HEADERS, **params: Any) -> requests.Response:
    return requests.get(f"{s.url}/x/2/users/{X_USER_ID}/tweets", params=params, headers=headers)


def test_pages_cover_every_post_newest_first(server: SandboxServer) -> None:
    ids: list[str] = []
    params: dict[str, Any] = {"max_results": 7, "tweet.fields": FIELDS}
    while True:
        body = _tweets(server, **params).json()
        ids.extend(t["id"] for t in body.get("data", []))
        assert body["meta"]["result_count"] == len(body.get("data", []))
        if "next_token" not in body["meta"]:
            break
        params["pagination_token"] = body["meta"]["next_token"]
    expected = [p.id for p in reversed(x_posts_before(server.world.cutoff))]
    assert ids == expected and ids == sorted(ids, key=int, reverse=True)


def test_start_time_inclusive_end_time_exclusive(server: SandboxServer) -> None:
    posts = x_posts_before(server.world.cutoff)
    first, last = posts[10], posts[20]
    body = _tweets(
        server,
        max_results=100,
        **{"tweet.fields": FIELDS},
        start_time=first.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_time=last.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ).json()
    assert [t["id"] for t in body["data"]] == [p.id for p in reversed(posts[10:20])]
    assert set(body["data"][0]["public_metrics"]) == {
        "retweet_count",
        "reply_count",
        "like_count",
        "quote_count",
        "bookmark_count",
        "impression_count",
    }


def test_user_followers_are_the_total_at_the_end_of_the_previous_day(server: SandboxServer) -> None:
    body = requests.get(
        f"{server.url}/x/2/users/{X_USER_ID}", params={"user.fields": "public_metrics"}, headers=HEADERS
    ).json()
    assert body["data"]["public_metrics"]["followers_count"] == X_TOTALS.total(AS_OF - timedelta(days=1))
    assert (
        Truth(AS_OF).followers_total("x", AS_OF - timedelta(days=1))
        == body["data"]["public_metrics"]["followers_count"]
    )


def test_errors(server: SandboxServer) -> None:
    bad = _tweets(server, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json() == {
        "title": "Unauthorized",
        "type": "about:blank",
        "status": 401,
        "detail": "Unauthorized",
    }
    private = _tweets(server, **{"tweet.fields": "non_public_metrics"})
    assert private.status_code == 403 and private.json()["title"] == "Unsupported Authentication"
    assert _tweets(server, max_results=500).status_code == 400
    unknown = requests.get(f"{server.url}/x/2/users/42/tweets", headers=HEADERS)
    assert unknown.status_code == 200 and unknown.json()["errors"][0]["title"] == "Not Found Error"


def test_throttle_answers_429_with_rate_limit_reset() -> None:
    with SandboxServer(AS_OF, Faults(rate_limit_first_n={"x": 1}, server_errors_first_n={"x": 1})) as s:
        throttled = _tweets(s)
        assert throttled.status_code == 429 and "retry-after" not in throttled.headers
        assert int(throttled.headers["x-rate-limit-reset"]) >= int(time.time())
        assert _tweets(s).status_code == 503
        assert _tweets(s).status_code == 200


def test_days_do_not_depend_on_as_of() -> None:
    day = date(2025, 2, 10)
    assert x_posts_for_day(day) == x_posts_for_day.__wrapped__(day)
    assert x_followers_gained(day) == x_followers_gained.__wrapped__(day)
    early = Truth(date(2025, 3, 1))
    late = Truth(date(2025, 5, 1))
    assert early.posts_published("x", "2025-02") == late.posts_published("x", "2025-02")
    assert early.followers_gained("x", "2025-02") == late.followers_gained("x", "2025-02")
    assert late.organic_impressions("x", "2025-02") >= early.organic_impressions("x", "2025-02")  # metrics still grew
    for p in x_posts_for_day(day):
        assert p.created_at.tzinfo == UTC and p.created_at > datetime(2025, 2, 10, tzinfo=UTC)
