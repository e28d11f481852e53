"""Targets that TURN at_risk or off_track: the statuses of `marts.rpt_monthly_targets` for the month being tracked,
read from the published warehouse before and after a run publishes, compared, and the alert for the changes.

Only a change of status into at_risk or off_track is alerted (on_track -> at_risk, at_risk -> off_track, a new
target that starts at risk, ...), so a target that stays at risk is not repeated every night. The month tracked is
the month of the last day with data (the day before the run date): on the 1st, the month just closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from reports.reader import duckdb_reader, postgres_reader, sql_date
from socialmart.config import PostgresConnection
from socialmart.notify import Message, header, section

MODEL = "marts.rpt_monthly_targets"
ALERT_STATUSES = ("at_risk", "off_track")
# Metrics where lower is better: the gap is how far the projection is ABOVE the target.
LOWER_IS_BETTER = ("cpa",)
Key = tuple[date, str, str, str]


@dataclass(frozen=True)
class TargetStatus:
    """One target of the month (month x metric x channel x segment) and how it is tracking."""

    month: date
    metric: str
    channel: str
    segment: str
    target: float | None
    actual: float | None
    projection: float | None
    status: str

    @property
    def key(self) -> Key:
        return (self.month, self.metric, self.channel, self.segment)

    @property
    def gap(self) -> float | None:
        """How far the projection misses the target (positive = short of it; for cpa, above it)."""
        if self.target is None or self.projection is None:
            return None
        return self.projection - self.target if self.metric in LOWER_IS_BETTER else self.target - self.projection

    def describe(self) -> str:
        """One line: the target's name, status and figures."""
        return (
            f"{self.metric} · channel {self.channel} · segment {self.segment}: *{self.status}* — actual "
            f"{_number(self.actual)}, projection {_number(self.projection)}, target {_number(self.target)}, "
            f"gap {_number(self.gap)}"
        )


def tracked_month(run_date: date) -> date:
    """The month whose targets a run on `run_date` tracks: that of its last day with data (the day before)."""
    return (run_date - timedelta(days=1)).replace(day=1)


def read_statuses(warehouse: Path | PostgresConnection, month: date) -> dict[Key, TargetStatus]:
    """The targets of `month` in the published warehouse (a DuckDB file or the PostgreSQL marts), by key.

    A warehouse not yet published or without the model (a first run) has no statuses; one that cannot be opened
    raises ReportError (reports/errors.py)."""
    if not isinstance(warehouse, PostgresConnection) and not Path(warehouse).exists():
        return {}
    opened = postgres_reader(warehouse) if isinstance(warehouse, PostgresConnection) else duckdb_reader(warehouse)
    with opened as reader:
        if not reader.columns("marts", "rpt_monthly_targets"):
            return {}
        rows = reader.query(
            "select month, metric, channel, segment, target, actual, projection, status "
            f"from {MODEL} where month = {sql_date(month)}"
        )
    statuses = [
        TargetStatus(
            month=row["month"],
            metric=row["metric"],
            channel=row["channel"],
            segment=row["segment"],
            target=_float(row["target"]),
            actual=_float(row["actual"]),
            projection=_float(row["projection"]),
            status=row["status"],
        )
        for row in rows
    ]
    return {status.key: status for status in statuses}


def at_risk(statuses: dict[Key, TargetStatus]) -> list[TargetStatus]:
    """The targets at_risk or off_track, in a stable order."""
    return sorted((s for s in statuses.values() if s.status in ALERT_STATUSES), key=lambda s: s.key)


def turned_at_risk(before: dict[Key, TargetStatus], after: dict[Key, TargetStatus]) -> list[TargetStatus]:
    """The targets whose status changed INTO at_risk or off_track between `before` and `after`."""
    return [s for s in at_risk(after) if s.key not in before or before[s.key].status != s.status]


def target_alert_message(
    run_id: str, run_date: date, changes: list[TargetStatus], before: dict[Key, TargetStatus], reports: list[str]
) -> Message:
    """The alert listing each target that turned at_risk or off_track, with its previous status and figures."""
    month = changes[0].month
    text = f"socialmart: {len(changes)} target(s) for {month:%Y-%m} turned at_risk or off_track (run {run_id})"
    lines = []
    for change in changes:
        previous = before[change.key].status if change.key in before else "new"
        lines.append(f"• {change.describe()} (was {previous})")
    blocks = [
        header(f"socialmart targets at risk: {month:%Y-%m}"),
        section(f"*Run:* `{run_id}`  *Run date:* {run_date}\n" + "\n".join(lines)),
    ]
    if reports:
        blocks.append(section("*Reports:*\n" + "\n".join(f"• `{path}`" for path in reports)))
    return Message(text=text, blocks=blocks)


def _float(value: object) -> float | None:
    return None if value is None else float(value)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"
