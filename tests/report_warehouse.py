"""The report tests' small hand-made warehouse: every mart the reports read, with figures the tests work out by hand.

January 2026 is closed; February is open with data through 2026-02-10 (day 10 of 28). ISO weeks 2026-W05 and
2026-W06 are complete, 2026-W07 is not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

JAN = date(2026, 1, 1)
FEB = date(2026, 2, 1)
GENERATED_AT = datetime(2026, 2, 11, 6, 5, tzinfo=UTC)

TARGETS_DDL = """
create table marts.rpt_monthly_targets (
    month date, metric varchar, channel varchar, segment varchar, target double, actual double,
    attainment double, days_elapsed integer, days_in_month integer, projection double,
    projected_attainment double, status varchar, is_month_closed boolean
)
"""
# January (closed): month, metric, channel, segment, target, actual, attainment, status.
JANUARY = [
    ("revenue", "all", "all", 250000.0, 241234.56, 0.96493824, "on_track"),
    ("revenue", "meta", "all", 120000.0, 131000.1, 1.09166750, "on_track"),
    ("revenue", "instagram", "all", 40000.0, 30500.0, 0.7625, "off_track"),
    ("revenue", "all", "genz", 60000.0, 52000.0, 0.86666667, "at_risk"),
    ("orders", "all", "all", 3200.0, 3051.0, 0.9534375, "on_track"),
    ("roas", "all", "all", 4.0, 4.1054, 1.02635, "on_track"),
    ("cpa", "all", "all", 18.5, 19.26, 0.96053998, "on_track"),
    ("followers_gained", "instagram", "all", 5000.0, 3800.0, 0.76, "off_track"),
    ("followers_gained", "facebook", "all", 1500.0, None, None, "no_data"),
]
# February (open, 10 of 28 days): metric, channel, segment, target, actual, projection, projected attainment, status.
FEBRUARY = [
    ("revenue", "all", "all", 280000.0, 91000.0, 254800.0, 0.91, "at_risk"),
    ("revenue", "meta", "all", 100000.0, 40000.0, 112000.0, 1.12, "on_track"),
    ("orders", "all", "all", 3000.0, 800.0, 2240.0, 0.7466666666666667, "off_track"),
    ("cpa", "meta", "all", 20.0, 25.0, 25.0, 0.8, "off_track"),
    ("roas", "all", "all", 4.0, 3.9, 3.9, 0.975, "on_track"),
    ("followers_gained", "instagram", "all", 5000.0, None, None, None, "no_data"),
]

CAMPAIGNS = [
    # campaign_key, campaign_id, platform, channel, campaign_name, initiative, segment
    ("meta:1", "1", "meta", "meta", "spring-drop_genz_conv_us_202601", "spring-drop", "genz"),
    ("tiktok:2", "2", "tiktok", "tiktok", "Copy of lookbook_genz_conv_uk_202601", None, "genz"),
    ("google:3", "3", "google", "google", "brand-search_parents_traffic_us_202601", "brand-search", "parents"),
    ("tiktok:4", "4", "tiktok", "tiktok", "spring-drop_genz_traffic_us_202602", "spring-drop", "genz"),
]
# date_day, campaign_key, spend, attributed_orders, attributed_revenue
CAMPAIGN_DAYS = [
    (date(2025, 12, 31), "meta:1", "999.00", 9, "9999.00"),  # December: outside January
    (date(2026, 1, 5), "meta:1", "1000.00", 30, "3000.00"),
    (date(2026, 1, 20), "meta:1", "500.00", 10, "1500.50"),
    (date(2026, 1, 31), "tiktok:2", "2000.00", 50, "1000.00"),
    (date(2026, 1, 15), "google:3", "0.00", 5, "250.00"),
    (date(2026, 2, 1), "tiktok:4", "300.00", 3, "150.00"),  # February: outside January
]


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema marts")
    con.execute(TARGETS_DDL)
    for metric, channel, segment, target, actual, attainment, status in JANUARY:
        con.execute(
            "insert into marts.rpt_monthly_targets values (?, ?, ?, ?, ?, ?, ?, 31, 31, ?, ?, ?, true)",
            [JAN, metric, channel, segment, target, actual, attainment, actual, attainment, status],
        )
    for metric, channel, segment, target, actual, projection, projected, status in FEBRUARY:
        attainment = None if actual is None else (target / actual if metric == "cpa" else actual / target)
        con.execute(
            "insert into marts.rpt_monthly_targets values (?, ?, ?, ?, ?, ?, ?, 10, 28, ?, ?, ?, false)",
            [FEB, metric, channel, segment, target, actual, attainment, projection, projected, status],
        )
    con.execute(
        "create table marts.dim_campaigns (campaign_key varchar, campaign_id varchar, platform varchar, "
        "channel varchar, campaign_name varchar, initiative varchar, segment varchar)"
    )
    con.executemany("insert into marts.dim_campaigns values (?, ?, ?, ?, ?, ?, ?)", CAMPAIGNS)
    con.execute(
        "create table marts.fct_campaign_performance_daily (date_day date, campaign_key varchar, "
        "campaign_id varchar, platform varchar, channel varchar, segment varchar, spend decimal(18, 2), "
        "attributed_orders bigint, attributed_revenue decimal(18, 2))"
    )
    by_key = {row[0]: row for row in CAMPAIGNS}
    for day, key, spend, orders, revenue in CAMPAIGN_DAYS:
        _, campaign_id, platform, channel, _, _, segment = by_key[key]
        con.execute(
            "insert into marts.fct_campaign_performance_daily values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [day, key, campaign_id, platform, channel, segment, spend, orders, revenue],
        )
    _budgets(con)
    _conversions(con)
    _posts(con)
    _channel_days(con)
    _weekly(con)


def _budgets(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table marts.fct_budget_pacing (month date, channel varchar, currency_code varchar, "
        "budget_local decimal(18, 2), fx_rate decimal(38, 18), budget decimal(18, 2), spend_to_date decimal(18, 2), "
        "days_elapsed integer, days_in_month integer, expected_spend_to_date decimal(18, 2), pacing_ratio double, "
        "projected_spend decimal(18, 2), projected_vs_budget decimal(18, 2), pacing_status varchar, "
        "is_month_closed boolean)"
    )
    # month, channel, budget, spend, days elapsed, days, expected, pacing ratio, projected, over/under, status
    rows = [
        (JAN, "all", "60000.00", "61000.50", 31, 31, "60000.00", 61000.5 / 60000, "61000.50", "1000.50", "on_pace"),
        (JAN, "meta", "40000.00", "45000.25", 31, 31, "40000.00", 1.12500625, "45000.25", "5000.25", "over_pacing"),
        (JAN, "tiktok", "20000.00", "16000.25", 31, 31, "20000.00", 0.8000125, "16000.25", "-3999.75", "under_pacing"),
        (FEB, "meta", "42000.00", "16000.00", 10, 28, "15000.00", 448000 / 420000, "44800.00", "2800.00", "on_pace"),
    ]
    for month, channel, budget, spend, elapsed, days, expected, ratio, projected, over, status in rows:
        con.execute(
            "insert into marts.fct_budget_pacing values (?, ?, 'USD', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                month,
                channel,
                budget,
                budget,
                spend,
                elapsed,
                days,
                expected,
                ratio,
                projected,
                over,
                status,
                month == JAN,
            ],
        )


def _conversions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table marts.rpt_platform_vs_store_conversions (month date, platform varchar, spend decimal(18, 2), "
        "platform_conversions double, platform_conversion_value decimal(18, 2), store_orders bigint, "
        "store_revenue decimal(18, 2), conversions_difference double, conversion_value_difference decimal(18, 2), "
        "conversions_ratio double, conversion_value_ratio double, platform_roas double, store_roas double)"
    )
    rows = [
        (JAN, "meta", "1500.00", 55.0, "5200.00", 40, "4500.50"),
        (JAN, "tiktok", "2000.00", 20.0, "900.00", 50, "1000.00"),
        (FEB, "meta", "100.00", 1.0, "10.00", 1, "10.00"),
    ]
    for month, platform, spend, conversions, value, orders, revenue in rows:
        con.execute(
            "insert into marts.rpt_platform_vs_store_conversions values (?, ?, ?, ?, ?, ?, ?, "
            "?::double - ?, ?::decimal(18,2) - ?::decimal(18,2), ?::double / ?, ?::double / ?::double, "
            "?::double / ?::double, ?::double / ?::double)",
            [
                *(month, platform, spend, conversions, value, orders, revenue),
                *(conversions, orders, value, revenue, conversions, orders, value, revenue),
                *(value, spend, revenue, spend),
            ],
        )


POSTS = [
    # post_id, platform, published_date, hour, engagements, reach, engagement_rate
    ("ig:1", "instagram", date(2026, 1, 10), 14, 500, 10000, 0.05),
    ("tt:2", "tiktok", date(2026, 1, 12), 9, 900, 10000, 0.09),
    ("fb:3", "facebook", date(2026, 1, 20), 20, 100, 5000, 0.02),
    ("pin:4", "pinterest", date(2026, 1, 21), 8, None, None, None),
    ("ig:5", "instagram", date(2026, 2, 2), 10, 5000, 20000, 0.25),  # February: not a January top post
]
BEST_TIMES = [
    # platform, weekday, weekday name, hour, posts, engagements, denominator
    ("instagram", 1, "Monday", 9, 4, 40, 1000),
    ("tiktok", 1, "Monday", 9, 2, 30, 500),
    ("instagram", 3, "Wednesday", 18, 5, 100, 1000),
    ("tiktok", 5, "Friday", 12, 3, 90, 300),  # best rate, but too few posts to be a best time
    ("pinterest", 7, "Sunday", 20, 7, None, None),
]


def _posts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table marts.fct_posts (post_id varchar, platform varchar, published_date date, published_hour "
        "integer, content_type varchar, caption varchar, permalink varchar, impressions bigint, reach bigint, "
        "engagements bigint, engagement_rate double, engagement_rate_basis varchar)"
    )
    for post_id, platform, day, hour, engagements, reach, rate in POSTS:
        con.execute(
            "insert into marts.fct_posts values (?, ?, ?, ?, 'image', ?, ?, ?, ?, ?, ?, 'reach')",
            [
                post_id,
                platform,
                day,
                hour,
                f"Post {post_id}",
                f"https://example.com/{post_id}",
                reach,
                reach,
                engagements,
                rate,
            ],
        )
    con.execute(
        "create table marts.rpt_best_time_to_post (platform varchar, published_weekday integer, "
        "published_weekday_name varchar, published_hour integer, posts bigint, posts_with_engagement_rate bigint, "
        "median_engagement_rate double, engagements bigint, engagement_denominator bigint, "
        "summed_engagement_rate double)"
    )
    for platform, weekday, name, hour, posts, engagements, denominator in BEST_TIMES:
        rate = None if engagements is None else engagements / denominator
        con.execute(
            "insert into marts.rpt_best_time_to_post values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [platform, weekday, name, hour, posts, posts, rate, engagements, denominator, rate],
        )


def _channel_days(con: duckdb.DuckDBPyConnection) -> None:
    """February 1-10: meta 4,000 revenue and 30 orders a day, unattributed 5,100 and 50 (91,000 and 800 in all)."""
    con.execute(
        "create table marts.fct_channel_daily (date_day date, channel varchar, spend decimal(18, 2), "
        "sessions bigint, attributed_orders bigint, attributed_revenue decimal(18, 2), "
        "attributed_new_customers bigint, followers_gained bigint)"
    )
    con.execute(
        "insert into marts.fct_channel_daily values ('2026-01-31', 'meta', 1, 1, 99, 99999.00, 1, null)"
    )  # January: not in February's running total
    for offset in range(10):
        day = FEB + timedelta(days=offset)
        con.execute(
            "insert into marts.fct_channel_daily values (?, 'meta', 1600.00, 500, 30, 4000.00, 10, null)", [day]
        )
        con.execute(
            "insert into marts.fct_channel_daily values (?, 'unattributed', 0, 0, 50, 5100.00, 20, null)", [day]
        )


WEEKLY = [
    # iso_week, campaign_key, spend, revenue, orders, revenue_wow_change, spend_wow_change, roas_wow_change
    ("2026-W05", "meta:1", "500.00", "1500.00", 15, None, None, None),
    ("2026-W05", "tiktok:2", "400.00", "200.00", 4, None, None, None),
    ("2026-W06", "meta:1", "700.00", "2100.00", 20, "600.00", "200.00", 0.0),
    ("2026-W06", "tiktok:4", "300.00", "150.00", 3, None, None, None),
    ("2026-W06", "tiktok:2", "400.00", "0.00", 0, "-200.00", "0.00", -0.5),
    ("2026-W07", "meta:1", "100.00", "0.00", 0, "-2100.00", "-600.00", -3.0),
]
WEEK_STARTS = {"2026-W05": date(2026, 1, 26), "2026-W06": date(2026, 2, 2), "2026-W07": date(2026, 2, 9)}


def _weekly(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table marts.rpt_weekly_campaign_revenue (iso_week varchar, week_start_date date, "
        "is_complete_week boolean, campaign_key varchar, campaign_id varchar, platform varchar, channel varchar, "
        "campaign_name varchar, initiative varchar, launch_month date, segment varchar, spend decimal(18, 2), "
        "attributed_revenue decimal(18, 2), attributed_orders bigint, roas double, cpa double, "
        "revenue_wow_change decimal(18, 2), revenue_wow_pct double, spend_wow_change decimal(18, 2), "
        "spend_wow_pct double, roas_wow_change double)"
    )
    by_key = {row[0]: row for row in CAMPAIGNS}
    previous: dict[str, tuple[float, float]] = {}
    for week, key, spend, revenue, orders, revenue_change, spend_change, roas_change in WEEKLY:
        _, campaign_id, platform, channel, name, initiative, segment = by_key[key]
        prior_revenue, prior_spend = previous.get(key, (None, None))
        revenue_pct = None if revenue_change is None or not prior_revenue else float(revenue_change) / prior_revenue
        spend_pct = None if spend_change is None or not prior_spend else float(spend_change) / prior_spend
        con.execute(
            "insert into marts.rpt_weekly_campaign_revenue values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?::double / nullif(?::double, 0), ?::double / nullif(?::double, 0), ?, ?, ?, ?, ?)",
            [
                *(week, WEEK_STARTS[week], week != "2026-W07", key, campaign_id, platform, channel, name),
                *(initiative, JAN, segment, spend, revenue, orders, revenue, spend, spend, orders),
                *(revenue_change, revenue_pct, spend_change, spend_pct, roas_change),
            ],
        )
        previous[key] = (float(revenue), float(spend))


def make_warehouse(path: Path) -> Path:
    """Write the hand-made warehouse to `path`."""
    con = duckdb.connect(str(path))
    try:
        _create(con)
    finally:
        con.close()
    return path
