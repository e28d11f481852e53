"""The month-to-date pacing report, built every night: projected month-end against target, what is at risk and by
how much, the cumulative month so far against the target line, and budget pacing.

Figures come from `marts.rpt_monthly_targets` (actual to date, projection, projected attainment and status, as dbt
computed them), `marts.fct_channel_daily` (the day-by-day running totals of the chart) and
`marts.fct_budget_pacing`, read through one `Reader`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reports import sections
from reports.charts import CumulativePanel, cumulative_vs_target_svg
from reports.data_quality import read_data_quality
from reports.errors import NothingToReport
from reports.formatting import STATUS_STYLES, format_percent, metric_spec
from reports.options import ReportOptions
from reports.periods import month_start, next_month
from reports.reader import Reader, sql_date
from reports.render import ReportPage
from reports.tables import Column, Table
from reports.targets import (
    ADDITIVE_METRICS,
    ALL,
    MODEL,
    data_through,
    display_order,
    headline_rows,
    kpi_view,
    read_targets,
    target_columns,
)

REPORT = "pacing report"
DAILY_MODEL = "marts.fct_channel_daily"
# The fct_channel_daily column holding each additive target metric's daily actual (summed over channels).
DAILY_COLUMNS = {
    "revenue": "attributed_revenue",
    "orders": "attributed_orders",
    "new_customers": "attributed_new_customers",
    "sessions": "sessions",
    "spend": "spend",
    "followers_gained": "followers_gained",
}
AT_RISK = ("off_track", "at_risk")


def report_stem(through: date) -> str:
    """The report's folder and file name, by its last day of data: `pacing-2026-11-09`."""
    return f"pacing-{through:%Y-%m-%d}"


def read_pacing_page(
    reader: Reader, month: date, gate_records: Sequence[dict[str, Any]] | None, options: ReportOptions
) -> ReportPage:
    """Read everything the pacing report shows for `month` and lay out its page."""
    month = month_start(month)
    rows = read_targets(reader, month, REPORT)
    through = data_through(rows, month)
    if through is None:
        raise NothingToReport(
            f"No day of {month:%Y-%m} has data yet in {MODEL} of warehouse {reader.label}: the pacing report of a "
            f"month can be built from {(month + timedelta(days=1)).isoformat()} on, once its first day is loaded."
        )
    currency = options.currency
    for row in rows:
        _add_gap(row)
    days_elapsed = max(row["days_elapsed"] for row in rows)
    days_in_month = rows[0]["days_in_month"]
    closed = all(row["is_month_closed"] for row in rows)
    at_risk = sorted(
        (row for row in rows if row["status"] in AT_RISK),
        key=lambda row: (
            row["projected_attainment"] if row["projected_attainment"] is not None else 0,
            display_order(row),
        ),
    )
    risk_table = _risk_table(at_risk)
    all_targets = Table(
        name="targets",
        title="All targets",
        source=MODEL,
        columns=target_columns(projected=True),
        rows=rows,
        key=("metric", "channel", "segment"),
    )
    budget = sections.budget_table(reader, month, closed=closed)
    quality = read_data_quality(reader, gate_records)
    tables = [risk_table, all_targets, budget]
    if quality is not None and quality.notes:
        tables.append(quality.table())
    panels = _cumulative_panels(reader, rows, month, through, currency)
    chart = None
    if panels:
        chart = Markup(cumulative_vs_target_svg(panels, currency, f"Month to date against target, {month:%B %Y}"))
    counts = Counter(sections.status_key(row["status"]) for row in rows)
    context = {
        "month_label": f"{month:%B %Y}",
        "through_label": f"{through:%-d %B %Y}",
        "days_elapsed": days_elapsed,
        "days_in_month": days_in_month,
        "closed": closed,
        "headlines": [kpi_view(row, currency, projected=True) for row in headline_rows(rows)],
        "status_counts": [(style, counts[style.key]) for style in STATUS_STYLES.values() if counts[style.key]],
        "target_count": len(rows),
        "risk_table": risk_table,
        "all_targets": all_targets,
        "cumulative_chart": chart,
        "budget": budget,
        "budget_chart": sections.budget_chart(
            budget, currency, f"Projected spend against budget by channel, {month:%B %Y}", projected=True
        ),
        "quality": quality,
        "on_track_min": format_percent(options.on_track_min, 0),
        "at_risk_min": format_percent(options.at_risk_min, 0),
        "footer_note": f"Data through {through.isoformat()} · Source: the marts of {Path(reader.label).name}",
    }
    return ReportPage(
        stem=report_stem(through),
        title=f"socialmart · Month-to-date pacing · {month:%B %Y}",
        template="pacing.html.j2",
        context=context,
        tables=tables,
        currency=currency,
        about=[
            ("Report", "Month-to-date pacing"),
            ("Month", f"{month:%Y-%m}"),
            ("Data through", through.isoformat()),
            ("Currency", currency.upper()),
            ("Warehouse", reader.label),
        ],
    )


def _add_gap(row: dict[str, Any]) -> None:
    """Add how far the projection misses the target (`gap`, positive = misses) and, for additive metrics, the daily
    pace so far and the daily pace the rest of the month needs to reach the target."""
    target, actual, projection = row["target"], row["actual"], row["projection"]
    lower_is_better = metric_spec(row["metric"]).lower_is_better
    row["gap"] = None
    if target is not None and projection is not None:
        row["gap"] = projection - target if lower_is_better else target - projection
    row["daily_pace"] = row["needed_daily_pace"] = None
    remaining = row["days_in_month"] - row["days_elapsed"]
    if row["metric"] in ADDITIVE_METRICS and actual is not None and row["days_elapsed"] > 0:
        row["daily_pace"] = actual / row["days_elapsed"]
        if remaining > 0 and target is not None:
            row["needed_daily_pace"] = (target - actual) / remaining


def _risk_table(rows: Sequence[dict[str, Any]]) -> Table:
    return Table(
        name="at_risk",
        title="Targets at risk",
        source=MODEL,
        columns=[
            Column("metric", "Metric", "metric"),
            Column("channel", "Channel", "channel"),
            Column("segment", "Segment", "segment"),
            Column("target", "Target", "metric_value"),
            Column("projection", "Projected month end", "metric_value"),
            Column("gap", "Misses target by", "metric_value"),
            Column("projected_attainment", "Projected attainment", "percent"),
            Column("daily_pace", "Daily pace so far", "metric_value"),
            Column("needed_daily_pace", "Daily pace needed", "metric_value"),
            Column("status", "Status", "status"),
            Column("actual", "Actual to date", "metric_value", html=False),
        ],
        rows=rows,
        key=("metric", "channel", "segment"),
        note="Off track first. “Misses target by” is the target minus the projection (for CPA, where lower is "
        "better, the projection minus the target). The daily pace needed is what the remaining days must average "
        "to reach the target.",
        empty_note="No target is at risk: every target with data is projected to reach its on-track threshold.",
    )


def _cumulative_panels(
    reader: Reader, rows: Sequence[dict[str, Any]], month: date, through: date, currency: str
) -> list[CumulativePanel]:
    """One panel per additive metric with an all-channels, all-segments target, from the daily channel mart."""
    totals = [row for row in rows if row["channel"] == ALL and row["segment"] == ALL and row["metric"] in DAILY_COLUMNS]
    if not totals:
        return []
    reader.require(DAILY_MODEL, ("date_day", *DAILY_COLUMNS.values()), REPORT)
    sums = ", ".join(f"sum({column}) as {metric}" for metric, column in DAILY_COLUMNS.items())
    daily = reader.query(
        f"select date_day, {sums} from {DAILY_MODEL} where date_day >= {sql_date(month)} "
        f"and date_day <= {sql_date(through)} and date_day < {sql_date(next_month(month))} group by date_day"
    )
    by_day = {row["date_day"]: row for row in daily}
    days = (through - month).days + 1
    panels = []
    for row in totals:
        metric, running, cumulative = row["metric"], 0.0, []
        for offset in range(days):
            value = by_day.get(month + timedelta(days=offset), {}).get(metric)
            running += float(value or 0)
            cumulative.append(running)
        spec = metric_spec(metric)
        title = f"{spec.label} ({currency.upper()})" if spec.kind == "money" else spec.label
        panels.append(
            CumulativePanel(
                metric=metric,
                title=title,
                days_in_month=row["days_in_month"],
                cumulative=cumulative,
                target=row["target"],
                projection=row["projection"],
            )
        )
    return panels
