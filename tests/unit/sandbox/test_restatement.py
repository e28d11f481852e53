"""Restatement of ad days and growth of post lifetime metrics, in the model and over HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sandbox.ads import seen
from sandbox.social import growth
from sandbox.world import build_world

AS_OF = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("age", "spend", "conv"),
    [
        (1, (98, 100), (60, 100)),
        (2, (99, 100), (80, 100)),
        (3, (1, 1), (90, 100)),
        (7, (1, 1), (90, 100)),
        (8, (1, 1), (1, 1)),
        (40, (1, 1), (1, 1)),
    ],
)
def test_seen_values_follow_the_rules(age: int, spend: tuple[int, int], conv: tuple[int, int]) -> None:
    w = build_world(AS_OF)
    row = next(r for r in w.ad_days if r.purchases >= 3 and r.spend_cents % 100 != 0)
    s = seen(row, row.day + timedelta(days=age))
    assert s.spend_cents == row.spend_cents * spend[0] // spend[1]
    assert s.purchases == row.purchases * conv[0] // conv[1]
    assert s.purchase_value_cents == row.purchase_value_cents * conv[0] // conv[1]


def _money_cents(text: str) -> int:
    whole, _, frac = text.lstrip("-").partition(".")
    return (int(whole) * 100 + int(frac)) * (-1 if text.startswith("-") else 1)


def _action(row: dict, key: str, action: str) -> str | None:
    return next((a["value"] for a in row.get(key, []) if a["action_type"] == action), None)


def test_http_serves_restated_ad_days(server, graph_get, insights_loader) -> None:
    w = server.world
    rows = insights_loader(graph_get, "1001", AS_OF - timedelta(days=12), AS_OF + timedelta(days=5))
    assert max(r["date_start"] for r in rows) == (AS_OF - timedelta(days=1)).isoformat()
    final = {(r.ad.ad_id, r.day.isoformat()): r for r in w.ad_days_for("1001")}
    checked = set()
    for row in rows:
        f = final[(row["ad_id"], row["date_start"])]
        age = (AS_OF - f.day).days
        sn, sd = {1: (98, 100), 2: (99, 100)}.get(age, (1, 1))
        cn, cd = {1: (60, 100), 2: (80, 100)}.get(age, (90, 100) if age <= 7 else (1, 1))
        assert _money_cents(row["spend"]) == f.spend_cents * sn // sd
        assert int(_action(row, "actions", "purchase") or 0) == f.purchases * cn // cd
        value = _action(row, "action_values", "purchase")
        assert (_money_cents(value) if value else 0) == f.purchase_value_cents * cn // cd
        assert row["impressions"] == str(f.impressions) and row["reach"] == str(f.reach)
        checked.add(age)
    assert checked == set(range(1, 13))


def test_growth_rule() -> None:
    pub = datetime(2026, 11, 1, 15, tzinfo=UTC)
    expected = {0: (1, 2), 1: (1, 2), 2: (3, 4), 3: (9, 10), 4: (97, 100), 6: (97, 100), 7: (1, 1), 30: (1, 1)}
    for days, frac in expected.items():
        assert growth(pub, pub + timedelta(days=days, hours=1)) == frac


def test_http_serves_grown_post_metrics(server, graph_get) -> None:
    w = server.world
    since = int((w.cutoff - timedelta(days=10)).timestamp())
    resp = graph_get(
        "17841400000000001/media",
        since=str(since),
        limit="50",
        fields="id,timestamp,like_count,insights.metric(reach,views,total_interactions)",
    )
    media = {m.id: m for m in w.ig_media}
    data = resp.json()["data"]
    assert len(data) >= 7
    fracs = set()
    for item in data:
        m = media[item["id"]]
        g = growth(m.published_at, w.cutoff)
        fracs.add(g)
        metrics = {i["name"]: i["values"][0]["value"] for i in item["insights"]["data"]}
        assert metrics["reach"] == m.reach * g[0] // g[1]
        assert metrics["views"] == m.views * g[0] // g[1]
        assert item["like_count"] == m.like_count * g[0] // g[1]
    assert {(1, 2), (1, 1)} <= fracs
