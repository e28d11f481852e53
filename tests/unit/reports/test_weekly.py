"""The weekly campaign revenue report on the hand-made warehouse: ISO week 2026-W06 against 2026-W05."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_page import Page, external_references, parse_page
from report_warehouse import GENERATED_AT, make_warehouse

from reports.errors import ReportError
from reports.options import ReportOptions
from reports.periods import IsoWeek
from reports.render import ReportFiles
from reports.schedule import ReportRequest, build_report

OPTIONS = ReportOptions(pdf=False, generated_at=GENERATED_AT)
W06 = IsoWeek(2026, 6)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    root = tmp_path_factory.mktemp("weekly")
    return build_report(
        ReportRequest("weekly", W06), make_warehouse(root / "socialmart.duckdb"), root / "out", [], OPTIONS
    )


@pytest.fixture(scope="module")
def page(report: ReportFiles) -> Page:
    return parse_page(report.html)


def test_named_by_iso_week(report: ReportFiles) -> None:
    assert report.html.name == "weekly-campaign-revenue-2026-W06.html"
    assert set(report.csv) == {"campaigns", "launches"}


def test_week_totals_against_the_week_before(page: Page) -> None:
    # W06: spend 700 + 300 + 400, revenue 2,100 + 150 + 0, orders 20 + 3 + 0; W05: 500 + 400, 1,500 + 200, 15 + 4.
    cards = page.kpis
    assert (cards["spend"]["actual"].text, cards["spend"]["previous"].text) == ("$1,400", "$900")
    assert cards["spend"]["change"].text == "+$500 vs last week"
    assert cards["attributed_revenue"]["change"].value == "550.00"
    assert cards["attributed_orders"]["change"].text == "+4 vs last week"
    # ROAS 2,250 / 1,400 against 1,700 / 900; CPA 1,400 / 23 against 900 / 19.
    assert (cards["roas"]["actual"].text, cards["roas"]["previous"].text) == ("1.61", "1.89")
    assert cards["roas"]["change"].text == "-0.28 vs last week"
    assert (cards["cpa"]["actual"].text, cards["cpa"]["change"].text) == ("$60.87", "+$13.50 vs last week")


def test_campaigns_with_week_over_week_change(page: Page) -> None:
    campaigns = page.tables["campaigns"]
    assert campaigns.keys == ["meta:1", "tiktok:4", "tiktok:2"]  # most revenue first
    meta = campaigns.rows["meta:1"]
    assert (meta["spend"].text, meta["attributed_revenue"].text, meta["roas"].text, meta["cpa"].text) == (
        "$700.00",
        "$2,100.00",
        "3.00",
        "$35.00",
    )
    assert (meta["revenue_wow_change"].text, meta["revenue_wow_pct"].text) == ("+$600.00", "+40.0%")
    assert campaigns.rows["tiktok:4"]["revenue_wow_change"].text == "—"  # its first week
    lookbook = campaigns.rows["tiktok:2"]
    assert (lookbook["cpa"].text, lookbook["revenue_wow_pct"].text) == ("—", "-100.0%")
    assert {"3.00", "0.50", "0.00"} <= set(page.charts["roas-by-campaign"])


def test_launches_add_up_their_campaigns(page: Page) -> None:
    launches = page.tables["launches"]
    assert launches.keys == ["spring-drop", "(name outside the naming convention)"]
    spring = launches.rows["spring-drop"]
    # W06: meta:1 and tiktok:4; W05: meta:1 alone.
    assert (spring["campaigns"].text, spring["spend"].text, spring["attributed_revenue"].text) == (
        "2",
        "$1,000.00",
        "$2,250.00",
    )
    assert (spring["roas"].text, spring["cpa"].text) == ("2.25", "$43.48")
    assert (spring["attributed_revenue_wow_change"].text, spring["revenue_wow_pct"].text) == ("+$750.00", "+50.0%")
    outside = launches.rows["(name outside the naming convention)"]
    assert (outside["attributed_revenue_wow_change"].text, outside["spend_wow_change"].text) == ("-$200.00", "$0.00")


def test_self_contained(page: Page) -> None:
    assert external_references(page) == []
    assert set(page.charts) == {"roas-by-campaign"}


def test_incomplete_and_missing_weeks(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"ISO week 2026-W07 \(2026-02-09 to 2026-02-15\) is not complete"):
        build_report(ReportRequest("weekly", IsoWeek(2026, 7)), warehouse, tmp_path / "out", None, OPTIONS)
    with pytest.raises(ReportError, match="No campaign spend or attributed revenue in ISO week 2026-W20") as error:
        build_report(ReportRequest("weekly", IsoWeek(2026, 20)), warehouse, tmp_path / "out", None, OPTIONS)
    assert "2026-W07, 2026-W06, 2026-W05" in str(error.value)
