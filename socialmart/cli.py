"""The `socialmart` command line: exit code 0 when the run succeeded, 1 when it failed, 2 on a usage error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import socialmart  # noqa: F401  (environment defaults)

if TYPE_CHECKING:
    from reports.periods import IsoWeek


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """socialmart: the social media team's nightly pipeline and warehouse."""


def _parse_sources(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    from socialmart.catalog import SOURCES

    known = [spec.name for spec in SOURCES] + ["exports"]
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        raise click.BadParameter(f"unknown source(s) {', '.join(unknown) or '(none)'}: use {', '.join(known)}")
    return names


def _existing_dir(value: Path | None, option: str) -> Path | None:
    if value is not None and not value.is_dir():
        raise click.UsageError(f"{option} {value}: no such folder")
    return value


@main.command()
@click.option("--date", "run_date", callback=_parse_date, help="Run date (YYYY-MM-DD); default: today.")
@click.option("--sandbox/--live", "sandbox", default=None, help="Force the sandbox or the live APIs.")
@click.option(
    "--sources",
    "sources",
    callback=_parse_sources,
    help="Comma-separated sources to load (catalog names, or `exports` for --exports-dir); default: all API sources.",
)
@click.option(
    "--exports-dir", type=click.Path(path_type=Path), help="Folder of platform CSV exports (--sources exports)."
)
@click.option("--warehouse", "warehouse_file", type=click.Path(path_type=Path), help="Warehouse file to publish into.")
@click.option("--inputs-dir", type=click.Path(path_type=Path), help="Folder of business-input CSVs (targets, FX, ...).")
def run(
    run_date: date | None,
    sandbox: bool | None,
    sources: tuple[str, ...] | None,
    exports_dir: Path | None,
    warehouse_file: Path | None,
    inputs_dir: Path | None,
) -> None:
    """Run the nightly pipeline: load, transform, gate, publish and report."""
    from flows.nightly import PipelineError, nightly

    if sources is not None and "exports" in sources and exports_dir is None:
        raise click.UsageError("--sources exports needs --exports-dir DIR (the folder of downloaded CSV files)")
    if exports_dir is not None and (sources is None or "exports" not in sources):
        raise click.UsageError("--exports-dir is only read with --sources exports")
    _existing_dir(exports_dir, "--exports-dir")
    _existing_dir(inputs_dir, "--inputs-dir")
    if warehouse_file is not None and warehouse_file.is_dir():
        raise click.UsageError(f"--warehouse {warehouse_file} is a folder: give the warehouse file's path")
    try:
        summary = nightly(
            run_date=run_date,
            sandbox=sandbox,
            sources=sources,
            exports_dir=exports_dir,
            warehouse_file=warehouse_file,
            inputs_dir=inputs_dir,
        )
    except PipelineError as exc:
        click.secho(f"socialmart run failed:\n{exc}", fg="red", err=True)
        sys.exit(1)
    except Exception as exc:  # every failure ends with a readable message, not a traceback
        click.secho(f"socialmart run failed: {type(exc).__name__}: {exc}", fg="red", err=True)
        sys.exit(1)
    click.echo("")
    click.echo(f"Warehouse:          {summary.published}")
    click.echo(f"Parquet copies:     {summary.parquet}")
    for path in summary.reports:
        click.echo(f"Report:             {path}")
    click.echo(f"Validation results: {summary.validation_results}")
    click.echo(f"Data Docs:          {summary.data_docs}")
    for note in summary.report_notes:  # a report whose period has nothing to show yet, e.g. no targets
        click.secho(f"Report skipped:     {note}", fg="yellow")


@main.command()
def sources() -> None:
    """List the sources: configured or not, enabled in the next run, and when each last loaded."""
    from socialmart.config import load_settings
    from socialmart.source_status import WarehouseUnreachableError, source_statuses

    settings = load_settings()
    try:
        rows = source_statuses(settings)
    except WarehouseUnreachableError as exc:
        click.secho(f"socialmart sources: {exc}", fg="red", err=True)
        sys.exit(1)
    mode = "sandbox (no credentials configured)" if any(r.enabled and not r.configured for r in rows) else "live"
    where = settings.postgres if settings.on_postgres else settings.published_path
    click.echo(f"Mode: {mode}. Warehouse: {where}")
    click.echo(f"{'source':<16} {'dataset':<20} {'configured':<11} {'enabled':<8} {'last loaded (UTC)':<20} loads")
    for r in rows:
        loaded = r.last_loaded_at.strftime("%Y-%m-%d %H:%M") if r.last_loaded_at else "never"
        click.echo(
            f"{r.name:<16} {r.dataset:<20} {'yes' if r.configured else 'no':<11} "
            f"{'yes' if r.enabled else 'no':<8} {loaded:<20} {r.loads}"
        )


def _parse_month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from reports.periods import parse_month

    try:
        return parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _parse_week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> IsoWeek | None:
    if value is None:
        return None
    from reports.periods import parse_iso_week

    try:
        return parse_iso_week(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `socialmart report` command takes."""
    command = click.option(
        "--warehouse",
        "warehouse_file",
        type=click.Path(path_type=Path),
        help="The published DuckDB warehouse to read; default: the configured one (or the PostgreSQL warehouse).",
    )(command)
    command = click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder to write the report's folder into; default: [socialmart] reports_dir.",
    )(command)
    return click.option(
        "--pdf/--no-pdf",
        "pdf",
        default=None,
        help="Require or skip the PDF; default: print one when Chromium is installed.",
    )(command)


@main.group()
def report() -> None:
    """Build a report from the published warehouse: monthly, pacing or weekly.

    Exit code 0 when the report was written, 1 when it could not be built (the message says why), 2 on a usage error.
    """


@report.command("monthly")
@click.option("--month", callback=_parse_month, help="The closed month (YYYY-MM); default: the last closed month.")
@_report_options
def report_monthly(month: date | None, warehouse_file: Path | None, out_dir: Path | None, pdf: bool | None) -> None:
    """The monthly target report of a closed month."""
    _build_report("monthly", month, warehouse_file, out_dir, pdf)


@report.command("pacing")
@click.option("--month", callback=_parse_month, help="The month (YYYY-MM); default: the latest month with data.")
@_report_options
def report_pacing(month: date | None, warehouse_file: Path | None, out_dir: Path | None, pdf: bool | None) -> None:
    """The month-to-date pacing report: projected month end against target, and what is at risk."""
    _build_report("pacing", month, warehouse_file, out_dir, pdf)


@report.command("weekly")
@click.option(
    "--week", callback=_parse_week, help="The ISO week (YYYY-Www, e.g. 2026-W44); default: the last complete one."
)
@_report_options
def report_weekly(week: IsoWeek | None, warehouse_file: Path | None, out_dir: Path | None, pdf: bool | None) -> None:
    """The weekly campaign revenue report of an ISO week (Monday to Sunday)."""
    _build_report("weekly", week, warehouse_file, out_dir, pdf)


def _build_report(
    kind: str, period: date | IsoWeek | None, warehouse_file: Path | None, out_dir: Path | None, pdf: bool | None
) -> None:
    """Build one report and print its files; a report that cannot be built exits 1 with the reason."""
    from reports.errors import ReportError
    from reports.options import ReportOptions
    from reports.schedule import ReportRequest, build_report, latest_period
    from socialmart.config import ConfigError, load_settings

    if warehouse_file is not None and not warehouse_file.is_file():
        raise click.UsageError(f"--warehouse {warehouse_file}: no such file (give the published warehouse's path)")
    try:
        settings = load_settings()
        warehouse = warehouse_file or (settings.postgres if settings.on_postgres else settings.published_path)
        request = ReportRequest(kind, period) if period is not None else latest_period(kind, warehouse)
        files = build_report(
            request, warehouse, out_dir or settings.reports_dir, None, ReportOptions.from_settings(settings, pdf=pdf)
        )
    except (ReportError, ConfigError) as exc:
        click.secho(f"socialmart report {kind}: {exc}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Report:   {files.html}")
    click.echo(f"Workbook: {files.xlsx}")
    click.echo(f"PDF:      {files.pdf or files.pdf_note}")
    click.echo(f"CSV:      {len(files.csv)} table(s) in {files.folder}")


@main.group()
def sandbox() -> None:
    """The simulated brand and its local replicas of the platform APIs."""


@sandbox.command("serve")
@click.option("--as-of", "as_of", callback=_parse_date, help="The sandbox's today (YYYY-MM-DD); default: today.")
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1.")
def sandbox_serve(as_of: date | None, port: int) -> None:
    """Serve the sandbox APIs until interrupted."""
    import time

    from sandbox.server import SandboxServer

    with SandboxServer(as_of=as_of or date.today(), port=port) as server:
        click.echo(f"Sandbox serving at {server.url} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
