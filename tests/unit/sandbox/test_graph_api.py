"""Meta Graph replica: auth, errors, parameter validation, paging, Instagram and Facebook endpoints."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

AS_OF = date(2026, 11, 22)
IG = "17841400000000001"
PAGE = "100000000000001"
TR = json.dumps({"since": "2026-10-01", "until": "2026-10-31"})


def _unix(d: date) -> str:
    return str(int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()))


def _error(resp: requests.Response) -> dict:
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["fbtrace_id"] and err["type"]
    return err


def test_auth_errors(graph_get) -> None:
    err = _error(graph_get("act_1001", token="nope", fields="name"))
    assert (err["type"], err["code"]) == ("OAuthException", 190)
    assert _error(graph_get("act_1001", token=None, fields="name"))["code"] == 104
    assert _error(graph_get(f"{IG}/media", token="sandbox-meta-token-x"))["code"] == 190


def test_bearer_header_is_accepted(server, http) -> None:
    resp = http.get(
        f"{server.url}/graph/v23.0/{PAGE}",
        params={"fields": "name"},
        headers={"Authorization": "Bearer sandbox-meta-token"},
        timeout=10,
    )
    assert resp.json() == {"name": "Northwind Threads", "id": PAGE}


def test_nodes(graph_get, server) -> None:
    acct = graph_get("act_1002", fields="account_id,name,currency,timezone_name").json()
    assert acct == {
        "account_id": "1002",
        "name": "Northwind Threads EU",
        "currency": "EUR",
        "timezone_name": "Europe/Berlin",
        "id": "act_1002",
    }
    user = graph_get(IG, fields="id,username,followers_count,media_count").json()
    assert user == {
        "id": IG,
        "username": "northwindthreads",
        "followers_count": server.world.ig_followers_count(),
        "media_count": len(server.world.ig_media),
    }
    page = graph_get(PAGE, fields="id,name,followers_count").json()
    assert page["followers_count"] == server.world.fb_days[-1].page_follows


def test_unknown_objects_edges_fields_and_versions(graph_get, server, http) -> None:
    err = _error(graph_get("act_7001", fields="name"))  # TikTok advertiser is not a Meta ad account
    assert (err["code"], err["error_subcode"]) == (100, 33)
    assert _error(graph_get("act_1001/campaigns"))["code"] == 100
    assert "nonexisting field (colour)" in _error(graph_get(IG, fields="id,colour"))["message"]
    assert _error(graph_get(f"{PAGE}/published_posts", fields="id,insights.metric(post_engaged_users)"))["code"] == 100
    resp = http.get(f"{server.url}/graph/v19.0/act_1001", params={"access_token": "sandbox-meta-token"}, timeout=10)
    assert resp.status_code == 400
    assert http.get(f"{server.url}/nothing", timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"level": "campaign"}, "level"),
        ({"time_increment": "7"}, "time_increment"),
        ({"time_range": "{not json"}, "time_range"),
        ({"time_range": json.dumps({"since": "2026-10-31", "until": "2026-10-01"})}, "since"),
        ({"time_range": json.dumps({"since": "2026-13-01", "until": "2026-10-01"})}, "time_range"),
        ({"fields": "spend,cpp_magic"}, "cpp_magic is not valid for fields param"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"after": "!!!"}, "cursor"),
    ],
)
def test_insights_parameter_validation(graph_get, params: dict, needle: str) -> None:
    base = {"level": "ad", "time_increment": "1", "time_range": TR, "fields": "ad_id,spend", "limit": "500"}
    err = _error(graph_get("act_1001/insights", **{**base, **params}))
    assert err["code"] == 100 and needle in err["message"]


def test_insights_rows_and_cursor_paging(graph_get, insights_loader, server) -> None:
    big = insights_loader(graph_get, "1002", date(2026, 10, 1), date(2026, 10, 31), limit=500)
    small = insights_loader(graph_get, "1002", date(2026, 10, 1), date(2026, 10, 31), limit=37)
    assert big == small and len(big) > 100
    keys = [(r["date_start"], r["ad_id"]) for r in big]
    assert (
        len(set(keys))
        == len(keys)
        == len([r for r in server.world.ad_days_for("1002") if r.day.month == 10 and r.day.year == 2026])
    )
    row = big[0]
    assert row["account_currency"] == "EUR" and row["date_start"] == row["date_stop"]
    assert all(isinstance(row[k], str) for k in ("spend", "impressions", "clicks", "reach"))
    assert "." in row["spend"] and all("action_type" in a for a in row["actions"])
    first = graph_get(
        "act_1002/insights", level="ad", time_increment="1", time_range=TR, limit="37", fields="ad_id"
    ).json()
    assert set(first["paging"]["cursors"]) == {"before", "after"}
    assert "access_token=sandbox-meta-token" in first["paging"]["next"]
    second = requests.get(first["paging"]["next"], timeout=10).json()
    back = requests.get(second["paging"]["previous"], timeout=10).json()
    assert back["data"] == first["data"]
    last = graph_get(
        "act_1002/insights", level="ad", time_increment="1", time_range=TR, limit="5000", fields="ad_id"
    ).json()
    assert "next" not in last["paging"]
    empty = graph_get(
        "act_1002/insights",
        level="ad",
        time_increment="1",
        time_range=json.dumps({"since": "2027-01-01", "until": "2027-01-31"}),
    ).json()
    assert empty == {"data": []}


def test_default_insight_fields(graph_get) -> None:
    row = graph_get("act_1001/insights", level="ad", time_increment="1", time_range=TR, limit="1").json()["data"][0]
    assert set(row) == {"date_start", "date_stop", "impressions", "spend"}


def test_instagram_media_newest_first_with_paging_and_window(graph_get, server) -> None:
    since, until = date(2026, 9, 1), date(2026, 10, 1)
    fields = (
        "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count,"
        "insights.metric(reach,views,saved,shares,total_interactions)"
    )
    resp = graph_get(f"{IG}/media", fields=fields, since=_unix(since), until=_unix(until), limit="7")
    items = []
    while True:
        body = resp.json()
        items.extend(body["data"])
        if "next" not in body.get("paging", {}):
            break
        resp = requests.get(body["paging"]["next"], timeout=10)
    stamps = [i["timestamp"] for i in items]
    assert stamps == sorted(stamps, reverse=True)
    assert all("2026-09-01T00:00:00+0000" <= s < "2026-10-01T00:00:00+0000" for s in stamps)
    expected = [
        m
        for m in server.world.ig_media
        if datetime(2026, 9, 1, tzinfo=UTC) <= m.published_at < datetime(2026, 10, 1, tzinfo=UTC)
    ]
    assert len(items) == len(expected) > 20
    ins = items[0]["insights"]["data"]
    assert [i["name"] for i in ins] == ["reach", "views", "saved", "shares", "total_interactions"]
    assert all(i["period"] == "lifetime" and isinstance(i["values"][0]["value"], int) for i in ins)
    metrics = {i["name"]: i["values"][0]["value"] for i in ins}
    assert (
        metrics["total_interactions"]
        == items[0]["like_count"] + items[0]["comments_count"] + metrics["saved"] + metrics["shares"]
    )


def test_instagram_account_insights(graph_get, server) -> None:
    body = graph_get(
        f"{IG}/insights",
        metric="follower_count,reach",
        period="day",
        since=_unix(date(2026, 10, 1)),
        until=_unix(date(2026, 10, 31)),
    ).json()
    fc, reach = body["data"]
    assert fc["name"] == "follower_count" and reach["name"] == "reach" and len(fc["values"]) == 30
    assert fc["values"][0]["end_time"] == "2026-10-02T07:00:00+0000"
    by_day = {d.day: d for d in server.world.ig_days}
    for v in fc["values"]:
        day = date.fromisoformat(v["end_time"][:10]) - timedelta(days=1)
        assert v["value"] == by_day[day].follower_count >= 0
    tail = graph_get(
        f"{IG}/insights",
        metric="follower_count",
        period="day",
        since=_unix(AS_OF - timedelta(days=3)),
        until=_unix(AS_OF + timedelta(days=3)),
    ).json()["data"][0]["values"]
    assert len(tail) == 3  # days before as_of only
    err = _error(
        graph_get(
            f"{IG}/insights",
            metric="follower_count",
            period="day",
            since=_unix(date(2026, 9, 1)),
            until=_unix(date(2026, 10, 5)),
        )
    )
    assert err["code"] == 100 and "30 days" in err["message"]
    assert _error(graph_get(f"{IG}/insights", metric="impressions_v2", period="day"))["code"] == 100
    assert _error(graph_get(f"{IG}/insights", metric="reach", period="week"))["code"] == 100


def test_facebook_posts(graph_get, server) -> None:
    fields = (
        "id,message,created_time,permalink_url,status_type,shares,comments.summary(true).limit(0),"
        "insights.metric(post_impressions,post_impressions_unique,post_clicks,post_reactions_by_type_total)"
    )
    body = graph_get(
        f"{PAGE}/published_posts",
        fields=fields,
        since=_unix(date(2026, 8, 1)),
        until=_unix(date(2026, 9, 1)),
        limit="50",
    ).json()
    posts = body["data"]
    assert "next" not in body["paging"] and 10 < len(posts) <= 50
    p = posts[0]
    assert p["id"].startswith(f"{PAGE}_") and p["created_time"].endswith("+0000")
    assert set(p["shares"]) == {"count"} and p["comments"]["data"] == []
    assert isinstance(p["comments"]["summary"]["total_count"], int)
    metrics = {i["name"]: i["values"][0]["value"] for i in p["insights"]["data"]}
    assert set(metrics["post_reactions_by_type_total"]) == {"like", "love", "wow", "haha", "sorry", "anger"}
    assert metrics["post_impressions_unique"] <= metrics["post_impressions"]
    world = {x.id: x for x in server.world.fb_posts}
    assert metrics["post_impressions"] == world[p["id"]].impressions  # older than 7 days: final


def test_facebook_page_insights(graph_get, server) -> None:
    metrics = "page_follows,page_daily_follows_unique,page_impressions_unique,page_post_engagements"
    body = graph_get(
        f"{PAGE}/insights", metric=metrics, period="day", since=_unix(date(2026, 7, 1)), until=_unix(date(2026, 9, 29))
    ).json()
    series = {s["name"]: s["values"] for s in body["data"]}
    assert list(series) == metrics.split(",") and len(series["page_follows"]) == 90
    follows, new = series["page_follows"], series["page_daily_follows_unique"]
    for a, b, n in zip(follows, follows[1:], new[1:], strict=False):
        assert b["value"] - a["value"] == n["value"]
    err = _error(
        graph_get(
            f"{PAGE}/insights",
            metric="page_follows",
            period="day",
            since=_unix(date(2026, 6, 1)),
            until=_unix(date(2026, 9, 29)),
        )
    )
    assert "90 days" in err["message"]
