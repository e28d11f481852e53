"""Render a report page with Jinja and write its folder: HTML, an XLSX workbook, a CSV per table, and a PDF.

Each report goes into `<out_dir>/<stem>/`: `<stem>.html` (self-contained: CSS and SVG charts inline, no script, no
external resource), `<stem>.xlsx`, `<table>.csv` for each table, and `<stem>.pdf` when Chromium is installed.
Every file is written through a temporary file and renamed, so a reader never sees half a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reports.errors import ReportError
from reports.exports import write_atomic_text, write_csv, write_xlsx
from reports.formatting import PACING_STYLES, STATUS_STYLES, status_style
from reports.pdf import find_chromium, print_pdf
from reports.tables import Table, format_cell, raw_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(format_cell=format_cell, raw_text=raw_text, status_style=status_style)


@dataclass(frozen=True)
class ReportFiles:
    """The files one report build wrote; `pdf` is None when no PDF was made, and `pdf_note` says why."""

    folder: Path
    html: Path
    xlsx: Path
    csv: dict[str, Path]
    pdf: Path | None = None
    pdf_note: str = ""

    def paths(self) -> list[Path]:
        """Every file written, the HTML first."""
        return [self.html, self.xlsx, *([self.pdf] if self.pdf else []), *self.csv.values()]


@dataclass(frozen=True)
class ReportPage:
    """What a report builder hands over: the page's template and context, its tables and its description."""

    stem: str
    title: str
    template: str
    context: dict[str, Any]
    tables: Sequence[Table]
    currency: str
    about: Sequence[tuple[str, str]] = field(default_factory=tuple)


def render_html(page: ReportPage, generated_at: datetime) -> str:
    """The page's HTML (no I/O)."""
    template = _ENV.get_template(page.template)
    return template.render(
        title=page.title,
        currency=page.currency.upper(),
        status_styles=[*STATUS_STYLES.values(), *PACING_STYLES.values()],
        generated_at=generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tables={table.name: table for table in page.tables},
        **page.context,
    )


def write_report(page: ReportPage, out_dir: Path, *, generated_at: datetime, pdf: bool | None = None) -> ReportFiles:
    """Write the page's folder under `out_dir` and return its files.

    `pdf=None` prints a PDF when Chromium is installed, `True` requires one (ReportError without Chromium),
    `False` makes none.
    """
    folder = Path(out_dir) / page.stem
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{page.stem}.html"
    html = render_html(page, generated_at)
    write_atomic_text(html_path, lambda handle: handle.write(html))
    csv_paths = {}
    for table in page.tables:
        csv_paths[table.name] = folder / f"{table.name}.csv"
        write_csv(table, csv_paths[table.name])
    xlsx_path = folder / f"{page.stem}.xlsx"
    about = [*page.about, ("Generated at", generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))]
    write_xlsx(page.tables, xlsx_path, title=page.title, about=about, currency=page.currency)
    pdf_path, note = _pdf(html_path, folder / f"{page.stem}.pdf", pdf)
    return ReportFiles(folder=folder, html=html_path, xlsx=xlsx_path, csv=csv_paths, pdf=pdf_path, pdf_note=note)


def _pdf(html: Path, target: Path, wanted: bool | None) -> tuple[Path | None, str]:
    if wanted is False:
        return None, "no PDF requested"
    chromium = find_chromium()
    if chromium is None:
        if wanted:
            raise ReportError("A PDF was asked for, but Chromium is not installed: apt-get install chromium.")
        return None, "no PDF: Chromium is not installed (apt-get install chromium)"
    return print_pdf(html, target, chromium), ""
