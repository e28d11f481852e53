"""The weekly-report and monthly-report flows (flows/report_flows.py) on the hand-made warehouse, published where the
settings say: the files written, the default periods, and the reasons a report cannot be built."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_warehouse import make_warehouse

from flows.report_flows import monthly_report, weekly_report
from reports.errors import ReportError


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hand-made warehouse published in a temporary warehouse_dir; the reports go to tmp_path/reports."""
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp_path / "reports"))
    (tmp_path / "warehouse").mkdir()
    make_warehouse(tmp_path / "warehouse" / "socialmart.duckdb")
    return tmp_path / "reports"


@pytest.mark.parametrize(
    ("flow", "period", "stem"),
    [
        (weekly_report, None, "weekly-campaign-revenue-2026-W06"),  # the last complete week
        (weekly_report, "2026-w05", "weekly-campaign-revenue-2026-W05"),
        (monthly_report, None, "monthly-targets-2026-01"),  # the last closed month
    ],
)
def test_builds_the_report_into_reports_dir_and_logs_its_files(
    published: Path, capsys: pytest.CaptureFixture[str], flow, period: str | None, stem: str
) -> None:
    files = flow.fn(period)
    html = published / stem / f"{stem}.html"
    assert files.html == html and html.is_file()
    assert files.xlsx == published / stem / f"{stem}.xlsx" and files.xlsx.is_file()
    assert files.csv and all(path.is_file() for path in files.csv.values())
    printed = capsys.readouterr().out
    assert f"Report:   {html}" in printed
    assert f"Workbook: {files.xlsx}" in printed
    assert f"PDF:      {files.pdf or files.pdf_note}" in printed
    assert f"CSV:      {len(files.csv)} table(s) in {published / stem}" in printed


@pytest.mark.parametrize(
    ("flow", "period", "message"),
    [
        (monthly_report, "2026-02", "2026-02 is not a closed month"),
        (monthly_report, "2025-12", "No targets for 2025-12 in marts.rpt_monthly_targets"),
        (weekly_report, "2026-W07", "ISO week 2026-W07 (2026-02-09 to 2026-02-15) is not complete"),
        (monthly_report, "2026-13", "The month parameter: '2026-13' is not a month: use YYYY-MM, e.g. 2026-10."),
        (weekly_report, "2026-W54", "The week parameter: '2026-W54' is not an ISO week: 2026 has no week 54."),
    ],
)
def test_fails_with_the_reason_when_the_report_cannot_be_built(
    published: Path, flow, period: str, message: str
) -> None:
    with pytest.raises(ReportError) as failure:
        flow.fn(period)
    assert message in str(failure.value)
    assert not published.exists() or not any(published.iterdir())


def test_fails_with_the_fix_when_nothing_is_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp_path / "reports"))
    with pytest.raises(ReportError) as failure:
        weekly_report.fn()
    expected = f"Warehouse file not found: {tmp_path / 'warehouse' / 'socialmart.duckdb'}. Run the nightly flow"
    assert expected in str(failure.value)
