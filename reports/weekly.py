"""The weekly campaign revenue report, for one complete ISO week (built on Mondays for the week just ended).

Spend, attributed revenue, orders, ROAS and CPA per campaign and per launch (the campaign name's initiative), with
the change from the week before. Every figure comes from `marts.rpt_weekly_campaign_revenue` (grain: ISO week x
campaign), read through one `Reader`: campaign rows as the model has them, launch and week totals summed from them
in SQL, ratios recomputed from the sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reports import sections
from reports.data_quality import read_data_quality
from reports.errors import NothingToReport, ReportError
from reports.formatting import format_count, format_money, format_percent, format_ratio
from reports.options import ReportOptions
from reports.periods import IsoWeek
from reports.reader import Reader, sql_text
from reports.render import ReportPage
from reports.tables import Column, Table

REPORT = "weekly campaign revenue report"
MODEL = "marts.rpt_weekly_campaign_revenue"
MODEL_COLUMNS = (
    "iso_week",
    "week_start_date",
    "is_complete_week",
    "campaign_key",
    "campaign_name",
    "platform",
    "initiative",
    "launch_month",
    "segment",
    "spend",
    "attributed_revenue",
    "attributed_orders",
    "roas",
    "cpa",
    "revenue_wow_change",
    "revenue_wow_pct",
    "spend_wow_change",
    "spend_wow_pct",
    "roas_wow_change",
)
NO_INITIATIVE = "(name outside the naming convention)"
# The sums a week's or a launch's figures are built from, and the ratios recomputed from them.
_SUMS = """
    sum(spend) as spend,
    sum(attributed_revenue) as attributed_revenue,
    sum(attributed_orders) as attributed_orders,
    count(*) as campaigns,
    sum(attributed_revenue) / nullif(sum(spend), 0) as roas,
    sum(spend) / nullif(sum(attributed_orders), 0) as cpa
"""
_CHANGED = ("spend", "attributed_revenue", "attributed_orders", "roas", "cpa")


def report_stem(week: IsoWeek) -> str:
    """The report's folder and file name: `weekly-campaign-revenue-2026-W44`."""
    return f"weekly-campaign-revenue-{week.label}"


def read_weekly_page(
    reader: Reader, week: IsoWeek, gate_records: Sequence[dict[str, Any]] | None, options: ReportOptions
) -> ReportPage:
    """Read everything the weekly report shows for `week` and lay out its page."""
    reader.require(MODEL, MODEL_COLUMNS, REPORT)
    campaigns = reader.query(
        f"select * from {MODEL} where iso_week = {sql_text(week.label)} "
        "order by attributed_revenue desc, spend desc, campaign_key"
    )
    if not campaigns:
        weeks = reader.query(f"select distinct iso_week from {MODEL} order by iso_week desc limit 8")
        recent = ", ".join(row["iso_week"] for row in weeks) or "none"
        raise NothingToReport(
            f"No campaign spend or attributed revenue in ISO week {week.label} ({week.start} to {week.end}) in "
            f"{MODEL} of warehouse {reader.label}. Most recent weeks with campaign activity: {recent}."
        )
    if not all(row["is_complete_week"] for row in campaigns):
        raise ReportError(
            f"ISO week {week.label} ({week.start} to {week.end}) is not complete in warehouse {reader.label}: the "
            f"weekly report covers whole weeks. Build it on or after {week.end.isoformat()} + 1 day, once the nightly "
            "run has loaded the Sunday."
        )
    currency = options.currency
    for row in campaigns:
        row["launch"] = row["initiative"] or NO_INITIATIVE
    totals = _week_totals(reader, week)
    launches = _launch_table(reader, week)
    campaign_table = _campaign_table(campaigns)
    quality = read_data_quality(reader, gate_records)
    tables = [campaign_table, launches]
    if quality is not None and quality.notes:
        tables.append(quality.table())
    by_roas = sorted(
        ({"campaign_label": row["campaign_name"] or row["campaign_key"], **row} for row in campaigns),
        key=lambda row: (row["roas"] is None, -(row["roas"] or 0), row["campaign_key"]),
    )
    context = {
        "week_label": week.label,
        "week_range": f"{week.start:%-d %B} to {week.end:%-d %B %Y}",
        "kpis": _kpis(totals, currency),
        "campaign_count": len(campaigns),
        "campaigns": campaign_table,
        "launches": launches,
        "roas_chart": sections.roas_chart(by_roas, f"ROAS by campaign, ISO week {week.label}"),
        "quality": quality,
        "on_track_min": format_percent(options.on_track_min, 0),
        "at_risk_min": format_percent(options.at_risk_min, 0),
        "footer_note": f"Week {week.start} to {week.end} · Source: {MODEL} of {Path(reader.label).name}",
    }
    return ReportPage(
        stem=report_stem(week),
        title=f"socialmart · Weekly campaign revenue · {week.label}",
        template="weekly.html.j2",
        context=context,
        tables=tables,
        currency=currency,
        about=[
            ("Report", "Weekly campaign revenue"),
            ("ISO week", f"{week.label} ({week.start} to {week.end})"),
            ("Currency", currency.upper()),
            ("Warehouse", reader.label),
        ],
    )


def _week_totals(reader: Reader, week: IsoWeek) -> dict[str, dict[str, Any]]:
    """This week's and the previous week's totals over every campaign, keyed 'this' and 'previous'."""
    labels = {week.label: "this", week.previous().label: "previous"}
    rows = reader.query(
        f"select iso_week, {_SUMS} from {MODEL} "
        f"where iso_week in ({', '.join(sql_text(label) for label in labels)}) group by iso_week"
    )
    return {labels[row["iso_week"]]: row for row in rows}


def _launch_table(reader: Reader, week: IsoWeek) -> Table:
    """Per launch (initiative): the week's sums and ratios, and the change from the week before."""
    previous = week.previous().label
    rows = reader.query(
        f"""
        select coalesce(initiative, {sql_text(NO_INITIATIVE)}) as launch, iso_week,
            min(launch_month) as first_launch_month, {_SUMS}
        from {MODEL}
        where iso_week in ({sql_text(week.label)}, {sql_text(previous)})
        group by coalesce(initiative, {sql_text(NO_INITIATIVE)}), iso_week
        """
    )
    before = {row["launch"]: row for row in rows if row["iso_week"] == previous}
    this_week = [row for row in rows if row["iso_week"] == week.label]
    this_week.sort(key=lambda row: (-row["attributed_revenue"], row["launch"]))
    for row in this_week:
        prior = before.get(row["launch"])
        for name in _CHANGED:
            row[f"{name}_wow_change"] = _change(row[name], prior[name] if prior else None)
        row["revenue_wow_pct"] = _pct(
            row["attributed_revenue_wow_change"], prior["attributed_revenue"] if prior else None
        )
    return Table(
        name="launches",
        title="By launch",
        source=MODEL,
        columns=[
            Column("launch", "Launch (initiative)"),
            Column("campaigns", "Campaigns", "count"),
            Column("spend", "Spend", "money", decimals=2),
            Column("attributed_revenue", "Attributed revenue", "money", decimals=2),
            Column("attributed_orders", "Orders", "count"),
            Column("roas", "ROAS", "ratio"),
            Column("cpa", "CPA", "money", decimals=2),
            Column("attributed_revenue_wow_change", "Revenue vs last week", "money", decimals=2, signed=True),
            Column("revenue_wow_pct", "Revenue change", "percent", signed=True),
            Column("spend_wow_change", "Spend vs last week", "money", decimals=2, signed=True),
            Column("roas_wow_change", "ROAS vs last week", "ratio", signed=True, html=False),
            Column("first_launch_month", "First launch month", "date", html=False),
            Column("attributed_orders_wow_change", "Orders vs last week", "count", html=False),
            Column("cpa_wow_change", "CPA vs last week", "money", decimals=2, html=False),
            Column("iso_week", "ISO week", html=False),
        ],
        rows=this_week,
        key=("launch",),
        note="A launch is the initiative of the campaign naming convention; its campaigns on every platform add up. "
        "Changes compare with the same launch's campaigns the week before (— when it had none).",
    )


def _campaign_table(rows: Sequence[dict[str, Any]]) -> Table:
    return Table(
        name="campaigns",
        title="By campaign",
        source=MODEL,
        columns=[
            Column("campaign_name", "Campaign"),
            Column("platform", "Platform", "channel"),
            Column("launch", "Launch", html=False),
            Column("segment", "Segment", "segment"),
            Column("spend", "Spend", "money", decimals=2),
            Column("attributed_revenue", "Attributed revenue", "money", decimals=2),
            Column("attributed_orders", "Orders", "count"),
            Column("roas", "ROAS", "ratio"),
            Column("cpa", "CPA", "money", decimals=2),
            Column("revenue_wow_change", "Revenue vs last week", "money", decimals=2, signed=True),
            Column("revenue_wow_pct", "Revenue change", "percent", signed=True),
            Column("spend_wow_change", "Spend vs last week", "money", decimals=2, signed=True),
            Column("roas_wow_change", "ROAS vs last week", "ratio", signed=True, html=False),
            Column("spend_wow_pct", "Spend change", "percent", signed=True, html=False),
            Column("campaign_key", "Campaign key", html=False),
            Column("campaign_id", "Campaign id", html=False),
            Column("channel", "Channel", "channel", html=False),
            Column("initiative", "Initiative", html=False),
            Column("launch_month", "Launch month", "date", html=False),
            Column("iso_week", "ISO week", html=False),
            Column("week_start_date", "Week start", "date", html=False),
        ],
        rows=rows,
        key=("campaign_key",),
        note="Most attributed revenue first. Changes are against the campaign's previous week (— in its first week; "
        "ROAS change — when either week had no spend).",
    )


def _kpis(totals: dict[str, dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    """The week's headline cards: each total, last week's, and the change."""
    this, before = totals.get("this", {}), totals.get("previous", {})
    cards = []
    for key, label, fmt in (
        ("attributed_revenue", "Attributed revenue", lambda v: format_money(v, currency)),
        ("spend", "Spend", lambda v: format_money(v, currency)),
        ("roas", "ROAS", format_ratio),
        ("cpa", "CPA", lambda v: format_money(v, currency, 2)),
        ("attributed_orders", "Attributed orders", format_count),
    ):
        value, prior = this.get(key), before.get(key)
        change = _change(value, prior)
        change_text = "—" if change is None else fmt(float(change))
        if change is not None and change > 0:
            change_text = "+" + change_text
        cards.append(
            {
                "key": key,
                "label": label,
                "scope": "all campaigns" + (" · lower is better" if key == "cpa" else ""),
                "actual": fmt(None if value is None else float(value)),
                "actual_raw": "" if value is None else str(value),
                "detail": "",
                "comparison_label": "last week",
                "comparison": fmt(None if prior is None else float(prior)),
                "comparison_field": "previous",
                "comparison_raw": "" if prior is None else str(prior),
                "result": f"{change_text} vs last week",
                "result_field": "change",
                "result_raw": "" if change is None else str(change),
                "status": None,
            }
        )
    return cards


def _change(value: Any, prior: Any) -> Any:
    """value - prior, exact for decimals; None when either is missing."""
    if value is None or prior is None:
        return None
    if isinstance(value, Decimal) != isinstance(prior, Decimal):
        return float(value) - float(prior)
    return value - prior


def _pct(change: Any, prior: Any) -> float | None:
    """change / prior as a fraction; None when prior is missing or zero."""
    if change is None or prior is None or prior == 0:
        return None
    return float(change) / float(prior)
