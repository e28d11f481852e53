"""Targets against actuals from `marts.rpt_monthly_targets`, shared by the monthly target and pacing reports.

Grain: month x metric x channel x segment; channel 'all' and segment 'all' are totals. The reports show the
model's figures as they are: attainment, projection and status are computed once, in dbt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from reports.charts import ChartBar, ChartPanel
from reports.errors import NothingToReport
from reports.formatting import METRICS, channel_label, format_metric_value, format_percent, metric_spec, segment_label
from reports.formatting import status_style as style_of
from reports.periods import month_end
from reports.reader import Reader, sql_date
from reports.tables import Column

MODEL = "marts.rpt_monthly_targets"
MODEL_COLUMNS = (
    "month",
    "metric",
    "channel",
    "segment",
    "target",
    "actual",
    "attainment",
    "days_elapsed",
    "days_in_month",
    "projection",
    "projected_attainment",
    "status",
    "is_month_closed",
)
ALL = "all"
# The additive metrics, whose month-to-date total grows day by day (the others are ratios).
ADDITIVE_METRICS = ("revenue", "orders", "new_customers", "sessions", "spend", "followers_gained")
KEY = ("metric", "channel", "segment")


def read_targets(reader: Reader, month: date, report: str) -> list[dict[str, Any]]:
    """The model's rows for `month`, in display order; ReportError naming the months that have targets if none."""
    reader.require(MODEL, MODEL_COLUMNS, report)
    rows = reader.query(f"select * from {MODEL} where month = {sql_date(month)}")
    if not rows:
        months = reader.query(f"select distinct month from {MODEL} order by month")
        available = ", ".join(f"{row['month']:%Y-%m}" for row in months) or "none"
        raise NothingToReport(
            f"No targets for {month:%Y-%m} in {MODEL} of warehouse {reader.label}. Add rows for month "
            f"{month:%Y-%m} to inputs/targets.csv (month,metric,channel,segment,target) and rerun the nightly flow. "
            f"Months with targets: {available}."
        )
    for row in rows:
        for name in ("target", "actual", "attainment", "projection", "projected_attainment"):
            row[name] = None if row[name] is None else float(row[name])
    return sorted(rows, key=display_order)


def data_through(rows: Sequence[dict[str, Any]], month: date) -> date | None:
    """The last day the month's actuals cover (day `days_elapsed`); None when no day of the month has passed."""
    elapsed = max((row["days_elapsed"] or 0 for row in rows), default=0)
    if elapsed <= 0:
        return None
    return min(month_end(month), month + timedelta(days=elapsed - 1))


def display_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """Known metrics in canonical order, then the rest by name; 'all' first within channel and segment."""
    metric = row["metric"]
    rank = list(METRICS).index(metric) if metric in METRICS else len(METRICS)
    return (rank, metric, row["channel"] != ALL, row["channel"], row["segment"] != ALL, row["segment"])


def split_by_scope(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows as the report's three tables: totals, by channel (segment 'all'), by segment (the rest)."""
    totals = [row for row in rows if row["channel"] == ALL and row["segment"] == ALL]
    by_channel = [row for row in rows if row["channel"] != ALL and row["segment"] == ALL]
    by_segment = [row for row in rows if row["segment"] != ALL]
    return {"totals": totals, "by_channel": by_channel, "by_segment": by_segment}


def headline_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per known metric: its channel 'all' x segment 'all' row, else its per-channel segment 'all' rows."""
    headlines: list[dict[str, Any]] = []
    for metric in METRICS:
        overall = [row for row in rows if row["metric"] == metric and row["segment"] == ALL]
        totals = [row for row in overall if row["channel"] == ALL]
        headlines.extend(totals or overall)
    return headlines


def kpi_view(row: dict[str, Any], currency: str, *, projected: bool = False) -> dict[str, Any]:
    """What a headline card shows for a target row: the actual (or projection) against the target, and status."""
    metric = row["metric"]
    spec = metric_spec(metric)
    scope = channel_label(row["channel"])
    if row["segment"] != ALL:
        scope += f" · {segment_label(row['segment'])}"
    if spec.lower_is_better:
        scope += " · lower is better"
    shown, attained = ("projection", "projected_attainment") if projected else ("actual", "attainment")
    return {
        "key": "|".join(row[name] for name in KEY),
        "label": spec.label,
        "scope": scope,
        "actual": format_metric_value(metric, row[shown], currency),
        "actual_raw": "" if row[shown] is None else repr(row[shown]),
        "comparison_label": "target",
        "comparison": format_metric_value(metric, row["target"], currency),
        "comparison_field": "target",
        "comparison_raw": "" if row["target"] is None else repr(row["target"]),
        "result": format_percent(row[attained]),
        "result_field": attained,
        "result_raw": "" if row[attained] is None else repr(row[attained]),
        "status": style_of(row["status"]),
        "detail": f"to date {format_metric_value(metric, row['actual'], currency)}" if projected else "",
    }


def chart_panels(rows: Sequence[dict[str, Any]], currency: str) -> list[ChartPanel]:
    """One panel per metric with per-channel rows (segment 'all'), largest target first.

    When no metric has per-channel rows, each metric's channel 'all' row is charted instead, so a month whose
    targets are all totals still gets its chart.
    """
    overall = [row for row in rows if row["segment"] == ALL]
    charted = [row for row in overall if row["channel"] != ALL] or overall
    panels = []
    for metric in dict.fromkeys(row["metric"] for row in charted):
        spec = metric_spec(metric)
        of_metric = sorted((row for row in charted if row["metric"] == metric), key=lambda row: -(row["target"] or 0))
        bars = [ChartBar(label=_bar_label(row), target=row["target"], actual=row["actual"]) for row in of_metric]
        title = f"{spec.label} ({currency.upper()})" if spec.kind == "money" else spec.label
        panels.append(ChartPanel(metric=metric, title=title, bars=bars))
    return panels


def _bar_label(row: dict[str, Any]) -> str:
    """A chart category: the channel, with its attainment when there is one."""
    if row["attainment"] is None:
        return channel_label(row["channel"])
    return f"{channel_label(row['channel'])} · {format_percent(row['attainment'])}"


def target_columns(*, projected: bool) -> list[Column]:
    """The columns of a targets table; `projected` adds the month-to-date projection (the pacing report)."""
    columns = [
        Column("metric", "Metric", "metric"),
        Column("channel", "Channel", "channel"),
        Column("segment", "Segment", "segment"),
        Column("target", "Target", "metric_value"),
        Column("actual", "Actual to date" if projected else "Actual", "metric_value"),
        Column("attainment", "Attainment", "percent", html=not projected),
        Column("projection", "Projected month end", "metric_value", html=projected),
        Column("projected_attainment", "Projected attainment", "percent", html=projected),
        Column("status", "Status", "status"),
        Column("month", "Month", "date", html=False),
        Column("days_elapsed", "Days elapsed", "count", html=False),
        Column("days_in_month", "Days in month", "count", html=False),
        Column("is_month_closed", "Month closed", html=False),
    ]
    return columns
