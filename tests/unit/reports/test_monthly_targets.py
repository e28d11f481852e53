"""Tests for the monthly target report: figures, chart, offline-ness, CSV, errors and the warehouse lock."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from reports.errors import ReportError
from reports.monthly_targets import ReportFiles, build_monthly_target_report

JAN = date(2026, 1, 1)
FEB = date(2026, 2, 1)
GENERATED_AT = datetime(2026, 2, 1, 6, 5, tzinfo=UTC)

# The columns of marts.rpt_monthly_targets, exactly as docs/design.md lists them.
DDL = """
create table marts.rpt_monthly_targets (
    month date, metric varchar, channel varchar, segment varchar, target double, actual double,
    attainment double, days_elapsed integer, days_in_month integer, projection double,
    projected_attainment double, status varchar, is_month_closed boolean
)
"""

# month, metric, channel, segment, target, actual, attainment, status
ROWS = [
    (JAN, "revenue", "all", "all", 250000.0, 241234.56, 0.96493824, "on_track"),
    (JAN, "revenue", "meta", "all", 120000.0, 131000.1, 1.09166750, "on_track"),
    (JAN, "revenue", "instagram", "all", 40000.0, 30500.0, 0.7625, "off_track"),
    (JAN, "revenue", "all", "genz", 60000.0, 52000.0, 0.86666667, "at_risk"),
    (JAN, "orders", "all", "all", 3200.0, 3051.0, 0.9534375, "on_track"),
    (JAN, "roas", "all", "all", 4.0, 4.1054, 1.02635, "on_track"),
    (JAN, "cpa", "all", "all", 18.5, 19.26, 0.96053998, "on_track"),
    (JAN, "followers_gained", "instagram", "all", 5000.0, 3800.0, 0.76, "off_track"),
    (JAN, "followers_gained", "facebook", "all", 1500.0, None, None, "no_data"),
    # February is still open: it must not leak into January's report.
    (FEB, "revenue", "all", "all", 260000.0, 91000.0, 0.35, "at_risk"),
]

# What the report must show for each January row: (target, actual, attainment, status label).
EXPECTED = {
    ("revenue", "all", "all"): ("$250,000", "$241,235", "96.5%", "On track"),
    ("revenue", "meta", "all"): ("$120,000", "$131,000", "109.2%", "On track"),
    ("revenue", "instagram", "all"): ("$40,000", "$30,500", "76.3%", "Off track"),
    ("revenue", "all", "genz"): ("$60,000", "$52,000", "86.7%", "At risk"),
    ("orders", "all", "all"): ("3,200", "3,051", "95.3%", "On track"),
    ("roas", "all", "all"): ("4.00", "4.11", "102.6%", "On track"),
    ("cpa", "all", "all"): ("$18.50", "$19.26", "96.1%", "On track"),
    ("followers_gained", "instagram", "all"): ("5,000", "3,800", "76.0%", "Off track"),
    ("followers_gained", "facebook", "all"): ("1,500", "—", "—", "No data"),
}


@dataclass
class Page:
    """What the tests read from the report: figures by element, tags with attributes, and SVG text."""

    figures: dict[tuple[str, str, str, str], dict[str, str]] = field(default_factory=dict)
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    svg_texts: list[str] = field(default_factory=list)
    style_text: str = ""


class ReportParser(HTMLParser):
    """Collect each `data-field` text inside an element marked with `data-metric`, keyed by that element."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._stack: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.page.tags.append((tag, attributes))
        if tag not in self.VOID:
            self._stack.append((tag, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self._stack]
        if "style" in tags:
            self.page.style_text += data
        if "text" in tags and "svg" in tags:
            self.page.svg_texts.append(data.strip())
        section = next((attrs["id"] for tag, attrs in self._stack if tag == "section"), None)
        if section and data.strip():
            self.page.sections.setdefault(section, []).append(data.strip())
        inner_first = list(reversed(self._stack))
        holder = next((attrs for _, attrs in inner_first if "data-metric" in attrs), None)
        field_name = next((attrs["data-field"] for _, attrs in inner_first if "data-field" in attrs), None)
        if holder is None or field_name is None:
            return
        kind = "kpi" if "kpi" in holder.get("class", "").split() else "row"
        key = (kind, holder["data-metric"], holder["data-channel"], holder["data-segment"])
        cell = self.page.figures.setdefault(key, {})
        cell[field_name] = " ".join(f"{cell.get(field_name, '')} {data}".split())


def parse(path: Path) -> Page:
    """Parse a written report."""
    parser = ReportParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A DuckDB file holding marts.rpt_monthly_targets with a closed January and an open February."""
    path = tmp_path / "socialmart.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(DDL)
        for month, metric, channel, segment, target, actual, attainment, status in ROWS:
            closed = month == JAN
            days = (31, 31) if closed else (10, 28)
            # A closed month's projection is its actual.
            con.execute(
                "insert into marts.rpt_monthly_targets values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    *(month, metric, channel, segment, target, actual, attainment, *days),
                    *(actual, attainment, status, closed),
                ],
            )
    finally:
        con.close()
    return path


@pytest.fixture
def report(warehouse: Path, tmp_path: Path) -> ReportFiles:
    """January's report, with one gate warning and one passed check."""
    # Records shaped like expectations.results.CheckResult.to_record().
    gate = [
        {
            "run_date": "2026-02-01",
            "name": "orders_fresh.marts.fct_orders_attributed",
            "suite": "marts.freshness",
            "severity": "warning",
            "success": False,
            "evaluated": True,
            "table_name": "marts.fct_orders_attributed",
            "column_name": "created_at",
            "rule": "the latest order is at most 26 hours old",
            "observed_value": "30",
            "samples": "[]",
            "message": "latest order is 30 hours old",
        },
        {
            "name": "spend_non_negative.marts.fct_ad_performance_daily",
            "severity": "warning",
            "success": True,
            "table_name": "marts.fct_ad_performance_daily",
            "message": "",
        },
        {
            "name": "sessions_volume",
            "severity": "warning",
            "success": False,
            "evaluated": False,
            "message": "",
        },
    ]
    return build_monthly_target_report(warehouse, JAN, tmp_path / "out", gate, generated_at=GENERATED_AT)


def test_files_are_named_by_month(report: ReportFiles, tmp_path: Path) -> None:
    assert report.html == tmp_path / "out" / "monthly-targets-2026-01.html"
    assert report.csv == tmp_path / "out" / "monthly-targets-2026-01.csv"
    assert report.html.is_file() and report.csv.is_file()


def test_title_names_product_and_month(report: ReportFiles) -> None:
    html = report.html.read_text(encoding="utf-8")
    assert "<title>socialmart · Monthly targets · January 2026</title>" in html
    assert "Northwind" not in html


def test_headline_kpis_show_the_table_figures(report: ReportFiles) -> None:
    figures = parse(report.html).figures
    for metric in ("revenue", "orders", "roas", "cpa"):
        target, actual, attainment, status = EXPECTED[(metric, "all", "all")]
        kpi = figures[("kpi", metric, "all", "all")]
        assert kpi["target"] == target
        assert kpi["actual"] == actual
        assert kpi["attainment"] == attainment
        assert kpi["status"].endswith(status)


def test_headlines_fall_back_to_channels_without_a_total(report: ReportFiles) -> None:
    kpis = {key[1:] for key in parse(report.html).figures if key[0] == "kpi"}
    assert ("followers_gained", "instagram", "all") in kpis
    assert ("followers_gained", "facebook", "all") in kpis
    # A metric with a total shows only the total; segment rows stay in the table.
    assert ("revenue", "meta", "all") not in kpis
    assert ("revenue", "all", "genz") not in kpis


def test_table_lists_every_target_row_formatted(report: ReportFiles) -> None:
    figures = parse(report.html).figures
    rows = {key[1:]: value for key, value in figures.items() if key[0] == "row"}
    assert set(rows) == set(EXPECTED)
    for key, (target, actual, attainment, status) in EXPECTED.items():
        assert rows[key]["target"] == target, key
        assert rows[key]["actual"] == actual, key
        assert rows[key]["attainment"] == attainment, key
        assert rows[key]["status"].endswith(status), key


def test_status_badges_carry_a_text_label_and_a_colour(report: ReportFiles) -> None:
    page = parse(report.html)
    statuses = {attrs["data-status"] for tag, attrs in page.tags if "data-status" in attrs}
    assert {"on_track", "at_risk", "off_track", "no_data"} <= statuses
    for key in ("on_track", "at_risk", "off_track", "no_data"):
        assert f".status-{key} {{ background: #" in page.style_text


def test_chart_is_inline_svg_with_the_channel_figures(report: ReportFiles) -> None:
    page = parse(report.html)
    assert any(tag == "svg" for tag, _ in page.tags)
    assert not any(tag in ("img", "object", "embed", "iframe") for tag, _ in page.tags)
    texts = set(page.svg_texts)
    # Per-channel revenue bars carry their values, and the channels their attainment.
    assert {"$131,000", "$120,000", "$30,500", "$40,000"} <= texts
    assert "Meta Ads · 109.2%" in texts
    assert "Instagram · 76.3%" in texts


def test_no_external_resources(report: ReportFiles) -> None:
    page = parse(report.html)
    assert not any(tag in ("script", "link") for tag, _ in page.tags)
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href", "action", "poster", "data"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("http://", "https://", "//")), (tag, name, value)
    css = page.style_text.lower()
    assert "@import" not in css
    assert "url(http" not in css and "url(//" not in css


def test_data_quality_lists_gate_warnings(report: ReportFiles) -> None:
    section = " ".join(parse(report.html).sections["data-quality"])
    assert "2 warnings" in section
    assert "orders_fresh.marts.fct_orders_attributed" in section
    assert "marts.fct_orders_attributed.created_at" in section
    assert "latest order is 30 hours old" in section
    assert "sessions_volume" in section and "not evaluated" in section
    assert "spend_non_negative" not in section  # it passed
    assert "Followers gained · Facebook · All segments" in section  # the no_data target


def test_data_quality_without_gate_summary(warehouse: Path, tmp_path: Path) -> None:
    files = build_monthly_target_report(warehouse, JAN, tmp_path / "out")
    section = " ".join(parse(files.html).sections["data-quality"])
    assert "not attached" in section


def test_definitions_and_footer(report: ReportFiles) -> None:
    page = parse(report.html)
    definitions = " ".join(page.sections["definitions"])
    for term in ("Revenue", "Net sales", "ROAS", "CPA", "Attainment", "95%", "85%"):
        assert term in definitions
    html = report.html.read_text(encoding="utf-8")
    assert "Generated at 2026-02-01 06:05 UTC" in html
    assert "Data through 2026-01-31" in html


def test_csv_equals_the_model_rows(report: ReportFiles, warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.rpt_monthly_targets where month = ? order by metric, channel, segment", [JAN]
        )
        columns = [d[0] for d in cursor.description]
        expected = cursor.fetchall()
    finally:
        con.close()
    with report.csv.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        written = list(reader)
    assert header == columns
    assert len(written) == len(expected) == len(EXPECTED)
    for cells, values in zip(written, expected, strict=True):
        for cell, value in zip(cells, values, strict=True):
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif isinstance(value, date):
                assert date.fromisoformat(cell) == value
            else:
                assert type(value)(cell) == value


def test_month_without_targets_raises(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError) as error:
        build_monthly_target_report(warehouse, date(2025, 12, 1), tmp_path / "out")
    message = str(error.value)
    assert "2025-12" in message
    assert str(warehouse) in message
    assert "inputs/targets.csv" in message
    assert not (tmp_path / "out" / "monthly-targets-2025-12.html").exists()


def test_open_month_raises(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="2026-02 is not a closed month"):
        build_monthly_target_report(warehouse, FEB, tmp_path / "out")


def test_missing_warehouse_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(ReportError, match="Warehouse file not found") as error:
        build_monthly_target_report(missing, JAN, tmp_path / "out")
    assert str(missing) in str(error.value)
    assert not missing.exists()


def test_missing_model_raises(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(ReportError, match=r"marts\.rpt_monthly_targets not found"):
        build_monthly_target_report(path, JAN, tmp_path / "out")


def test_warehouse_is_closed_after_build_and_after_errors(warehouse: Path, tmp_path: Path) -> None:
    build_monthly_target_report(warehouse, JAN, tmp_path / "out")
    with pytest.raises(ReportError):
        build_monthly_target_report(warehouse, date(2025, 12, 1), tmp_path / "out")
    # A read-only connection still open in this process would make a read-write open fail.
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from marts.rpt_monthly_targets where month = ?", [FEB])
    finally:
        con.close()


def test_day_in_month_selects_that_month(warehouse: Path, tmp_path: Path) -> None:
    files = build_monthly_target_report(warehouse, date(2026, 1, 17), tmp_path / "out")
    assert files.html.name == "monthly-targets-2026-01.html"


def test_decimal_columns_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "decimal.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(DDL.replace("target double, actual double", "target decimal(18,2), actual decimal(18,2)"))
        con.execute(
            "insert into marts.rpt_monthly_targets values "
            "('2026-01-01', 'revenue', 'meta', 'all', 1000.00, 987.65, 0.98765, 31, 31, 987.65, 0.98765, "
            "'on_track', true)"
        )
    finally:
        con.close()
    files = build_monthly_target_report(path, JAN, tmp_path / "out", currency="EUR")
    row = parse(files.html).figures[("row", "revenue", "meta", "all")]
    assert (row["target"], row["actual"], row["attainment"]) == ("€1,000", "€988", "98.8%")
