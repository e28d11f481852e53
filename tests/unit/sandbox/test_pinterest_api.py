"""The Pinterest API v5 replica and the Pinterest world model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from sandbox.credentials import PINTEREST_ACCESS_TOKEN, PINTEREST_ACCESS_TOKENS
from sandbox.faults import Faults
from sandbox.pinterest_social import PIN_ACCOUNTS, PIN_TOTALS, pin_day_final, pins_before, pins_for_day
from sandbox.server import SandboxServer
from sandbox.truth import Truth

AS_OF = date(2025, 4, 15)
HEADERS = {"Authorization": f"Bearer {PINTEREST_ACCESS_TOKEN}"}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _get(s: SandboxServer, path: str, headers: dict[str, str] = HEADERS, **params: Any) -> requests.Response:
    return requests.get(f"{s.url}/pinterest/v5/{path}", params=params, headers=headers)


def test_pins_page_with_bookmark_newest_first(server: SandboxServer) -> None:
    ids: list[str] = []
    params: dict[str, Any] = {"page_size": 33}
    while True:
        body = _get(server, "pins", **params).json()
        ids.extend(p["id"] for p in body["items"])
        if not body["bookmark"]:
            break
        params["bookmark"] = body["bookmark"]
    assert ids == [p.id for p in reversed(pins_before(server.world.cutoff))]


def test_analytics_daily_statuses_and_90_day_limit(server: SandboxServer) -> None:
    body = _get(
        server, "user_account/analytics", start_date="2025-04-12", end_date="2025-04-15", metric_types="IMPRESSION,SAVE"
    ).json()
    daily = body["all"]["daily_metrics"]
    assert [d["data_status"] for d in daily] == ["READY", "READY", "ESTIMATE", "PROCESSING"]
    assert daily[0]["metrics"] == {k: pin_day_final(date(2025, 4, 12))[k] for k in ("IMPRESSION", "SAVE")}
    assert daily[2]["metrics"]["IMPRESSION"] == pin_day_final(date(2025, 4, 14))["IMPRESSION"] * 9 // 10
    too_old = _get(server, "user_account/analytics", start_date="2025-01-01", end_date="2025-01-10",
                   metric_types="IMPRESSION")  # fmt: skip
    assert too_old.status_code == 400 and too_old.json()["code"] == 1


def test_user_account_and_errors(server: SandboxServer) -> None:
    body = _get(server, "user_account").json()
    assert body["follower_count"] == PIN_TOTALS.total(AS_OF - timedelta(days=1))
    bad = _get(server, "user_account", {"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json() == {"code": 2, "message": "Authentication failed."}
    assert _get(server, "pins", page_size=500).status_code == 400


def test_throttle_and_server_error() -> None:
    with SandboxServer(AS_OF, Faults(rate_limit_first_n={"pin": 1}, server_errors_first_n={"pin": 1})) as s:
        throttled = _get(s, "user_account")
        assert throttled.status_code == 429 and throttled.json()["code"] == 8 and "Retry-After" in throttled.headers
        assert _get(s, "user_account").status_code == 500
        assert _get(s, "user_account").status_code == 200


def test_days_do_not_depend_on_as_of() -> None:
    day = date(2025, 2, 12)
    assert pins_for_day(day) == pins_for_day.__wrapped__(day)
    early, late = Truth(date(2025, 3, 1)), Truth(date(2025, 5, 1))
    assert early.posts_published("pinterest", "2025-02") == late.posts_published("pinterest", "2025-02")
    assert early.organic_impressions("pinterest", "2025-02") < late.organic_impressions(
        "pinterest", "2025-02"
    )  # Feb 28 still ESTIMATE
    assert Truth(date(2025, 3, 3)).organic_impressions("pinterest", "2025-02") == late.organic_impressions(
        "pinterest", "2025-02"
    )
    assert early.followers_gained("pinterest", "2025-02") == late.followers_gained("pinterest", "2025-02")


def test_each_token_answers_for_its_own_account(server: SandboxServer) -> None:
    kids = PIN_ACCOUNTS[1]
    headers = {"Authorization": f"Bearer {PINTEREST_ACCESS_TOKENS[kids.username]}"}
    body = _get(server, "user_account", headers).json()
    assert (body["id"], body["username"]) == (kids.user_id, kids.username)
    assert body["follower_count"] == PIN_TOTALS.total(AS_OF - timedelta(days=1), kids.index)
    items = _get(server, "pins", headers, page_size=250)
    kid_pins = list(reversed(pins_before(server.world.cutoff, kids.index)))
    assert [p["id"] for p in items.json()["items"]] == [p.id for p in kid_pins[:250]]
    main_ids = {p.id for p in pins_before(server.world.cutoff)}
    assert kid_pins and not main_ids & {p.id for p in kid_pins}
    day = _get(server, "user_account/analytics", headers, start_date="2025-04-12", end_date="2025-04-12",
               metric_types="IMPRESSION").json()  # fmt: skip
    assert (
        day["all"]["daily_metrics"][0]["metrics"]["IMPRESSION"]
        == pin_day_final(date(2025, 4, 12), kids.index)["IMPRESSION"]
    )
