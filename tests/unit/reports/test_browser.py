"""Each report opened in headless Chromium: no console errors, every chart drawn, the headline figures visible."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from report_browser import check_in_browser, chromium
from report_warehouse import FEB, GENERATED_AT, JAN, make_warehouse

from reports.options import ReportOptions
from reports.periods import IsoWeek
from reports.schedule import ReportRequest, build_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REQUESTS = {
    "monthly": ReportRequest("monthly", JAN),
    "pacing": ReportRequest("pacing", FEB),
    "weekly": ReportRequest("weekly", IsoWeek(2026, 6)),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("browser") / "socialmart.duckdb")


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_report_renders_in_chromium(browser: Browser, warehouse_file: Path, tmp_path: Path, kind: str) -> None:
    options = ReportOptions(pdf=False, generated_at=GENERATED_AT)
    files = build_report(REQUESTS[kind], warehouse_file, tmp_path, [], options)
    screenshot = check_in_browser(browser, files.html, f"unit-{kind}")
    assert screenshot.stat().st_size > 20_000


def test_pdf_printed_by_chromium(browser: Browser, warehouse_file: Path, tmp_path: Path) -> None:
    files = build_report(REQUESTS["weekly"], warehouse_file, tmp_path, [], ReportOptions(pdf=True))
    assert files.pdf is not None and files.pdf.read_bytes().startswith(b"%PDF")
    assert files.pdf.stat().st_size > 10_000
