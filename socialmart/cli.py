"""The `socialmart` command line: exit code 0 when the run succeeded, 1 when it failed, 2 on a usage error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import socialmart  # noqa: F401  (environment defaults)
from socialmart import prefect_server

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


def attach_prefect(server: prefect_server.TemporaryServer | None) -> None:
    """Point Prefect at the early server (socialmart/prefect_server.py), once Great Expectations is imported for the
    gate: the server takes about 1.5 s more to answer, which this process would otherwise spend waiting."""
    from expectations.gate import preload

    preload()
    prefect_server.attach(server)


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
    if sources is not None and "exports" in sources and exports_dir is None:
        raise click.UsageError("--sources exports needs --exports-dir DIR (the folder of downloaded CSV files)")
    if exports_dir is not None and (sources is None or "exports" not in sources):
        raise click.UsageError("--exports-dir is only read with --sources exports")
    _existing_dir(exports_dir, "--exports-dir")
    _existing_dir(inputs_dir, "--inputs-dir")
    if warehouse_file is not None and warehouse_file.is_dir():
        raise click.UsageError(f"--warehouse {warehouse_file} is a folder: give the warehouse file's path")
    server = prefect_server.start()  # before the flow's imports, which it overlaps
    from flows.nightly import nightly

    try:
        attach_prefect(server)
        summary = nightly(
            run_date=run_date,
            sandbox=sandbox,
            sources=sources,
            exports_dir=exports_dir,
            warehouse_file=warehouse_file,
            inputs_dir=inputs_dir,
        )
    except Exception as exc:  # every failure ends with a readable message, not a traceback
        _fail("run", exc)
    click.echo("")
    click.echo(f"Warehouse:          {summary.published}")
    click.echo(f"Parquet copies:     {summary.parquet}")
    for path in summary.reports:
        click.echo(f"Report:             {path}")
    click.echo(f"Validation results: {summary.validation_results}")
    click.echo(f"Data Docs:          {summary.data_docs}")
    for note in summary.report_notes:  # a report whose period has nothing to show yet, e.g. no targets
        click.secho(f"Report skipped:     {note}", fg="yellow")


def _fail(command: str, exc: Exception) -> None:
    """Print a failed run's message (no traceback) and exit 1."""
    from flows.nightly import PipelineError

    message = f":\n{exc}" if isinstance(exc, PipelineError) else f": {type(exc).__name__}: {exc}"
    click.secho(f"socialmart {command} failed{message}", fg="red", err=True)
    sys.exit(1)


@main.command()
@click.option("--start", callback=_parse_date, required=True, help="First day to re-read (YYYY-MM-DD).")
@click.option("--end", callback=_parse_date, required=True, help="Last day to re-read (YYYY-MM-DD), before today.")
@click.option("--sandbox/--live", "sandbox", default=None, help="Force the sandbox or the live APIs.")
@click.option("--sources", "sources", callback=_parse_sources, help="Comma-separated sources; default: all.")
@click.option("--warehouse", "warehouse_file", type=click.Path(path_type=Path), help="Warehouse file to publish into.")
@click.option("--inputs-dir", type=click.Path(path_type=Path), help="Folder of business-input CSVs (targets, FX, ...).")
def backfill(
    start: date,
    end: date,
    sandbox: bool | None,
    sources: tuple[str, ...] | None,
    warehouse_file: Path | None,
    inputs_dir: Path | None,
) -> None:
    """Re-extract START..END from every selected source, then rebuild, gate and publish.

    Each source re-reads the whole range regardless of its incremental cursor, and the rows merge on their primary
    keys, so a backfill can be repeated: the same backfill twice publishes identical marts. The run is the nightly
    of END + 1 (dbt, gate and reports as of that day). START must be on or after [socialmart] start_date and END
    before today. Export files are not re-read. Exit code 0 when published, 1 when the run failed, 2 on a usage
    error. See docs/backfill.md.
    """
    if sources is not None and "exports" in sources:
        raise click.UsageError("--sources exports: a backfill re-reads the APIs; load export files with `run`")
    _existing_dir(inputs_dir, "--inputs-dir")
    if warehouse_file is not None and warehouse_file.is_dir():
        raise click.UsageError(f"--warehouse {warehouse_file} is a folder: give the warehouse file's path")
    server = prefect_server.start()  # before the flow's imports, which it overlaps
    from flows.backfill import BackfillRangeError, check_range
    from flows.backfill import backfill as backfill_flow
    from socialmart.config import load_settings

    try:
        settings = load_settings()
        check_range(start, end, settings.start_date, _today(settings.reporting_timezone))
    except BackfillRangeError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        attach_prefect(server)
        summary = backfill_flow(
            start=start, end=end, sandbox=sandbox, sources=sources, warehouse_file=warehouse_file, inputs_dir=inputs_dir
        )
    except Exception as exc:  # every failure ends with a readable message, not a traceback
        _fail("backfill", exc)
    click.echo("")
    click.echo(f"Backfilled {start} to {end}. Warehouse: {summary.published}")


def _today(timezone: str) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


@main.command()
@click.option("--date", "run_date", callback=_parse_date, help="Run date (YYYY-MM-DD); default: today.")
@click.option("--warehouse", "warehouse_file", type=click.Path(path_type=Path), help="Warehouse file to publish into.")
@click.option("--inputs-dir", type=click.Path(path_type=Path), help="Folder of business-input CSVs (targets, FX, ...).")
def publish(run_date: date | None, warehouse_file: Path | None, inputs_dir: Path | None) -> None:
    """Rebuild and publish from the raw data already loaded, without calling any API.

    Reloads the business-input CSVs (targets, budgets, FX rates, promo codes, segment rules: e.g. after editing
    inputs/targets.csv), builds every dbt model as of --date, runs the gate (its per-source raw checks are skipped,
    since nothing was extracted), publishes atomically when it passes and builds the reports due on --date. A failing
    gate publishes nothing. Exit code 0 when published, 1 when it failed, 2 on a usage error.
    """
    _existing_dir(inputs_dir, "--inputs-dir")
    if warehouse_file is not None and not warehouse_file.is_file():
        raise click.UsageError(f"--warehouse {warehouse_file}: no such file (publish rebuilds a loaded warehouse)")
    server = prefect_server.start()  # before the flow's imports, which it overlaps
    from flows.nightly import nightly

    try:
        attach_prefect(server)
        summary = nightly(run_date=run_date, sources=(), warehouse_file=warehouse_file, inputs_dir=inputs_dir)
    except Exception as exc:  # every failure ends with a readable message, not a traceback
        _fail("publish", exc)
    click.echo("")
    click.echo(f"Warehouse: {summary.published}")
    for path in summary.reports:
        click.echo(f"Report:    {path}")


@main.command()
@click.option(
    "--warehouse",
    "warehouse_file",
    type=click.Path(path_type=Path),
    help="The DuckDB warehouse to check; default: the published one.",
)
@click.option(
    "--date", "run_date", callback=_parse_date, help="Run date to judge freshness by; default: the last published run."
)
def check(warehouse_file: Path | None, run_date: date | None) -> None:
    """Run the quality gate only, on a copy of the published warehouse, and print every failed check.

    The published file is never modified (the gate reads a temporary copy). The raw checks cover the sources whose
    raw dataset the warehouse holds. Exit code 0 when every error-level check passes (warnings are printed), 1 when
    one fails, 2 on a usage error.
    """
    from socialmart.config import load_settings

    settings = load_settings()
    if warehouse_file is None and settings.on_postgres:
        raise click.UsageError("check reads a DuckDB warehouse file: pass --warehouse FILE")
    warehouse_file = warehouse_file or settings.published_path
    if not warehouse_file.is_file():
        raise click.UsageError(f"--warehouse {warehouse_file}: no such file (run `socialmart run` first)")
    try:
        result = _check_copy(settings, warehouse_file, run_date)
    except click.UsageError:
        raise
    except Exception as exc:  # every failure ends with a readable message, not a traceback
        _fail("check", exc)
    click.echo(result.summary())
    sys.exit(0 if result.success else 1)


def _check_copy(settings: Any, warehouse_file: Path, run_date: date | None) -> Any:
    """Copy `warehouse_file` to a temporary folder (same file name: views record it) and run the gate there."""
    import shutil
    import tempfile

    import duckdb

    from expectations.gate import run_gate
    from flows.nightly import gate_params
    from socialmart.catalog import SOURCES

    with tempfile.TemporaryDirectory(prefix="socialmart-check-") as folder:
        copy = Path(folder) / warehouse_file.name
        shutil.copyfile(warehouse_file, copy)
        with duckdb.connect(str(copy), read_only=True) as con:
            rows = con.execute("select schema_name from information_schema.schemata").fetchall()
            schemas = {name for (name,) in rows}
            last = None
            if "ops" in schemas:
                [(last,)] = con.execute("select max(run_date) from ops.pipeline_runs where is_published").fetchall()
        run_date = run_date or last
        if run_date is None:
            raise click.UsageError(f"{warehouse_file} records no published run: pass --date YYYY-MM-DD")
        loaded = tuple(spec.name for spec in SOURCES if spec.dataset in schemas)
        loaded += ("exports",) if "raw_exports" in schemas else ()
        click.echo(f"[gate] checking {warehouse_file} as of {run_date} (sources: {', '.join(loaded) or 'none'}) ...")
        return run_gate(copy, gate_params(settings, run_date, loaded))


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
    from reports.schedule import build_period_report, configured_warehouse
    from socialmart.config import ConfigError, load_settings

    if warehouse_file is not None and not warehouse_file.is_file():
        raise click.UsageError(f"--warehouse {warehouse_file}: no such file (give the published warehouse's path)")
    try:
        settings = load_settings()
        warehouse = warehouse_file or configured_warehouse(settings)
        options = ReportOptions.from_settings(settings, pdf=pdf)
        files = build_period_report(kind, period, warehouse, out_dir or settings.reports_dir, options)
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
