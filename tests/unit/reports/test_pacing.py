"""The pacing report on the hand-made warehouse: February, open, data through 2026-02-10 (day 10 of 28)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from report_page import Page, external_references, parse_page
from report_warehouse import FEB, GENERATED_AT, make_warehouse

from reports.errors import ReportError
from reports.options import ReportOptions
from reports.render import ReportFiles
from reports.schedule import ReportRequest, build_report

OPTIONS = ReportOptions(pdf=False, generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    root = tmp_path_factory.mktemp("pacing")
    return build_report(
        ReportRequest("pacing", FEB), make_warehouse(root / "socialmart.duckdb"), root / "out", [], OPTIONS
    )


@pytest.fixture(scope="module")
def page(report: ReportFiles) -> Page:
    return parse_page(report.html)


def test_named_by_its_last_day_of_data(report: ReportFiles) -> None:
    assert report.html.name == "pacing-2026-02-10.html"
    assert set(report.csv) == {"at_risk", "targets", "budget"}
    assert "data through 10 February 2026 (day 10 of 28)" in report.html.read_text(encoding="utf-8")


def test_cards_show_the_projection_against_target(page: Page) -> None:
    revenue = page.kpis["revenue|all|all"]
    assert (revenue["actual"].text, revenue["target"].text) == ("$254,800", "$280,000")
    assert revenue["projected_attainment"].text == "91.0%"
    assert revenue["status"].text.endswith("At risk")


def test_at_risk_targets_and_by_how_much(page: Page) -> None:
    risk = page.tables["at_risk"]
    # Lowest projected attainment first; on-track and no-data targets are not at risk.
    assert risk.keys == ["orders|all|all", "cpa|meta|all", "revenue|all|all"]
    revenue = risk.rows["revenue|all|all"]
    # 280,000 - 254,800; 91,000 / 10 days; (280,000 - 91,000) / 18 remaining days.
    assert (revenue["gap"].text, revenue["daily_pace"].text, revenue["needed_daily_pace"].text) == (
        "$25,200",
        "$9,100",
        "$10,500",
    )
    orders = risk.rows["orders|all|all"]
    assert (orders["gap"].text, orders["daily_pace"].text, orders["needed_daily_pace"].text) == ("760", "80", "122")
    cpa = risk.rows["cpa|meta|all"]  # lower is better: 25 - 20 over the target, and no daily pace for a ratio
    assert (cpa["gap"].text, cpa["daily_pace"].text, cpa["projected_attainment"].text) == ("$5.00", "—", "80.0%")
    assert float(cpa["gap"].value) == 5.0


def test_all_targets_with_projection(page: Page) -> None:
    targets = page.tables["targets"]
    assert len(targets.keys) == 6
    meta = targets.rows["revenue|meta|all"]
    assert (meta["actual"].text, meta["projection"].text, meta["projected_attainment"].text) == (
        "$40,000",
        "$112,000",
        "112.0%",
    )
    assert targets.rows["followers_gained|instagram|all"]["status"].text.endswith("No data")


def test_cumulative_chart_runs_to_date_against_the_target_line(page: Page) -> None:
    texts = set(page.charts["cumulative-vs-target"])
    # Revenue: 10 days x (4,000 + 5,100); orders: 10 x (30 + 50). January's row is not counted.
    assert {"to date $91,000", "target $280,000", "projected $254,800"} <= texts
    assert {"to date 800", "target 3,000", "projected 2,240"} <= texts


def test_budget_pacing_of_the_month(page: Page) -> None:
    meta = page.tables["budget"].rows["meta"]
    assert (meta["spend_to_date"].text, meta["expected_spend_to_date"].text) == ("$16,000.00", "$15,000.00")
    assert (meta["pacing_ratio"].text, meta["projected_spend"].text) == ("106.7%", "$44,800.00")
    assert {"$44,800", "$42,000", "Projected spend"} <= set(page.charts["spend-vs-budget"])


def test_self_contained(page: Page) -> None:
    assert external_references(page) == []
    assert not any(tag in ("script", "link", "img") for tag, _ in page.tags)


def test_month_without_a_day_of_data(warehouse: Path, tmp_path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update marts.rpt_monthly_targets set days_elapsed = 0, actual = null where month = ?", [FEB])
    finally:
        con.close()
    with pytest.raises(ReportError, match="No day of 2026-02 has data yet"):
        build_report(ReportRequest("pacing", FEB), warehouse, tmp_path / "out", None, OPTIONS)


def test_month_without_targets(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="No targets for 2026-03"):
        build_report(ReportRequest("pacing", date(2026, 3, 1)), warehouse, tmp_path / "out", None, OPTIONS)
