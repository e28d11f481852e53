"""The monthly target report on the hand-made warehouse (conftest.py): every section's figures, worked out by hand."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from report_page import Page, external_references, parse_page
from report_warehouse import GENERATED_AT, JAN, make_warehouse

from reports.errors import ReportError
from reports.options import ReportOptions
from reports.render import ReportFiles
from reports.schedule import ReportRequest, build_report

OPTIONS = ReportOptions(pdf=False, generated_at=GENERATED_AT)
# Shaped like expectations.results.CheckResult.to_record().
GATE = [
    {
        "name": "orders_fresh.marts.fct_orders_attributed",
        "severity": "warning",
        "success": False,
        "evaluated": True,
        "table_name": "marts.fct_orders_attributed",
        "column_name": "created_at",
        "message": "latest order is 30 hours old",
    },
    {
        "name": "spend_non_negative",
        "severity": "error",
        "success": True,
        "table_name": "marts.fct_ad_performance_daily",
    },
    {"name": "sessions_volume", "severity": "warning", "success": False, "evaluated": False, "message": ""},
]
# (target, actual, attainment, status) as the page must show each January row.
EXPECTED = {
    "revenue|all|all": ("$250,000", "$241,235", "96.5%", "On track"),
    "revenue|meta|all": ("$120,000", "$131,000", "109.2%", "On track"),
    "revenue|instagram|all": ("$40,000", "$30,500", "76.3%", "Off track"),
    "revenue|all|genz": ("$60,000", "$52,000", "86.7%", "At risk"),
    "orders|all|all": ("3,200", "3,051", "95.3%", "On track"),
    "roas|all|all": ("4.00", "4.11", "102.6%", "On track"),
    "cpa|all|all": ("$18.50", "$19.26", "96.1%", "On track"),
    "followers_gained|instagram|all": ("5,000", "3,800", "76.0%", "Off track"),
    "followers_gained|facebook|all": ("1,500", "—", "—", "No data"),
}


def build(warehouse: Path, out: Path, gate: list[dict] | None = GATE, month: date = JAN) -> ReportFiles:
    return build_report(ReportRequest("monthly", month), warehouse, out, gate, OPTIONS)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    """January's report, built once for the module's read-only tests."""
    root = tmp_path_factory.mktemp("monthly")
    return build(make_warehouse(root / "socialmart.duckdb"), root / "out")


@pytest.fixture(scope="module")
def page(report: ReportFiles) -> Page:
    return parse_page(report.html)


def test_files_are_named_by_month(report: ReportFiles) -> None:
    folder = report.folder
    assert folder.name == "monthly-targets-2026-01"
    assert report.html == folder / "monthly-targets-2026-01.html"
    assert report.xlsx == folder / "monthly-targets-2026-01.xlsx"
    assert set(report.csv) == {
        "targets_totals",
        "targets_by_channel",
        "targets_by_segment",
        "campaigns",
        "budget",
        "conversions",
        "top_posts",
        "best_times",
        "data_quality",
    }
    assert all(path.is_file() and path.parent == folder for path in report.paths())
    assert report.pdf is None and report.pdf_note == "no PDF requested"


def test_headline_kpis(page: Page) -> None:
    assert page.title == "socialmart · Monthly targets · January 2026"
    # A metric with an all-channel total shows only the total; the others show each channel.
    assert set(page.kpis) == {
        "revenue|all|all",
        "orders|all|all",
        "roas|all|all",
        "cpa|all|all",
        "followers_gained|instagram|all",
        "followers_gained|facebook|all",
    }
    for key, card in page.kpis.items():
        target, actual, attainment, status = EXPECTED[key]
        assert (card["target"].text, card["actual"].text, card["attainment"].text) == (target, actual, attainment)
        assert card["status"].text.endswith(status)
    assert page.kpis["revenue|all|all"]["actual"].value == "241234.56"


def test_targets_by_total_channel_and_segment(page: Page) -> None:
    totals, channels, segments = (page.tables[f"targets_{name}"] for name in ("totals", "by_channel", "by_segment"))
    assert totals.keys == ["revenue|all|all", "orders|all|all", "cpa|all|all", "roas|all|all"]
    assert channels.keys == [
        "revenue|instagram|all",
        "revenue|meta|all",
        "followers_gained|facebook|all",
        "followers_gained|instagram|all",
    ]
    assert segments.keys == ["revenue|all|genz"]
    for table in (totals, channels, segments):
        for key, row in table.rows.items():
            target, actual, attainment, status = EXPECTED[key]
            assert (row["target"].text, row["actual"].text, row["attainment"].text) == (target, actual, attainment)
            assert row["status"].text.endswith(status)
    assert "month" not in totals.rows["revenue|all|all"]  # export-only columns stay off the page
    assert page.charts["actual-vs-target"]
    assert {"$131,000", "$120,000", "$30,500", "$40,000", "Meta Ads · 109.2%"} <= set(page.charts["actual-vs-target"])


def test_campaign_leaderboard_by_roas_and_cpa(page: Page) -> None:
    campaigns = page.tables["campaigns"]
    # January only: meta:1 1,000.00 + 500.00 spend, 3,000.00 + 1,500.50 revenue, 40 orders; tiktok:2 2,000.00 for
    # 1,000.00 and 50 orders; google:3 no spend, 250.00 and 5 orders.
    assert campaigns.keys == ["meta:1", "tiktok:2", "google:3"]
    meta, tiktok, google = (campaigns.rows[key] for key in campaigns.keys)
    assert (meta["spend"].text, meta["attributed_revenue"].text, meta["attributed_orders"].text) == (
        "$1,500.00",
        "$4,500.50",
        "40",
    )
    assert (meta["roas"].text, meta["cpa"].text) == ("3.00", "$37.50")  # 4,500.50 / 1,500; 1,500 / 40
    assert (tiktok["roas"].text, tiktok["cpa"].text) == ("0.50", "$40.00")
    assert (google["roas"].text, google["cpa"].text) == ("—", "$0.00")
    assert [row["roas_rank"].text for row in (meta, tiktok, google)] == ["1", "2", "—"]
    assert [row["cpa_rank"].text for row in (meta, tiktok, google)] == ["2", "3", "1"]
    assert campaigns.rows["meta:1"]["campaign_label"].text == "spring-drop_genz_conv_us_202601"
    assert {"3.00", "0.50", "spring-drop_genz_conv_us_202601"} <= set(page.charts["roas-by-campaign"])


def test_spend_against_budget(page: Page) -> None:
    budget = page.tables["budget"]
    assert budget.keys == ["all", "meta", "tiktok"]
    meta = budget.rows["meta"]
    assert (meta["budget"].text, meta["spend_to_date"].text, meta["pacing_ratio"].text) == (
        "$40,000.00",
        "$45,000.25",
        "112.5%",
    )
    assert meta["projected_vs_budget"].text == "+$5,000.25"
    assert budget.rows["tiktok"]["projected_vs_budget"].text == "-$3,999.75"
    assert budget.rows["tiktok"]["pacing_status"].text.endswith("Under pacing")
    assert "projected_spend" not in meta  # a closed month's projection is its spend
    chart = set(page.charts["spend-vs-budget"])
    assert {"$45,000", "$40,000", "Spend", "Budget"} <= chart
    assert "$61,001" not in chart  # the all-channel total would dwarf the channels


def test_platform_against_store_conversions(page: Page) -> None:
    conversions = page.tables["conversions"]
    assert conversions.keys == ["tiktok", "meta"]  # most spend first
    meta = conversions.rows["meta"]
    assert (meta["platform_conversions"].text, meta["store_orders"].text, meta["conversions_ratio"].text) == (
        "55",
        "40",
        "1.38",
    )
    assert (meta["platform_roas"].text, meta["store_roas"].text) == ("3.47", "3.00")


def test_top_posts_and_best_times(page: Page) -> None:
    posts = page.tables["top_posts"]
    assert posts.keys == ["tt:2", "ig:1", "fb:3"]  # January, most engagements first, Pinterest has none
    assert posts.rows["tt:2"]["published"].text == "2026-01-12 09:00"
    assert posts.rows["tt:2"]["engagement_rate"].text == "9.00%"
    best = page.tables["best_times"]
    # Wednesday 18:00: 100 / 1,000; Monday 09:00: (40 + 30) / (1,000 + 500). Friday 12:00 (30%) has 3 posts.
    assert best.keys == ["3|18", "1|9"]
    assert best.rows["3|18"]["slot"].text == "Wednesday 18:00"
    assert best.rows["1|9"]["engagement_rate"].text == "4.67%"
    assert best.rows["1|9"]["posts"].text == "6"
    heatmap = page.charts["engagement-heatmap"]
    assert {"10.0", "4.7", "30.0", "–"} <= set(heatmap)


def test_data_quality_from_gate_records(page: Page) -> None:
    section = page.sections["data-quality"]
    assert "3 checks ran, and 2 did not pass" in section
    notes = page.tables["data_quality"]
    assert notes.keys == ["orders_fresh.marts.fct_orders_attributed", "sessions_volume"]
    fresh = notes.rows["orders_fresh.marts.fct_orders_attributed"]
    assert fresh["model"].text == "marts.fct_orders_attributed.created_at"
    assert fresh["message"].text == "latest order is 30 hours old"
    assert notes.rows["sessions_volume"]["message"].text == "not evaluated"
    assert "Followers gained · Facebook · All segments" in section  # the no_data target


def test_data_quality_from_the_warehouse_ops_tables(warehouse: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema ops")
        con.execute(
            "create table ops.pipeline_runs (run_id varchar, run_date date, started_at timestamptz, "
            "is_published boolean)"
        )
        con.execute(
            "insert into ops.pipeline_runs values ('good', '2026-02-11', '2026-02-11 05:00:00+00', true), "
            "('failed', '2026-02-12', '2026-02-12 05:00:00+00', false)"
        )
        con.execute(
            "create table ops.dq_results (run_id varchar, name varchar, severity varchar, success boolean, "
            "evaluated boolean, table_name varchar, column_name varchar, rule varchar, message varchar)"
        )
        con.execute(
            "insert into ops.dq_results values "
            "('good', 'fx_fresh', 'warning', false, true, 'marts.fct_orders_attributed', null, 'r', 'rate 3 days old'),"
            "('good', 'spend_ok', 'error', true, true, 'marts.fct_ad_performance_daily', null, 'r', ''),"
            "('failed', 'spend_ok', 'error', false, true, 'marts.fct_ad_performance_daily', null, 'r', 'negative')"
        )
    finally:
        con.close()
    page = parse_page(build(warehouse, tmp_path / "out", gate=GATE).html)
    # The run that published the warehouse, not the failed one after it, nor the records passed in.
    assert page.tables["data_quality"].keys == ["fx_fresh"]
    assert "2 checks ran, and 1 did not pass" in page.sections["data-quality"]
    assert "run good of 2026-02-11" in page.sections["data-quality"]


def test_without_gate_results(warehouse: Path, tmp_path: Path) -> None:
    page = parse_page(build(warehouse, tmp_path / "out", gate=None).html)
    assert "not attached" in page.sections["data-quality"]


def test_definitions_status_colours_and_footer(page: Page, report: ReportFiles) -> None:
    for term in ("Net sales", "ROAS", "CPA", "Attainment", "95%", "85%", "Budget pacing"):
        assert term in page.sections["definitions"]
    for key in ("on_track", "at_risk", "off_track", "no_data", "over_pacing"):
        assert f".status-{key} {{ background: #" in page.style_text
    html = report.html.read_text(encoding="utf-8")
    assert "Generated at 2026-02-11 06:05 UTC" in html and "Data through 2026-01-31" in html
    assert "Northwind" not in html


def test_self_contained(page: Page) -> None:
    assert not any(tag in ("script", "link", "img", "iframe", "object", "embed") for tag, _ in page.tags)
    assert external_references(page) == []
    assert "@import" not in page.style_text and "url(" not in page.style_text
    assert set(page.charts) == {"actual-vs-target", "roas-by-campaign", "spend-vs-budget", "engagement-heatmap"}


def test_csv_holds_every_table_with_raw_values(report: ReportFiles) -> None:
    with report.csv["targets_by_channel"].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["metric"], r["channel"], r["actual"]) for r in rows][:2] == [
        ("revenue", "instagram", "30500.0"),
        ("revenue", "meta", "131000.1"),
    ]
    assert rows[0]["month"] == "2026-01-01" and rows[0]["is_month_closed"] == "true"
    assert next(r for r in rows if r["channel"] == "facebook")["actual"] == ""
    with report.csv["campaigns"].open(newline="", encoding="utf-8") as handle:
        campaigns = {r["campaign_key"]: r for r in csv.DictReader(handle)}
    assert campaigns["meta:1"]["attributed_revenue"] == "4500.50"


def test_xlsx_has_a_typed_sheet_per_table(report: ReportFiles) -> None:
    workbook = openpyxl.load_workbook(report.xlsx)
    assert workbook.sheetnames == ["About", *report.csv]
    sheet = workbook["campaigns"]
    header = [cell.value for cell in sheet[1]]
    spend = sheet.cell(row=2, column=header.index("Spend") + 1)
    assert float(spend.value) == 1500.0 and spend.number_format == '"$"#,##0.00'
    roas = sheet.cell(row=2, column=header.index("ROAS") + 1)
    assert roas.value == pytest.approx(4500.5 / 1500) and roas.number_format == "0.00"
    targets = workbook["targets_totals"]
    assert [cell.value for cell in targets[2]][:3] == ["Revenue (net sales)", "All channels", "All segments"]
    header = [cell.value for cell in targets[1]]
    assert targets.cell(row=2, column=header.index("Attainment") + 1).number_format == "0.0%"


def test_month_without_targets(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError) as error:
        build(warehouse, tmp_path / "out", month=date(2025, 12, 1))
    message = str(error.value)
    assert "No targets for 2025-12" in message and str(warehouse) in message
    assert "inputs/targets.csv" in message and "Months with targets: 2026-01, 2026-02" in message
    assert not (tmp_path / "out").exists()


def test_open_month(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"2026-02 is not a closed month .* \(data through 2026-02-10\)"):
        build(warehouse, tmp_path / "out", month=date(2026, 2, 14))


def test_missing_warehouse_and_model(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="Warehouse file not found"):
        build(tmp_path / "nope.duckdb", tmp_path / "out")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ReportError, match=r"marts\.rpt_monthly_targets not found"):
        build(empty, tmp_path / "out")


def test_warehouse_is_closed_after_build_and_after_errors(warehouse: Path, tmp_path: Path) -> None:
    build(warehouse, tmp_path / "out")
    with pytest.raises(ReportError):
        build(warehouse, tmp_path / "out", month=date(2025, 12, 1))
    # A read-only connection still open in this process would make a read-write open fail.
    duckdb.connect(str(warehouse)).close()
