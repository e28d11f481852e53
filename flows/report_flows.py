"""The weekly and monthly report flows (the `weekly-report` and `monthly-report` deployments): build one report from
the published warehouse, the DuckDB file or the PostgreSQL marts, as `socialmart report weekly|monthly` does.

Not named flows/reports.py: a worker puts the entrypoint's folder (flows/) first on sys.path, where a reports.py
would hide the `reports` package from every flow, the nightly one included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from prefect import flow

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults before they are imported)
from reports.errors import ReportError
from reports.options import ReportOptions
from reports.periods import IsoWeek, parse_iso_week, parse_month
from reports.render import ReportFiles
from reports.schedule import ReportKind, build_period_report, configured_warehouse
from socialmart.config import load_settings

Period = TypeVar("Period", date, IsoWeek)


def _build(kind: ReportKind, text: str | None, parse: Callable[[str], Period], parameter: str) -> ReportFiles:
    """Build the configured warehouse's `kind` report of the period `text` (None: the latest one), print its files,
    and fail with the reason (a ReportError) when it cannot be built."""
    try:
        period = parse(text) if text is not None else None
    except ValueError as exc:
        raise ReportError(f"The {parameter} parameter: {exc}.") from exc
    settings = load_settings()
    warehouse = configured_warehouse(settings)
    files = build_period_report(kind, period, warehouse, settings.reports_dir, ReportOptions.from_settings(settings))
    print(f"Report:   {files.html}")
    print(f"Workbook: {files.xlsx}")
    print(f"PDF:      {files.pdf or files.pdf_note}")
    print(f"CSV:      {len(files.csv)} table(s) in {files.folder}")
    return files


@flow(name="weekly-report", log_prints=True)
def weekly_report(week: str | None = None) -> ReportFiles:
    """The weekly campaign revenue report of the ISO week `week` (YYYY-Www), by default the last complete week with
    campaign activity, into [socialmart] reports_dir."""
    return _build("weekly", week, parse_iso_week, "week")


@flow(name="monthly-report", log_prints=True)
def monthly_report(month: str | None = None) -> ReportFiles:
    """The monthly target report of the closed month `month` (YYYY-MM), by default the last closed month with
    targets, into [socialmart] reports_dir."""
    return _build("monthly", month, parse_month, "month")
