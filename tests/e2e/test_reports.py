"""The reports the session's nightly runs built (e2e_scenario.py), checked against the marts they were built from.

The first run (RUN_DATE 2026-11-10, a Tuesday, nothing built yet) builds the pacing report of November and catches
up October's target report and ISO week 2026-W45's campaign report; the next day's run builds only its pacing
report. Every figure on the pages is compared with SQL over the same published warehouse, money to the cent, and
the headline revenue with the sandbox's ground truth.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from e2e_scenario import RUN_DATE, FirstRun, Scenario, query, run_truth
from postgres_support import PostgresRun
from report_browser import REQUIRE_ENV, check_in_browser, chromium
from report_page import Cell, Page, PageTable, external_references, parse_page

from reports.formatting import format_metric_value
from reports.pdf import find_chromium
from socialmart.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.e2e
CENT = Decimal("0.01")
MONTHLY, PACING, PACING_NEXT, WEEKLY = (
    "monthly-targets-2026-10",
    "pacing-2026-11-09",
    "pacing-2026-11-10",
    "weekly-campaign-revenue-2026-W45",
)


def _html(scenario: Scenario, stem: str) -> Path:
    return scenario.root / "reports" / stem / f"{stem}.html"


def _cents(cell: Cell) -> Decimal:
    return Decimal(cell.value).quantize(CENT)


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _report(run: FirstRun, stem: str) -> Path:
    """The HTML of the report `stem` that the first run on `run`'s warehouse built."""
    [html] = [path for path in run.summary.reports if path.stem == stem]
    return html


def test_the_runs_built_the_reports_due(scenario: Scenario) -> None:
    assert scenario.first.report_errors == [] and scenario.second.report_errors == []
    assert scenario.first.reports == [_html(scenario, stem) for stem in (PACING, MONTHLY, WEEKLY)]
    assert scenario.second.reports == [_html(scenario, PACING_NEXT)]  # October and W45 were built already
    assert scenario.first.report_notes == [] and scenario.second.report_notes == []
    _assert_report_files([_html(scenario, stem) for stem in (PACING, MONTHLY, WEEKLY, PACING_NEXT)])


@pytest.mark.postgres
def test_the_postgres_run_built_the_reports_due_from_its_marts(postgres_nightly: PostgresRun) -> None:
    summary = postgres_nightly.summary
    assert summary.report_errors == [] and summary.report_notes == []
    assert [path.stem for path in summary.reports] == [PACING, MONTHLY, WEEKLY]
    _assert_report_files(summary.reports)


def _assert_report_files(pages: list[Path]) -> None:
    """Each report has its workbook, CSV tables, no external reference, and a PDF where Chromium is installed."""
    for html in pages:
        folder, stem = html.parent, html.stem
        assert (folder / f"{stem}.xlsx").is_file()
        assert list(folder.glob("*.csv"))
        assert external_references(parse_page(html)) == []
        if find_chromium() or os.environ.get(REQUIRE_ENV):
            assert (folder / f"{stem}.pdf").read_bytes().startswith(b"%PDF")


def _all_target_rows(page: Page) -> dict[str, dict[str, Cell]]:
    rows: dict[str, dict[str, Cell]] = {}
    for name in ("targets_totals", "targets_by_channel", "targets_by_segment"):
        table = page.tables.get(name, PageTable(source=""))
        assert not rows.keys() & table.rows.keys()
        rows.update(table.rows)
    return rows


def test_monthly_targets_equal_the_marts_and_the_truth(first_run: FirstRun) -> None:
    page = parse_page(_report(first_run, MONTHLY))
    rows = first_run.query(
        "select metric, channel, segment, target, actual, attainment, status from marts.rpt_monthly_targets "
        "where month = date '2026-10-01'",
    )
    shown = _all_target_rows(page)
    assert set(shown) == {f"{m}|{c}|{s}" for m, c, s, *_ in rows}
    for metric, channel, segment, target, actual, attainment, status in rows:
        cells = shown[f"{metric}|{channel}|{segment}"]
        assert float(cells["actual"].value) == float(actual) and float(cells["target"].value) == float(target)
        assert cells["actual"].text == format_metric_value(metric, float(actual), "USD")
        assert float(cells["attainment"].value) == float(attainment) and cells["status"].value == status
    truth = run_truth(RUN_DATE).target_actual("revenue", "all", "all", "2026-10")
    assert _cents(page.kpis["revenue|all|all"]["actual"]) == truth
    assert page.kpis["revenue|all|all"]["actual"].text == f"${truth.quantize(Decimal(1)):,}"


def test_monthly_sections_equal_the_marts(first_run: FirstRun) -> None:
    page = parse_page(_report(first_run, MONTHLY))
    campaigns = first_run.query(
        "select campaign_key, sum(spend), sum(attributed_revenue), sum(attributed_orders) "
        "from marts.fct_campaign_performance_daily where date_day between date '2026-10-01' and date '2026-10-31' "
        "group by campaign_key having sum(spend) <> 0 or sum(attributed_revenue) <> 0",
    )
    shown = page.tables["campaigns"].rows
    assert set(shown) == {key for key, *_ in campaigns} and len(shown) > 5
    for key, spend, revenue, orders in campaigns:
        assert (_cents(shown[key]["spend"]), _cents(shown[key]["attributed_revenue"])) == (spend, revenue), key
        assert int(shown[key]["attributed_orders"].value) == orders
        if spend:
            assert float(shown[key]["roas"].value) == pytest.approx(float(revenue / spend), rel=1e-12)
    roas = [float(row["roas"].value) for row in shown.values() if row["roas"].value]
    assert roas == sorted(roas, reverse=True)

    budget = first_run.query(
        "select channel, budget, spend_to_date, projected_vs_budget from marts.fct_budget_pacing "
        "where month = date '2026-10-01'",
    )
    shown = page.tables["budget"].rows
    assert set(shown) == {channel for channel, *_ in budget}
    for channel, amount, spend, over in budget:
        row = shown[channel]
        assert (_cents(row["budget"]), _cents(row["spend_to_date"]), _cents(row["projected_vs_budget"])) == (
            amount,
            spend,
            over,
        )

    conversions = first_run.query(
        "select platform, platform_conversions, store_orders, store_revenue from "
        "marts.rpt_platform_vs_store_conversions where month = date '2026-10-01'",
    )
    shown = page.tables["conversions"].rows
    for platform, claimed, orders, revenue in conversions:
        assert float(shown[platform]["platform_conversions"].value) == claimed
        assert (int(shown[platform]["store_orders"].value), _cents(shown[platform]["store_revenue"])) == (
            orders,
            revenue,
        )

    posts = first_run.query(
        "select post_id, engagements from marts.fct_posts where published_date between date '2026-10-01' and "
        "date '2026-10-31' and engagements is not null order by engagements desc, engagement_rate desc nulls last, "
        "post_id limit 10",
    )
    shown_posts = [(key, int(row["engagements"].value)) for key, row in page.tables["top_posts"].rows.items()]
    assert shown_posts == [tuple(post) for post in posts]
    assert set(page.charts) == {"actual-vs-target", "roas-by-campaign", "spend-vs-budget", "engagement-heatmap"}


def test_monthly_csv_equals_the_marts(scenario: Scenario) -> None:
    path = _html(scenario, MONTHLY).parent / "targets_by_channel.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        written = {(r["metric"], r["channel"]): float(r["actual"]) for r in csv.DictReader(handle) if r["actual"]}
    rows = query(
        scenario.first_snapshot,
        "select metric, channel, actual from marts.rpt_monthly_targets where month = date '2026-10-01' "
        "and channel <> 'all' and segment = 'all' and actual is not null",
    )
    assert written == {(metric, channel): actual for metric, channel, actual in rows}


@pytest.mark.parametrize(("stem", "which"), [(PACING, "first"), (PACING_NEXT, "second")])
def test_pacing_equals_the_marts(scenario: Scenario, stem: str, which: str) -> None:
    warehouse = scenario.first_snapshot if which == "first" else scenario.second_snapshot
    page = parse_page(_html(scenario, stem))
    rows = query(
        warehouse,
        "select metric, channel, segment, actual, projection, projected_attainment, status, days_elapsed "
        "from marts.rpt_monthly_targets where month = date '2026-11-01'",
    )
    shown = page.tables["targets"].rows
    assert set(shown) == {f"{m}|{c}|{s}" for m, c, s, *_ in rows}
    for metric, channel, segment, actual, projection, projected, status, elapsed in rows:
        cells = shown[f"{metric}|{channel}|{segment}"]
        assert (cells["actual"].value or None) == (None if actual is None else repr(actual))
        assert (cells["projection"].value or None) == (None if projection is None else repr(projection))
        assert (cells["projected_attainment"].value or None) == (None if projected is None else repr(projected))
        assert cells["status"].value == status
        assert elapsed == (9 if which == "first" else 10)
    risk = page.tables.get("at_risk", PageTable(source="")).rows
    assert set(risk) == {f"{m}|{c}|{s}" for m, c, s, _, _, _, status, _ in rows if status in ("at_risk", "off_track")}
    [(revenue_to_date,)] = query(
        warehouse,
        "select actual from marts.rpt_monthly_targets where month = date '2026-11-01' and metric = 'revenue' "
        "and channel = 'all' and segment = 'all'",
    )
    assert f"to date {format_metric_value('revenue', revenue_to_date, 'USD')}" in page.charts["cumulative-vs-target"]


def test_weekly_equals_the_marts(first_run: FirstRun) -> None:
    page = parse_page(_report(first_run, WEEKLY))
    rows = first_run.query(
        "select campaign_key, spend, attributed_revenue, attributed_orders, revenue_wow_change "
        "from marts.rpt_weekly_campaign_revenue where iso_week = '2026-W45'",
    )
    shown = page.tables["campaigns"].rows
    assert set(shown) == {key for key, *_ in rows} and len(rows) > 5
    for key, spend, revenue, orders, change in rows:
        assert (_cents(shown[key]["spend"]), _cents(shown[key]["attributed_revenue"])) == (spend, revenue)
        assert int(shown[key]["attributed_orders"].value) == orders
        assert (shown[key]["revenue_wow_change"].value or None) == (None if change is None else str(change))
    assert _cents(page.kpis["spend"]["actual"]) == sum(spend for _, spend, *_ in rows)
    assert _cents(page.kpis["attributed_revenue"]["actual"]) == sum(revenue for _, _, revenue, *_ in rows)
    launches = page.tables["launches"].rows
    assert sum(_cents(row["attributed_revenue"]) for row in launches.values()) == sum(r for _, _, r, *_ in rows)


def test_cli_builds_week_44_from_the_published_warehouse(scenario: Scenario, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["report", "weekly", "--week", "2026-W44", "--warehouse", str(scenario.first_snapshot), "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    stem = "weekly-campaign-revenue-2026-W44"
    page = parse_page(tmp_path / stem / f"{stem}.html")
    [(spend,)] = query(
        scenario.first_snapshot,
        "select sum(spend) from marts.rpt_weekly_campaign_revenue where iso_week = '2026-W44'",
    )
    assert _cents(page.kpis["spend"]["actual"]) == spend
    missing = CliRunner().invoke(
        main, ["report", "monthly", "--month", "2024-06", "--warehouse", str(scenario.first_snapshot)]
    )
    assert missing.exit_code == 1 and "No targets for 2024-06" in missing.output
    assert "Traceback" not in missing.output


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("stem", [MONTHLY, PACING, WEEKLY])
def test_report_in_chromium(scenario: Scenario, browser: Browser, stem: str) -> None:
    check_in_browser(browser, _html(scenario, stem), f"e2e-{stem}")


def test_run_date_is_a_tuesday() -> None:
    """The scenario's schedule above assumes it: not the 1st, not a Monday."""
    assert date(2026, 11, 10) == RUN_DATE and RUN_DATE.isoweekday() == 2
