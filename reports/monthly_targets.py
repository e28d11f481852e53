"""The monthly target report: a closed month's targets against actuals, campaigns, budgets, conversions and content.

Sections: headline KPIs against targets; the same by channel and by segment; a campaign leaderboard by ROAS and
CPA; spend against budget; platform-reported against store-attributed conversions; top posts and the best time to
post; data quality; definitions. Every figure is read from the published warehouse's marts (`rpt_monthly_targets`,
`fct_campaign_performance_daily` with `dim_campaigns`, `fct_budget_pacing`, `rpt_platform_vs_store_conversions`,
`fct_posts`, `rpt_best_time_to_post`) through one `Reader`; the report only formats them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reports import sections
from reports.charts import actual_vs_target_svg
from reports.data_quality import read_data_quality
from reports.errors import ReportError
from reports.formatting import STATUS_STYLES, format_percent
from reports.options import ReportOptions
from reports.periods import month_end, month_start, next_month
from reports.reader import Reader
from reports.render import ReportPage
from reports.tables import Table
from reports.targets import (
    MODEL,
    chart_panels,
    data_through,
    headline_rows,
    kpi_view,
    read_targets,
    split_by_scope,
    target_columns,
)

REPORT = "monthly target report"
TABLE_TITLES = {
    "totals": ("Totals", "All channels and all segments together."),
    "by_channel": ("By channel", "Each channel's targets, all segments together."),
    "by_segment": ("By segment", "Each audience segment's targets."),
}


def report_stem(month: date) -> str:
    """The report's folder and file name: `monthly-targets-2026-10`."""
    return f"monthly-targets-{month:%Y-%m}"


def read_monthly_target_page(
    reader: Reader, month: date, gate_records: Sequence[dict[str, Any]] | None, options: ReportOptions
) -> ReportPage:
    """Read everything the report shows for `month` and lay out its page (raises ReportError when it can't)."""
    month = month_start(month)
    rows = read_targets(reader, month, REPORT)
    through = data_through(rows, month)
    if not all(row["is_month_closed"] for row in rows):
        shown = through.isoformat() if through else "none of the month yet"
        raise ReportError(
            f"{month:%Y-%m} is not a closed month in {MODEL} of warehouse {reader.label} (data through {shown}). "
            f"The monthly target report covers closed months: build it on or after {next_month(month).isoformat()}, "
            "or see the month so far in the pacing report (socialmart report pacing)."
        )
    currency = options.currency
    tables = _target_tables(rows)
    campaigns = sections.campaign_leaderboard(reader, month, next_month(month))
    budget = sections.budget_table(reader, month, closed=True)
    conversions = sections.conversions_table(reader, month)
    posts = sections.top_posts_table(reader, month, next_month(month))
    heatmap_cells, best_times = sections.best_times(reader)
    quality = read_data_quality(reader, gate_records)
    tables += [campaigns, budget, conversions, posts, best_times]
    if quality is not None and quality.notes:
        tables.append(quality.table())

    panels = chart_panels(rows, currency)
    target_chart = None
    if panels:
        target_chart = Markup(actual_vs_target_svg(panels, currency, f"Actual vs target by channel, {month:%B %Y}"))
    counts = Counter(sections.status_key(row["status"]) for row in rows)
    context = {
        "month_label": f"{month:%B %Y}",
        "headlines": [kpi_view(row, currency) for row in headline_rows(rows)],
        "target_tables": [tables[0], tables[1], tables[2]],
        "status_counts": [(style, counts[style.key]) for style in STATUS_STYLES.values() if counts[style.key]],
        "target_count": len(rows),
        "target_chart": target_chart,
        "campaigns": campaigns,
        "roas_chart": sections.roas_chart(campaigns.rows, f"ROAS by campaign, {month:%B %Y}"),
        "budget": budget,
        "budget_chart": sections.budget_chart(budget, currency, f"Spend against budget by channel, {month:%B %Y}"),
        "conversions": conversions,
        "posts": posts,
        "heatmap": sections.heatmap_chart(heatmap_cells),
        "best_times": best_times,
        "quality": quality,
        "no_data_rows": [row for row in rows if row["status"] == "no_data"],
        "on_track_min": format_percent(options.on_track_min, 0),
        "at_risk_min": format_percent(options.at_risk_min, 0),
        "footer_note": f"Data through {month_end(month).isoformat()} · Source: the marts of {Path(reader.label).name}",
    }
    return ReportPage(
        stem=report_stem(month),
        title=f"socialmart · Monthly targets · {month:%B %Y}",
        template="monthly_targets.html.j2",
        context=context,
        tables=tables,
        currency=currency,
        about=[
            ("Report", "Monthly targets, closed month"),
            ("Month", f"{month:%Y-%m}"),
            ("Currency", currency.upper()),
            ("Warehouse", reader.label),
        ],
    )


def _target_tables(rows: Sequence[dict[str, Any]]) -> list[Table]:
    """The targets as three tables: totals, by channel, by segment."""
    tables = []
    for name, scoped in split_by_scope(rows).items():
        title, note = TABLE_TITLES[name]
        tables.append(
            Table(
                name=f"targets_{name}",
                title=title,
                source=MODEL,
                columns=target_columns(projected=False),
                rows=scoped,
                key=("metric", "channel", "segment"),
                note=note,
                empty_note="No targets at this level this month.",
            )
        )
    return tables
