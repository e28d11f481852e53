"""The TikTok API for Business replica: envelope, auth codes, report paging, limits and faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests

from sandbox.credentials import TIKTOK_ACCESS_TOKEN
from sandbox.faults import Faults
from sandbox.server import SandboxServer

AS_OF = date(2025, 4, 15)
HEADERS = {"Access-Token": TIKTOK_ACCESS_TOKEN}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


def _report(s: SandboxServer, headers: dict[str, str] = HEADERS, **extra: Any) -> requests.Response:
    params = {
        "advertiser_id": "7001",
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": json.dumps(["ad_id", "stat_time_day"]),
        "metrics": json.dumps(["spend", "campaign_name", "complete_payment"]),
        "start_date": "2025-03-01",
        "end_date": "2025-03-30",
        "page_size": "50",
        **extra,
    }
    return requests.get(f"{s.url}/tiktok/open_api/v1.3/report/integrated/get/", params=params, headers=headers)


def test_report_pages_cover_every_row_with_string_metrics(server: SandboxServer) -> None:
    first = _report(server).json()
    assert first["code"] == 0 and first["message"] == "OK" and first["request_id"]
    info = first["data"]["page_info"]
    rows = [
        r for page in range(1, info["total_page"] + 1) for r in _report(server, page=str(page)).json()["data"]["list"]
    ]
    expected = [r for r in server.world.ad_days_for("7001") if date(2025, 3, 1) <= r.day <= date(2025, 3, 30)]
    assert len(rows) == info["total_number"] == len(expected)
    assert rows[0]["dimensions"]["stat_time_day"].endswith(" 00:00:00")
    assert isinstance(rows[0]["metrics"]["spend"], str)
    total = sum(server.world.seen_ad(r).spend_cents for r in expected)
    assert sum(round(float(r["metrics"]["spend"]) * 100) for r in rows) == total


def test_errors_are_http_200_with_a_code(server: SandboxServer) -> None:
    bad_token = _report(server, headers={"Access-Token": "nope"})
    assert bad_token.status_code == 200 and bad_token.json()["code"] == 40105
    assert _report(server, headers={}).json()["code"] == 40104
    too_long = _report(server, end_date="2025-03-31")
    assert too_long.json()["code"] == 40002 and "30 days" in too_long.json()["message"]
    assert _report(server, metrics=json.dumps(["nope"])).json()["code"] == 40002


def test_advertiser_info(server: SandboxServer) -> None:
    body = requests.get(
        f"{server.url}/tiktok/open_api/v1.3/advertiser/info/",
        params={"advertiser_ids": json.dumps(["7001"])},
        headers=HEADERS,
    ).json()
    [advertiser] = body["data"]["list"]
    assert (advertiser["currency"], advertiser["timezone"]) == ("USD", "America/New_York")


def test_faults_throttle_with_code_40100_or_http_429_then_500() -> None:
    with SandboxServer(
        AS_OF, Faults(rate_limit_first_n={"tiktok_report": 1}, server_errors_first_n={"tiktok_report": 1})
    ) as s:
        throttled = _report(s)
        assert throttled.status_code == 200 and throttled.json()["code"] == 40100
        failed = _report(s)
        assert failed.status_code == 500 and failed.json()["code"] == 50000
        assert _report(s).json()["code"] == 0
    faults = Faults(rate_limit_first_n={"tiktok": 1}, tiktok_throttle_as_429=True, retry_after_seconds=0.5)
    with SandboxServer(AS_OF, faults) as s:
        throttled = _report(s)
        assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "0.5"
