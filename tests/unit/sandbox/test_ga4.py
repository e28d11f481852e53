"""The sandbox's GA4 model: deterministic per day and consistent with the orders and ad clicks."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sandbox.ga4 import ga4_rows, order_session_key
from sandbox.world import build_world

AS_OF = date(2025, 3, 1)


def test_a_day_never_depends_on_as_of() -> None:
    earlier = ga4_rows(date(2025, 2, 10))
    later = [r for r in ga4_rows(AS_OF) if r.day < date(2025, 2, 10)]
    assert list(earlier) == later


def test_every_order_implies_a_session_and_most_are_purchases() -> None:
    rows = {(r.day, r.source, r.medium, r.campaign_name, r.campaign_id): r for r in ga4_rows(AS_OF)}
    orders = [o for shop in build_world(AS_OF).orders.values() for o in shop if not o.test]
    for key, n in Counter(order_session_key(o) for o in orders).items():
        assert rows[key].sessions >= n >= rows[key].purchases
    share = sum(r.purchases for r in rows.values()) / len(orders)
    assert 0.92 <= share <= 0.97


def test_paid_campaigns_get_sessions_from_clicks() -> None:
    world = build_world(AS_OF)
    clicks = Counter()
    for r in world.ad_days:
        clicks[r.campaign.campaign_id] += r.clicks
    sessions = Counter()
    for r in ga4_rows(AS_OF):
        if r.campaign_id in clicks:
            sessions[r.campaign_id] += r.sessions
    assert set(sessions) == {k for k, v in clicks.items() if v > 0}
    for campaign_id, n in sessions.items():
        assert 0.7 * clicks[campaign_id] <= n <= 0.95 * clicks[campaign_id] + 5
