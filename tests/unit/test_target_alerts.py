"""Targets turning at_risk or off_track: the tracked month's statuses read from two small published warehouses
(before and after a run) and compared; only a change INTO at_risk or off_track is alerted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
from webhook_receiver import assert_slack_shape

from socialmart import target_alerts

NOV = date(2026, 11, 1)


def _warehouse(path: Path, rows: list[tuple]) -> Path:
    """A published warehouse with marts.rpt_monthly_targets holding `rows` (month, metric, channel, segment, target,
    actual, projection, status)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.rpt_monthly_targets (month date, metric varchar, channel varchar, segment varchar, "
            "target decimal(18, 2), actual decimal(18, 2), projection decimal(18, 2), status varchar)"
        )
        con.executemany("insert into marts.rpt_monthly_targets values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return path


def test_only_changes_into_at_risk_or_off_track_are_alerted(tmp_path: Path) -> None:
    before = _warehouse(
        tmp_path / "before.duckdb",
        [
            (NOV, "revenue", "all", "all", 100000, 30000, 97000, "on_track"),  # -> at_risk: alert
            (NOV, "revenue", "meta", "all", 20000, 5000, 17500, "at_risk"),  # stays at_risk: no repeat
            (NOV, "orders", "all", "all", 900, 200, 700, "at_risk"),  # -> off_track: alert
            (NOV, "sessions", "all", "all", 5000, 1000, 4000, "off_track"),  # -> on_track: no alert
            (date(2026, 10, 1), "spend", "all", "all", 1, 1, 1, "on_track"),  # another month: not read
        ],
    )
    after = _warehouse(
        tmp_path / "after.duckdb",
        [
            (NOV, "revenue", "all", "all", 100000, 31000, 90000, "at_risk"),
            (NOV, "revenue", "meta", "all", 20000, 5500, 17000, "at_risk"),
            (NOV, "orders", "all", "all", 900, 210, 600, "off_track"),
            (NOV, "sessions", "all", "all", 5000, 1600, 5100, "on_track"),
            (NOV, "cpa", "all", "all", 40, 30, 48, "off_track"),  # new target, starts off_track: alert
            (date(2026, 10, 1), "spend", "all", "all", 1, 1, 1, "off_track"),
        ],
    )
    month = target_alerts.tracked_month(date(2026, 11, 11))
    assert month == NOV and target_alerts.tracked_month(date(2026, 12, 1)) == NOV
    old, new = target_alerts.read_statuses(before, month), target_alerts.read_statuses(after, month)
    changes = target_alerts.turned_at_risk(old, new)
    assert [(c.metric, c.channel, c.status) for c in changes] == [
        ("cpa", "all", "off_track"),
        ("orders", "all", "off_track"),
        ("revenue", "all", "at_risk"),
    ]
    cpa, orders, revenue = changes
    assert (revenue.gap, orders.gap, cpa.gap) == (10000.0, 300.0, 8.0)  # cpa: lower is better
    assert len(target_alerts.at_risk(new)) == 4
    assert target_alerts.turned_at_risk(new, new) == [], "an unchanged night sends nothing"

    payload = target_alerts.target_alert_message(
        "run-2", date(2026, 11, 11), changes, old, ["/r/pacing.html"]
    ).payload()
    assert_slack_shape(payload)
    assert payload["text"] == "socialmart: 3 target(s) for 2026-11 turned at_risk or off_track (run run-2)"
    body = payload["blocks"][1]["text"]["text"]
    assert (
        "• revenue · channel all · segment all: *at_risk* — actual 31,000.00, projection 90,000.00, "
        "target 100,000.00, gap 10,000.00 (was on_track)"
    ) in body
    assert "cpa · channel all · segment all: *off_track*" in body and "(was new)" in body
    assert "`/r/pacing.html`" in payload["blocks"][2]["text"]["text"]


def test_a_warehouse_without_targets_has_no_statuses(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert target_alerts.read_statuses(empty, NOV) == {}
