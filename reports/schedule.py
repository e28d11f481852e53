"""Which report to build, when, and from which warehouse: the nightly schedule and the entry point the CLI and the
flow share.

The schedule (SPEC.md, the nightly run, step 5): every night the month-to-date pacing report; on the 1st the closed
month's target report; on Mondays the last ISO week's campaign revenue report. A run on another day also builds the
last closed month's or the last week's report when its folder has none yet, so a failed run on the 1st or on a
Monday (or a first install mid-month) does not leave the report missing until the next period.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from reports import monthly_targets, pacing, weekly
from reports.errors import ReportError
from reports.options import ReportOptions
from reports.periods import IsoWeek, last_closed_month, last_complete_week, pacing_month
from reports.reader import Reader, duckdb_reader, postgres_reader
from reports.render import ReportFiles, ReportPage, write_report
from socialmart.config import PostgresConnection, Settings

ReportKind = Literal["monthly", "pacing", "weekly"]
Warehouse = Path | PostgresConnection


@dataclass(frozen=True)
class ReportRequest:
    """One report to build: its kind and period (a month's first day, or an ISO week)."""

    kind: ReportKind
    period: date | IsoWeek

    def describe(self) -> str:
        """`monthly target report 2026-10`, for messages."""
        if isinstance(self.period, IsoWeek):
            return f"{weekly.REPORT} {self.period.label}"
        name = monthly_targets.REPORT if self.kind == "monthly" else pacing.REPORT
        return f"{name} {self.period:%Y-%m}"


def due_reports(run_date: date, reports_dir: Path) -> list[ReportRequest]:
    """The reports a nightly run for `run_date` builds, pacing first."""
    due = [ReportRequest("pacing", pacing_month(run_date))]
    month = last_closed_month(run_date)
    if run_date.day == 1 or not _built(reports_dir, monthly_targets.report_stem(month)):
        due.append(ReportRequest("monthly", month))
    week = last_complete_week(run_date)
    if run_date.isoweekday() == 1 or not _built(reports_dir, weekly.report_stem(week)):
        due.append(ReportRequest("weekly", week))
    return due


def _built(reports_dir: Path, stem: str) -> bool:
    return (Path(reports_dir) / stem / f"{stem}.html").is_file()


def open_reader(warehouse: Warehouse) -> AbstractContextManager[Reader]:
    """A reader on a DuckDB file (a path) or a PostgreSQL warehouse (a connection)."""
    if isinstance(warehouse, PostgresConnection):
        return postgres_reader(warehouse)
    return duckdb_reader(Path(warehouse))


def configured_warehouse(settings: Settings) -> Warehouse:
    """The published warehouse the reports read: the PostgreSQL marts, or the DuckDB file."""
    return settings.postgres if settings.on_postgres else settings.published_path


def build_period_report(
    kind: ReportKind, period: date | IsoWeek | None, warehouse: Warehouse, out_dir: Path, options: ReportOptions
) -> ReportFiles:
    """Build the `kind` report of `period`, or of its latest period in the warehouse when None (latest_period): what
    `socialmart report` and the weekly and monthly report flows run."""
    request = ReportRequest(kind, period) if period is not None else latest_period(kind, warehouse)
    return build_report(request, warehouse, out_dir, None, options)


def build_report(
    request: ReportRequest,
    warehouse: Warehouse,
    out_dir: Path,
    gate_records: Sequence[dict[str, Any]] | None = None,
    options: ReportOptions | None = None,
) -> ReportFiles:
    """Read the warehouse, close it, then write the report's files into `out_dir`."""
    options = options or ReportOptions()
    with open_reader(warehouse) as reader:
        page = read_page(request, reader, gate_records, options)
    return write_report(page, out_dir, generated_at=options.now(), pdf=options.pdf)


def read_page(
    request: ReportRequest, reader: Reader, gate_records: Sequence[dict[str, Any]] | None, options: ReportOptions
) -> ReportPage:
    """Read one report's page from `reader`."""
    if request.kind == "weekly":
        assert isinstance(request.period, IsoWeek)
        return weekly.read_weekly_page(reader, request.period, gate_records, options)
    assert isinstance(request.period, date)
    if request.kind == "monthly":
        return monthly_targets.read_monthly_target_page(reader, request.period, gate_records, options)
    return pacing.read_pacing_page(reader, request.period, gate_records, options)


def latest_period(kind: ReportKind, warehouse: Warehouse) -> ReportRequest:
    """The period a report covers when none is given: the last closed month with targets (monthly), the latest
    month with data and targets (pacing), or the last complete ISO week with campaign activity (weekly)."""
    with open_reader(warehouse) as reader:
        if kind == "weekly":
            reader.require(weekly.MODEL, ("iso_week", "is_complete_week"), weekly.REPORT)
            rows = reader.query(f"select max(iso_week) as period from {weekly.MODEL} where is_complete_week")
        else:
            reader.require(monthly_targets.MODEL, ("month", "days_elapsed", "is_month_closed"), "report")
            condition = "is_month_closed" if kind == "monthly" else "days_elapsed > 0"
            rows = reader.query(f"select max(month) as period from {monthly_targets.MODEL} where {condition}")
        label = reader.label
    period = rows[0]["period"] if rows else None
    if period is None:
        what = {
            "monthly": "no closed month has targets",
            "pacing": "no month with targets has data yet",
            "weekly": "no complete ISO week has campaign activity",
        }[kind]
        raise ReportError(f"Nothing to report in warehouse {label}: {what}. Run the nightly flow first.")
    if kind == "weekly":
        year, week = period.split("-W")
        return ReportRequest(kind, IsoWeek(int(year), int(week)))
    return ReportRequest(kind, period)
