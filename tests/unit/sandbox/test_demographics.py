"""The age x gender breakdowns of the sandbox: every ad day's cells sum exactly to the ad day as reported at any run
date, the Graph replica serves them for `breakdowns=age,gender` and the TikTok replica for AUDIENCE reports, and the
truth sums them per platform x day x age x gender."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from sandbox import demographics
from sandbox.ads import seen
from sandbox.credentials import META_ACCESS_TOKEN, TIKTOK_ACCESS_TOKEN
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sandbox.world import build_world

AS_OF = date(2025, 4, 15)
SINCE, UNTIL = date(2025, 3, 1), date(2025, 3, 30)
TIME_RANGE = json.dumps({"since": SINCE.isoformat(), "until": UNTIL.isoformat()})


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as s:
        yield s


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10, [1, 1, 1], [4, 3, 3]),  # ties go to the first
        (7, [0, 5, 2], [0, 5, 2]),
        (1, [3, 3, 4], [0, 0, 1]),
        (0, [0, 0], [0, 0]),
        (101, [1, 2, 3, 4], [10, 20, 30, 41]),
    ],
)
def test_apportion_is_exact_and_follows_the_weights(total: int, weights: list[int], parts: list[int]) -> None:
    assert demographics.apportion(total, weights) == parts


def test_apportion_refuses_a_total_over_zero_weights() -> None:
    with pytest.raises(ValueError, match="cannot apportion 3"):
        demographics.apportion(3, [0, 0])


@pytest.mark.parametrize("days_after", [1, 2, 5, 30])
def test_cells_sum_exactly_to_the_ad_day_as_restated(days_after: int) -> None:
    """At every run date (restated spend and purchases included) each Meta and TikTok ad day's cells add up to it."""
    world = build_world(AS_OF)
    rows = [r for r in world.ad_days if r.campaign.platform in demographics.PLATFORMS]
    assert {r.campaign.platform for r in rows} == {"meta", "tiktok"}
    for row in rows:
        as_of = row.day + timedelta(days=days_after)
        cells = demographics.breakdown(row, as_of)
        reported = seen(row, as_of)
        totals = [sum(getattr(c, name) for c in cells) for name in ("spend_cents", "purchases", "purchase_value_cents")]
        assert totals == [reported.spend_cents, reported.purchases, reported.purchase_value_cents], row
        counts = [sum(getattr(c, name) for c in cells) for name in ("impressions", "clicks", "reach", "video_views")]
        assert counts == [row.impressions, row.clicks, row.reach, row.video_views], row
        assert all(c.impressions > 0 and c.clicks <= c.impressions and c.purchases <= c.clicks for c in cells)
        assert len({(c.age, c.gender) for c in cells}) == len(cells)
        assert {c.age for c in cells} <= set(demographics.ages(row.campaign.platform))


def test_the_split_depends_on_the_segment_and_never_on_the_run_date() -> None:
    world = build_world(AS_OF)
    row = next(r for r in world.ad_days if r.campaign.platform == "meta" and r.day == date(2025, 3, 3))
    later = demographics.breakdown(row, AS_OF + timedelta(days=60))
    assert [(c.age, c.gender, c.impressions, c.clicks) for c in demographics.breakdown(row, AS_OF)] == [
        (c.age, c.gender, c.impressions, c.clicks) for c in later
    ]
    impressions: dict[str, Counter[str]] = defaultdict(Counter)
    for r in world.ad_days:
        if r.campaign.platform == "meta":
            for c in demographics.breakdown(r, AS_OF):
                impressions[r.campaign.segment][c.age] += c.impressions
    top = {segment: ages.most_common(1)[0][0] for segment, ages in impressions.items()}
    assert top == {"genz": "18-24", "millennial": "25-34", "parents": "35-44"}


def _meta_insights(s: SandboxServer, account: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of an insights request."""
    query = {"access_token": META_ACCESS_TOKEN, "level": "ad", "time_increment": "1", "time_range": TIME_RANGE}
    url, rows = f"{s.url}/graph/v23.0/act_{account}/insights", []
    response = requests.get(url, params={**query, **params}, timeout=30).json()
    while True:
        rows.extend(response["data"])
        if "next" not in response.get("paging", {}):
            return rows
        response = requests.get(response["paging"]["next"], timeout=30).json()


def test_meta_breakdown_rows_add_up_to_the_insights_rows(server: SandboxServer) -> None:
    fields = "account_id,ad_id,spend,impressions,clicks,actions,action_values"
    plain = _meta_insights(server, "1002", fields=fields, limit="500")
    split = _meta_insights(server, "1002", fields=fields, limit="97", breakdowns="age,gender")
    assert len(split) > 5 * len(plain) > 0
    assert set(split[0]) == {"date_start", "date_stop", *fields.split(","), "age", "gender"}
    assert len({(r["ad_id"], r["date_start"], r["age"], r["gender"]) for r in split}) == len(split)
    assert {r["gender"] for r in split} == {"female", "male", "unknown"} and "Unknown" in {r["age"] for r in split}

    def totals(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Decimal, int, int, Decimal]]:
        out: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), 0, 0, Decimal(0)])
        for r in rows:
            cell = out[(r["ad_id"], r["date_start"])]
            cell[0] += Decimal(r["spend"])
            cell[1] += int(r["impressions"])
            cell[2] += int(r["clicks"])
            cell[3] += sum(Decimal(a["value"]) for a in r.get("action_values", []) if a["action_type"] == "purchase")
        return {key: tuple(value) for key, value in out.items()}

    assert totals(split) == totals(plain)
    as_json = _meta_insights(server, "1002", fields=fields, limit="5000", breakdowns='["gender","age"]')
    assert as_json == split


@pytest.mark.parametrize("breakdowns", ["age", "age,gender,country", "publisher_platform", '{"age": 1}'])
def test_meta_other_breakdowns_are_refused_with_code_100(server: SandboxServer, breakdowns: str) -> None:
    query = {"access_token": META_ACCESS_TOKEN, "level": "ad", "time_range": TIME_RANGE, "breakdowns": breakdowns}
    response = requests.get(f"{server.url}/graph/v23.0/act_1001/insights", params=query, timeout=30)
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == 100 and "breakdowns" in error["message"]


def test_meta_negative_spend_fault_is_split_too() -> None:
    day = date(2025, 3, 10)
    with SandboxServer(AS_OF, Faults(negative_spend_day=day)) as faulty:
        rows = _meta_insights(
            faulty,
            "1001",
            fields="ad_id,spend",
            breakdowns="age,gender",
            time_range=json.dumps({"since": "2025-03-10", "until": "2025-03-10"}),
        )
    first_ad = rows[0]["ad_id"]
    assert all(Decimal(r["spend"]) <= 0 for r in rows if r["ad_id"] == first_ad)
    assert sum(Decimal(r["spend"]) for r in rows if r["ad_id"] == first_ad) < 0
    assert all(Decimal(r["spend"]) >= 0 for r in rows if r["ad_id"] != first_ad)


def _tiktok_report(s: SandboxServer, **params: Any) -> dict[str, Any]:
    query = {
        "advertiser_id": "7001",
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_AD",
        "dimensions": json.dumps(["ad_id", "stat_time_day", "age", "gender"]),
        "metrics": json.dumps(["spend", "impressions", "clicks", "complete_payment", "total_complete_payment_rate"]),
        "start_date": SINCE.isoformat(),
        "end_date": UNTIL.isoformat(),
        "page_size": "1000",
        **params,
    }
    url = f"{s.url}/tiktok/open_api/v1.3/report/integrated/get/"
    return requests.get(url, params=query, headers={"Access-Token": TIKTOK_ACCESS_TOKEN}, timeout=30).json()


def _tiktok_rows(s: SandboxServer, **params: Any) -> list[dict[str, Any]]:
    """Every page of a report."""
    first = _tiktok_report(s, **params)
    assert first["code"] == 0, first
    pages = range(2, first["data"]["page_info"]["total_page"] + 1)
    rows = [
        *first["data"]["list"],
        *(r for p in pages for r in _tiktok_report(s, page=str(p), **params)["data"]["list"]),
    ]
    assert len(rows) == first["data"]["page_info"]["total_number"]
    return rows


def test_tiktok_audience_rows_add_up_to_the_basic_rows(server: SandboxServer) -> None:
    rows = _tiktok_rows(server)
    basic = _tiktok_rows(server, report_type="BASIC", dimensions=json.dumps(["ad_id", "stat_time_day"]))
    assert len(rows) > 5 * len(basic) > 0
    assert {r["dimensions"]["gender"] for r in rows} == {"FEMALE", "MALE", "NONE"}
    assert {r["dimensions"]["age"] for r in rows} <= {"AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"}

    def totals(report_rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Decimal, ...]]:
        out: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 5)
        for r in report_rows:
            key = (r["dimensions"]["ad_id"], r["dimensions"]["stat_time_day"])
            out[key] = [a + Decimal(r["metrics"][m]) for a, m in zip(out[key], json.loads(_METRICS), strict=True)]
        return {key: tuple(value) for key, value in out.items()}

    assert totals(rows) == totals(basic)
    paged = [r for page in (1, 2, 3) for r in _tiktok_report(server, page_size="50", page=str(page))["data"]["list"]]
    assert paged == rows[:150]


_METRICS = json.dumps(["spend", "impressions", "clicks", "complete_payment", "total_complete_payment_rate"])


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"metrics": json.dumps(["spend", "reach"])}, "'reach' is not supported in AUDIENCE reports"),
        ({"metrics": json.dumps(["video_play_actions"])}, "not supported in AUDIENCE"),
        ({"dimensions": json.dumps(["ad_id", "stat_time_day"])}, "dimensions"),
        ({"dimensions": json.dumps(["ad_id", "stat_time_day", "country_code"])}, "dimensions"),
        ({"report_type": "PLAYABLE_MATERIAL"}, "report_type"),
    ],
)
def test_tiktok_audience_parameters_are_checked(server: SandboxServer, params: dict[str, str], needle: str) -> None:
    body = _tiktok_report(server, **params)
    assert body["code"] == 40002 and needle in body["message"]


def test_truth_sums_the_cells_per_platform_day_age_and_gender() -> None:
    truth = Truth(AS_OF, known_platforms=("meta", "tiktok", "google"))
    cells = truth.ad_demographics_by_day()
    assert {platform for platform, *_ in cells} == {"meta", "tiktok"}
    assert {gender for *_, gender in cells} == {"female", "male", "unknown"}
    assert "unknown" in {age for p, _, age, _ in cells if p == "meta"} and "55+" in {age for p, _, age, _ in cells}
    by_day: dict[tuple[str, date], list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for (platform, day, _, _), cell in cells.items():
        total = by_day[(platform, day)]
        total[0] += cell.impressions
        total[1] += cell.clicks
        total[2] += cell.spend_local
    ads = truth.ad_totals_by_day()
    assert {key: (i, c) for key, (i, c, _) in by_day.items()} == {
        key: (t.impressions, t.clicks) for key, t in ads.items() if key[0] in ("meta", "tiktok")
    }
    # In the account currencies spend adds up exactly; TikTok's account is in USD, so there in the reporting one too.
    local = {month: Decimal(0) for month in ("2025-02", "2025-03")}
    for (platform, day), (_, _, spend) in by_day.items():
        if platform == "meta" and day.strftime("%Y-%m") in local:
            local[day.strftime("%Y-%m")] += spend
    assert local == {m: truth.spend_local("1001", m) + truth.spend_local("1002", m) for m in local}
    assert {k: v[2] for k, v in by_day.items() if k[0] == "tiktok"} == {
        k: t.spend for k, t in ads.items() if k[0] == "tiktok"
    }
