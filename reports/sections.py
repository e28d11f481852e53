"""Report sections read from the marts, shared by the reports: campaigns, budgets, conversions, posts, best times.

Each function reads its model through the `Reader` and returns a `Table` (and a chart where the section has one).
Ratios are recomputed in SQL from the summed parts (never averaged) and a division by zero gives NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from reports.charts import (
    ChartBar,
    ChartPanel,
    HeatmapCell,
    actual_vs_target_svg,
    engagement_heatmap_svg,
    roas_by_campaign_svg,
)
from reports.formatting import STATUS_STYLES, channel_label
from reports.reader import Reader, sql_date
from reports.tables import Column, Table

CAMPAIGNS_MODEL = "marts.fct_campaign_performance_daily"
CAMPAIGN_NAMES_MODEL = "marts.dim_campaigns"
BUDGET_MODEL = "marts.fct_budget_pacing"
CONVERSIONS_MODEL = "marts.rpt_platform_vs_store_conversions"
POSTS_MODEL = "marts.fct_posts"
BEST_TIME_MODEL = "marts.rpt_best_time_to_post"
TOP_POSTS = 10
BEST_SLOTS = 10
# A weekday x hour slot needs this many posts before it can be called a best time (one lucky post is not a pattern).
MIN_POSTS_PER_SLOT = 5
CAPTION_CHARS = 80


def status_key(status: str | None) -> str:
    """The status key a summary counts: NULL is no_data."""
    return status if status in STATUS_STYLES else "no_data"


def campaign_leaderboard(reader: Reader, start: date, end: date) -> Table:
    """Campaigns with spend or attributed revenue in [start, end), best ROAS first, with their CPA rank."""
    reader.require(CAMPAIGNS_MODEL, ("date_day", "campaign_key", "spend", "attributed_revenue"), "report")
    rows = reader.query(
        f"""
        select
            perf.campaign_key,
            max(names.campaign_name) as campaign_name,
            max(perf.platform) as platform,
            max(perf.channel) as channel,
            max(names.initiative) as initiative,
            max(perf.segment) as segment,
            sum(perf.spend) as spend,
            sum(perf.attributed_revenue) as attributed_revenue,
            sum(perf.attributed_orders) as attributed_orders,
            sum(perf.attributed_revenue) / nullif(sum(perf.spend), 0) as roas,
            sum(perf.spend) / nullif(sum(perf.attributed_orders), 0) as cpa
        from {CAMPAIGNS_MODEL} as perf
        left join {CAMPAIGN_NAMES_MODEL} as names
            on perf.campaign_key = names.campaign_key
        where perf.date_day >= {sql_date(start)} and perf.date_day < {sql_date(end)}
        group by perf.campaign_key
        having sum(perf.spend) <> 0 or sum(perf.attributed_revenue) <> 0
        order by roas desc nulls last, attributed_revenue desc, perf.campaign_key
        """
    )
    by_cpa = sorted((row for row in rows if row["cpa"] is not None), key=lambda row: (row["cpa"], row["campaign_key"]))
    cpa_rank = {row["campaign_key"]: rank for rank, row in enumerate(by_cpa, start=1)}
    for rank, row in enumerate(rows, start=1):
        row["roas_rank"] = rank if row["roas"] is not None else None
        row["cpa_rank"] = cpa_rank.get(row["campaign_key"])
        row["campaign_label"] = row["campaign_name"] or row["campaign_key"]
    return Table(
        name="campaigns",
        title="Campaign leaderboard",
        source=f"{CAMPAIGNS_MODEL} with {CAMPAIGN_NAMES_MODEL}",
        columns=[
            Column("roas_rank", "ROAS rank", "count"),
            Column("campaign_label", "Campaign"),
            Column("platform", "Platform", "channel"),
            Column("segment", "Segment", "segment"),
            Column("spend", "Spend", "money", decimals=2),
            Column("attributed_revenue", "Attributed revenue", "money", decimals=2),
            Column("attributed_orders", "Orders", "count"),
            Column("roas", "ROAS", "ratio"),
            Column("cpa", "CPA", "money", decimals=2),
            Column("cpa_rank", "CPA rank", "count"),
            Column("campaign_key", "Campaign key", html=False),
            Column("campaign_name", "Campaign name", html=False),
            Column("channel", "Channel", "channel", html=False),
            Column("initiative", "Initiative", html=False),
        ],
        rows=rows,
        key=("campaign_key",),
        note="Ranked by ROAS (attributed revenue ÷ spend); CPA rank 1 is the cheapest order. "
        "Campaigns without spend have no ROAS and come last.",
        empty_note="No campaign had spend or attributed revenue in this period.",
    )


def roas_chart(campaigns: Sequence[dict[str, Any]], description: str) -> Markup | None:
    """The ROAS-by-campaign chart of the campaigns with spend, in the given order (None when none had spend)."""
    bars = [(row["campaign_label"], float(row["roas"])) for row in campaigns if row["roas"] is not None]
    if not bars:
        return None
    return Markup(roas_by_campaign_svg(bars, description))


def budget_table(reader: Reader, month: date, *, closed: bool) -> Table:
    """Spend against budget per channel of `month` (channel 'all' first); `closed` words it for a closed month."""
    reader.require(BUDGET_MODEL, ("month", "channel", "budget", "spend_to_date", "pacing_status"), "report")
    rows = reader.query(
        f"""
        select channel, currency_code, budget_local, budget, spend_to_date, expected_spend_to_date, pacing_ratio,
            projected_spend, projected_vs_budget, pacing_status, days_elapsed, days_in_month, is_month_closed, month
        from {BUDGET_MODEL}
        where month = {sql_date(month)}
        order by case when channel = 'all' then 0 else 1 end, budget desc, channel
        """
    )
    columns = [
        Column("channel", "Channel", "channel"),
        Column("budget", "Budget", "money", decimals=2),
        Column("spend_to_date", "Spend" if closed else "Spend to date", "money", decimals=2),
        Column("expected_spend_to_date", "Expected by now", "money", decimals=2, html=not closed),
        Column("pacing_ratio", "Pacing", "percent"),
        Column("projected_spend", "Projected spend", "money", decimals=2, html=not closed),
        Column("projected_vs_budget", "Over (+) / under (−) budget", "money", decimals=2, signed=True),
        Column("pacing_status", "Status", "status"),
        Column("currency_code", "Budget currency", html=False),
        Column("budget_local", "Budget (budget currency)", "money", decimals=2, html=False),
        Column("days_elapsed", "Days elapsed", "count", html=False),
        Column("days_in_month", "Days in month", "count", html=False),
        Column("month", "Month", "date", html=False),
    ]
    return Table(
        name="budget",
        title="Spend against budget",
        source=BUDGET_MODEL,
        columns=columns,
        rows=rows,
        key=("channel",),
        note="Pacing = spend ÷ the budget share of the days so far. "
        + (
            "Over/under is the final spend minus the budget."
            if closed
            else "Projected spend runs today's pace to month end; over/under compares it with the budget."
        ),
        empty_note="No budgets for this month in inputs/budgets.csv.",
    )


def budget_chart(budget: Table, currency: str, description: str, *, projected: bool = False) -> Markup | None:
    """Spend (or projected spend) against budget per channel, without the 'all' total (it would dwarf the rest)."""
    spend = "projected_spend" if projected else "spend_to_date"
    rows = [row for row in budget.rows if row["channel"] != "all"] or list(budget.rows)
    if not rows:
        return None
    bars = [
        ChartBar(label=channel_label(row["channel"]), target=_float(row["budget"]), actual=_float(row[spend]))
        for row in rows
    ]
    title = f"{'Projected spend' if projected else 'Spend'} vs budget ({currency.upper()})"
    panel = ChartPanel(metric="spend", title=title, bars=bars)
    label = "Projected spend" if projected else "Spend"
    svg = actual_vs_target_svg(
        [panel], currency, description, chart_id="spend-vs-budget", actual_label=label, target_label="Budget"
    )
    return Markup(svg)


def conversions_table(reader: Reader, month: date) -> Table:
    """What each ad platform claims against what the store attributes to it, for `month`."""
    reader.require(CONVERSIONS_MODEL, ("month", "platform", "platform_conversions", "store_orders"), "report")
    rows = reader.query(
        f"select * from {CONVERSIONS_MODEL} where month = {sql_date(month)} order by spend desc, platform"
    )
    return Table(
        name="conversions",
        title="Platform-reported against store-attributed conversions",
        source=CONVERSIONS_MODEL,
        columns=[
            Column("platform", "Platform", "channel"),
            Column("spend", "Spend", "money", decimals=2),
            Column("platform_conversions", "Platform conversions", "count"),
            Column("store_orders", "Store orders", "count"),
            Column("conversions_ratio", "Platform ÷ store", "ratio"),
            Column("platform_conversion_value", "Platform value", "money", decimals=2),
            Column("store_revenue", "Store revenue", "money", decimals=2),
            Column("platform_roas", "Platform ROAS", "ratio"),
            Column("store_roas", "Store ROAS", "ratio"),
            Column("conversions_difference", "Conversions difference", "count", html=False),
            Column("conversion_value_difference", "Value difference", "money", decimals=2, html=False),
            Column("conversion_value_ratio", "Value ratio", "ratio", html=False),
            Column("month", "Month", "date", html=False),
        ],
        rows=rows,
        key=("platform",),
        note="Platforms count conversions in their own attribution windows; the store counts orders attributed to "
        "the platform's campaigns (UTM or promo code). A ratio above 1 means the platform claims more than the "
        "store sees.",
        empty_note="No ad delivery or attributed orders this month.",
    )


def top_posts_table(reader: Reader, start: date, end: date) -> Table:
    """The posts published in [start, end) with the most engagements (lifetime to date)."""
    reader.require(POSTS_MODEL, ("post_id", "published_date", "engagements", "engagement_rate"), "report")
    rows = reader.query(
        f"""
        select post_id, platform, published_date, published_hour, content_type, caption, permalink, impressions,
            reach, engagements, engagement_rate, engagement_rate_basis
        from {POSTS_MODEL}
        where published_date >= {sql_date(start)} and published_date < {sql_date(end)} and engagements is not null
        order by engagements desc, engagement_rate desc nulls last, post_id
        limit {TOP_POSTS}
        """
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["published"] = f"{row['published_date']:%Y-%m-%d} {row['published_hour']:02d}:00"
        caption = " ".join((row["caption"] or "").split())
        row["caption_short"] = caption if len(caption) <= CAPTION_CHARS else caption[: CAPTION_CHARS - 1] + "…"
    return Table(
        name="top_posts",
        title="Top posts",
        source=POSTS_MODEL,
        columns=[
            Column("rank", "#", "count"),
            Column("platform", "Platform", "channel"),
            Column("published", "Published"),
            Column("content_type", "Type"),
            Column("caption_short", "Post", "link", href_field="permalink"),
            Column("impressions", "Impressions", "count"),
            Column("reach", "Reach", "count"),
            Column("engagements", "Engagements", "count"),
            Column("engagement_rate", "Engagement rate", "percent", decimals=2),
            Column("post_id", "Post id", html=False),
            Column("published_date", "Published date", "date", html=False),
            Column("published_hour", "Published hour", "count", html=False),
            Column("caption", "Caption", html=False),
            Column("permalink", "Link", html=False),
            Column("engagement_rate_basis", "Engagement rate basis", html=False),
        ],
        rows=rows,
        key=("post_id",),
        note=f"The {TOP_POSTS} posts published this period with the most engagements (likes, comments, shares, "
        "saves and clicks to date). Times in the reporting time zone.",
        empty_note="No post with engagement figures was published in this period.",
    )


def best_times(reader: Reader) -> tuple[list[HeatmapCell], Table]:
    """Engagement by publish weekday x hour over all posts to date: heatmap cells and the best slots."""
    reader.require(BEST_TIME_MODEL, ("published_weekday", "published_hour", "engagements"), "report")
    slots = reader.query(
        f"""
        select published_weekday, max(published_weekday_name) as published_weekday_name, published_hour,
            sum(posts) as posts, sum(engagements) as engagements,
            sum(engagement_denominator) as engagement_denominator,
            cast(sum(engagements) as double precision) / nullif(sum(engagement_denominator), 0) as engagement_rate
        from {BEST_TIME_MODEL}
        group by published_weekday, published_hour
        order by published_weekday, published_hour
        """
    )
    cells = [
        HeatmapCell(
            weekday=row["published_weekday"],
            hour=row["published_hour"],
            engagement_rate=None if row["engagement_rate"] is None else float(row["engagement_rate"]),
            posts=int(row["posts"]),
        )
        for row in slots
    ]
    ranked = [row for row in slots if row["engagement_rate"] is not None and row["posts"] >= MIN_POSTS_PER_SLOT]
    ranked.sort(key=lambda row: (-row["engagement_rate"], row["published_weekday"], row["published_hour"]))
    best = ranked[:BEST_SLOTS]
    for rank, row in enumerate(best, start=1):
        row["rank"] = rank
        row["slot"] = f"{row['published_weekday_name']} {row['published_hour']:02d}:00"
    table = Table(
        name="best_times",
        title="Best times to post",
        source=BEST_TIME_MODEL,
        columns=[
            Column("rank", "#", "count"),
            Column("slot", "Weekday and hour"),
            Column("posts", "Posts", "count"),
            Column("engagements", "Engagements", "count"),
            Column("engagement_rate", "Engagement rate", "percent", decimals=2),
            Column("published_weekday", "ISO weekday", "count", html=False),
            Column("published_hour", "Hour", "count", html=False),
            Column("engagement_denominator", "Reach (or impressions)", "count", html=False),
        ],
        rows=best,
        key=("published_weekday", "published_hour"),
        note=f"All platforms' posts to date, by the weekday and hour they were published; slots with at least "
        f"{MIN_POSTS_PER_SLOT} posts, by engagement rate (summed engagements ÷ summed reach).",
        empty_note=f"No weekday and hour has {MIN_POSTS_PER_SLOT} posts with engagement figures yet.",
    )
    return cells, table


def heatmap_chart(cells: Sequence[HeatmapCell]) -> Markup | None:
    """The weekday x hour engagement heatmap (None without posts)."""
    if not any(cell.posts for cell in cells):
        return None
    return Markup(engagement_heatmap_svg(cells, "Engagement rate by weekday and hour published, all posts to date"))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
