"""The `socialmart` command line: exit code 0 when the run succeeded, 1 when it failed, 2 on a usage error."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

import socialmart  # noqa: F401  (environment defaults)


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
    if summary.skipped:  # a PostgreSQL run: built in place, not validated or published
        for step in summary.skipped:
            click.echo(f"Skipped:            {step}")
        return
    click.echo(f"Warehouse:          {summary.published}")
    for path in summary.reports:
        click.echo(f"Report:             {path}")
    click.echo(f"Validation results: {summary.validation_results}")
    click.echo(f"Data Docs:          {summary.data_docs}")


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
