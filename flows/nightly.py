"""The nightly run: extract and load every source, build the dbt models, gate, publish, report."""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults before they are imported)
from expectations.params import GateParams
from expectations.results import GateResult
from flows import nightly_alerts
from socialmart import notify, parquet_copies, postgres_publish, run_records, validation_runs, warehouse
from socialmart.catalog import SOURCES, SourceSpec, use_sandbox
from socialmart.config import ConfigError, PostgresConnection, Settings, load_settings
from socialmart.warehouse import BuildTarget
from sources.common.errors import find_source_error

if TYPE_CHECKING:
    import dlt

RawFilesLoaded = tuple[dict[str, dict[str, int]], dict[str, float]]  # rows per source and table, seconds per source


class PipelineError(RuntimeError):
    """The run failed; the message says which step, what went wrong and what to do. `step` names the failed step
    when it is not the stage the run was in (the failure alert shows it)."""

    def __init__(self, message: str, step: str | None = None) -> None:
        super().__init__(message)
        self.step = step


@dataclass
class RunSummary:
    """What a nightly run did, for the console, the Prefect artifact and the tests."""

    run_id: str
    run_date: date
    sandbox: bool
    rows_extracted: dict[str, dict[str, int]] = field(default_factory=dict)
    source_errors: dict[str, str] = field(default_factory=dict)
    rejected_files: list[str] = field(default_factory=list)
    export_warnings: list[str] = field(default_factory=list)  # loaded export files with ignored columns
    dbt: dict[str, Any] = field(default_factory=dict)  # counts per kind of node, and `rebuild` (a sentence)
    gate_success: bool | None = None  # None: the gate did not run
    gate_summary: str = ""
    published: Path | str | None = None  # the DuckDB file, or the schema and database on PostgreSQL
    parquet: Path | None = None  # the folder of Parquet copies of the marts (a symlink to this run's set)
    validation_results: Path | None = None
    data_docs: Path | None = None
    reports: list[Path] = field(default_factory=list)
    report_errors: list[str] = field(default_factory=list)  # reports due but not built, each with the reason
    report_notes: list[str] = field(default_factory=list)  # reports due with nothing to show yet (no targets, ...)
    targets_at_risk: list[str] = field(default_factory=list)  # the tracked month's targets at_risk or off_track
    seconds: dict[str, float] = field(default_factory=dict)
    # each timed stage as (stage, started, ended) in seconds since the epoch: `make bench` matches its memory samples
    stage_spans: list[tuple[str, float, float]] = field(default_factory=list)

    def markdown(self) -> str:
        """A short human-readable summary of the run: rows loaded, dbt, gate, targets at risk and where things are."""
        lines = [
            f"# socialmart nightly run {self.run_id}",
            "",
            f"Run date: {self.run_date} ({'sandbox' if self.sandbox else 'live APIs'})",
            "",
            "## Rows loaded",
            "",
            "| source | table | rows loaded |",
            "|---|---|---|",
        ]
        for source, tables in self.rows_extracted.items():
            for table, rows in sorted(tables.items()):
                lines.append(f"| {source} | {table} | {rows:,} |")
            lines.append(f"| **{source}** | **total** | **{sum(tables.values()):,}** |")
        for source, error in self.source_errors.items():
            lines.append(f"| {source} | FAILED | {error.splitlines()[0]} |")
        if self.rejected_files:
            lines += ["", "Rejected export files:", *(f"- {rejected}" for rejected in self.rejected_files)]
        if self.export_warnings:
            lines += ["", "Export warnings:", *(f"- {warning}" for warning in self.export_warnings)]
        lines += ["", "## dbt", "", self._dbt_line(), "", "## Quality gate", "", *self._gate_lines()]
        lines += ["", "## Targets at risk", ""]
        if self.targets_at_risk:
            lines += [f"- {target}" for target in self.targets_at_risk]
        else:
            lines.append("None" if self.published else "Not read (nothing was published)")
        lines += ["", "## Outputs", ""]
        if self.data_docs:
            lines.append(f"- Data Docs: `{self.data_docs}`")
        if self.validation_results:
            lines.append(f"- Gate results: `{self.validation_results}`")
        if self.published:
            lines.append(f"- Published: `{self.published}`")
        if self.parquet:
            lines.append(f"- Parquet copies: `{self.parquet}`")
        lines += [f"- Report: `{path}`" for path in self.reports]
        lines += [f"- Report NOT built: {error}" for error in self.report_errors]
        lines += [f"- Report skipped: {note}" for note in self.report_notes]
        return "\n".join(lines)

    def _dbt_line(self) -> str:
        if not self.dbt:
            return "dbt did not run."
        return (
            f"{self.dbt.get('models', 0)} models built, {self.dbt.get('tests_passed', 0)} tests passed, "
            f"{self.dbt.get('tests_warned', 0)} warned."
        ) + (f" Incremental models: {self.dbt['rebuild']}." if self.dbt.get("rebuild") else "")

    def _gate_lines(self) -> list[str]:
        """The gate's verdict and counts, then one line per failed check (error or warning)."""
        if self.gate_success is None:
            return ["The gate did not run."]
        counts, *details = self.gate_summary.splitlines() or [""]
        checks = [line for line in details if line not in ("Errors:", "Warnings:") and not line.startswith("Data Docs")]
        return [
            f"Gate: {'passed' if self.gate_success else 'FAILED'}",
            "",
            counts,
            *(f"- {line.strip()}" for line in checks),
        ]


class _Stopwatch:
    """Adds the wall time of each `with stopwatch("stage"):` block to the summary's seconds, and the block's start and
    end to its stage spans; `last` is the latest stage begun."""

    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary
        self.last: str | None = None

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        self.last = stage
        started, started_at = time.perf_counter(), time.time()
        try:
            yield
        finally:
            seconds = self.summary.seconds
            seconds[stage] = round(seconds.get(stage, 0.0) + time.perf_counter() - started, 3)
            self.summary.stage_spans.append((stage, started_at, time.time()))


def _default_run_date(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.reporting_timezone)).date()


# No Prefect timeout: the sources run in the flow's worker threads, where Prefect cannot interrupt a task (it only
# warned, once a source, on every run). A stalled platform is bounded by each request's own timeout and retries
# (sources/common/http.py, dlt's `request_timeout`).
@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def extract_load(
    spec: SourceSpec,
    settings: Settings,
    target: BuildTarget,
    run_date: date,
    sandbox_url: str | None,
    pipelines_dir: Path,
    window_start: date | None = None,
) -> dict[str, int]:
    """Extract one source and load it into its raw dataset in the build target; return rows per table.

    With `window_start` (a backfill) the source's incremental cursors are dropped first, so it reads from
    `window_start` as on a first run; its source-level state (the customer salt's fingerprint) is kept."""
    import dlt

    pipeline = dlt.pipeline(
        pipeline_name=f"socialmart_{spec.name}",
        destination=target.dlt_destination(),
        dataset_name=spec.dataset,
        pipelines_dir=str(pipelines_dir),
    )
    if window_start is not None:
        settings = replace(settings, start_date=window_start)
        _forget_cursors(pipeline)
    counts = _extract_then_load(pipeline, spec.build(settings, run_date, sandbox_url))
    rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    print(f"{spec.name}: loaded {sum(rows.values()):,} rows into {spec.dataset} ({rows})")
    return rows


# The sources extract in parallel threads (LOAD_WORKERS), but one at a time opens the build target: a DuckDB file
# takes one writer (and two DuckDB instances of one process must not open it at once: "Unique file handle
# conflict"), and dlt's merge creates and swaps staging tables that concurrent loads must not interleave with.
LOAD_WORKERS = 4
_ONE_WRITER = threading.Lock()


def _extract_then_load(pipeline: dlt.Pipeline, data: object) -> dict[str, int]:
    """What `pipeline.run(data)` does, with only the steps that open the build target under the writer lock; return
    rows per table."""
    if pipeline.config.restore_from_destination:
        with _ONE_WRITER:
            pipeline.sync_destination()  # the state and cursors of the last run, read from the build target
    pipeline.extract(data)
    normalized = pipeline.normalize()
    with _ONE_WRITER:
        pipeline.load()
    return dict(normalized.row_counts)


def _forget_cursors(pipeline: dlt.Pipeline) -> None:
    """Restore the pipeline's state from the build target, then drop every resource's state (the cursors), so the
    next `run` re-reads from the source's `start_date`. The run saves the new cursors (the backfill's end)."""
    with _ONE_WRITER:
        pipeline.sync_destination()
    with pipeline.managed_state() as state:
        for source_state in state.get("sources", {}).values():
            source_state.pop("resources", None)
    pipeline.config.restore_from_destination = False  # run() must not bring the dropped cursors back


@task(timeout_seconds=600, cache_policy=NO_CACHE)
def load_business_inputs(settings: Settings, target: BuildTarget, pipelines_dir: Path) -> dict[str, int]:
    """Validate and load the business-input CSVs into raw_inputs (targets, FX rates, promo codes, budgets, rules)."""
    import dlt

    from sources.business_inputs import business_inputs_source

    pipeline = dlt.pipeline(
        pipeline_name="socialmart_business_inputs",
        destination=target.dlt_destination(),
        dataset_name="raw_inputs",
        pipelines_dir=str(pipelines_dir),
    )
    segments = settings.naming.allowed_values.get("segment", [])
    pipeline.run(business_inputs_source(inputs_dir=str(settings.inputs_dir), segments=segments))
    counts = pipeline.last_trace.last_normalize_info.row_counts
    return {table: count for table, count in counts.items() if not table.startswith("_dlt")}


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def load_exports(
    exports_dir: Path, target: BuildTarget, pipelines_dir: Path, pii_salt: str | None
) -> tuple[dict[str, int], list[str], RawFilesLoaded, list[str]]:
    """Load the export files of `exports_dir` into raw_exports, and its raw Parquet files (`raw/<source>/<table>/`)
    into the connectors' own raw datasets; return the CSV rows per table, the rejected files, the raw files'
    rows per source and table with each source's load seconds, and the warnings (loaded files' ignored columns).

    Export files are always real customer data: a Shopify orders export needs the configured `pii_salt` (None:
    that file is rejected with the fix), never the sandbox's."""
    import dlt

    from sources.exports import exports_source, read_exports
    from sources.exports.raw_files import load_raw_files, read_raw_files

    batch, raw_batch = read_exports(exports_dir, pii_salt=pii_salt), read_raw_files(exports_dir)
    for error in batch.errors + raw_batch.errors:
        print(f"exports: REJECTED {error}")
    for warning in batch.warnings:
        print(f"exports: WARNING {warning}")
    for restated in batch.restated:
        print(f"exports: {restated}")
    raw = load_raw_files(raw_batch, target.dlt_destination(), pipelines_dir)
    pipeline = dlt.pipeline(
        pipeline_name="socialmart_exports",
        destination=target.dlt_destination(),
        dataset_name="raw_exports",
        pipelines_dir=str(pipelines_dir),
    )
    rows: dict[str, int] = {}
    if batch.tables:
        pipeline.run(exports_source(str(exports_dir), batch=batch))
        counts = pipeline.last_trace.last_normalize_info.row_counts
        rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    print(f"exports: loaded {len(batch.loaded)} file(s), {sum(rows.values()):,} rows into raw_exports ({rows})")
    return rows, [str(error) for error in batch.errors + raw_batch.errors], raw, batch.warnings


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def transform(settings: Settings, target: BuildTarget, run_date: date) -> dict[str, Any]:
    """Build every dbt model and run the dbt tests; fails with the failed model's name and error. `rebuild` says
    what the incremental models rebuilt and why."""
    from socialmart.dbt import run_dbt_build

    result = run_dbt_build(settings, target, run_date)
    return {
        "models": result.models,
        "tests_passed": result.tests_passed,
        "tests_warned": result.tests_warned,
        "rebuild": result.rebuild,
    }


def gate_params(settings: Settings, run_date: date, sources: tuple[str, ...]) -> GateParams:
    """The gate's thresholds for a run of `run_date` that loaded `sources` (also used by `socialmart check`)."""
    return GateParams(
        run_date=run_date,
        freshness_days=settings.freshness_days,
        sources=sources,
        fx_max_carry_forward_days=settings.fx_max_carry_forward_days,
        volume_min_ratio=settings.gate.volume_min_ratio,
        volume_max_ratio=settings.gate.volume_max_ratio,
        volume_window_days=settings.gate.volume_window_days,
        volume_min_history_days=settings.gate.volume_min_history_days,
    )


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def validate(settings: Settings, target: BuildTarget, run_date: date, run_id: str, sources: tuple[str, ...]):
    """Run the Great Expectations gate over the build target (raw checks for the run's `sources`); store the results
    as JSON and a Data Docs site in the run's own validation folder (socialmart/validation_runs.py)."""
    from expectations.gate import run_gate

    run_dir = validation_runs.run_folder(settings.validation_dir, run_id)
    result = run_gate(target, gate_params(settings, run_date, sources), run_dir / "docs")
    results_path = run_dir / "gate.json"
    results_path.write_text(json.dumps(result.to_records(), indent=2, default=str))
    validation_runs.point_latest(settings.validation_dir, run_id)
    validation_runs.prune(settings.validation_dir, keep=settings.validation_runs_kept)
    return result, results_path, result.docs_index


@task(timeout_seconds=600, cache_policy=NO_CACHE)
def publish_postgres(settings: Settings, run_id: str) -> str:
    """Swap the validated marts__build schema in as marts and grant the read-only role; return what was published."""
    result = postgres_publish.publish(settings.postgres, run_id, settings.postgres_reader_password)
    login = "can log in" if result.reader_can_log_in else "is NOLOGIN (grant it to BI users)"
    print(f"Published schema {postgres_publish.PUBLISHED_SCHEMA}; role {postgres_publish.READER_ROLE} {login}")
    for schema in result.left_behind:
        print(f"{schema} (the replaced marts) is still read by a session, so it stays until the next run drops it")
    return f"schema {postgres_publish.PUBLISHED_SCHEMA} of {settings.postgres}"


@task(timeout_seconds=1200, cache_policy=NO_CACHE)
def build_reports(
    settings: Settings, run_date: date, gate_records: list[dict], published: Path | PostgresConnection
) -> tuple[list[Path], list[str], list[str]]:
    """Build the reports due on `run_date` (reports/schedule.py) from the published warehouse (a DuckDB file, or the
    PostgreSQL marts). Return each built report's HTML path; for each report that could not be built, why (the
    others are still built); and for each whose period has nothing to show yet (a month without targets), a note."""
    from reports.errors import NothingToReport, ReportError
    from reports.options import ReportOptions
    from reports.schedule import build_report, due_reports

    options = ReportOptions.from_settings(settings)
    built: list[Path] = []
    errors: list[str] = []
    notes: list[str] = []
    for request in due_reports(run_date, settings.reports_dir):
        try:
            files = build_report(request, published, settings.reports_dir, gate_records, options)
        except NothingToReport as exc:
            notes.append(f"{request.describe()}: {exc}")
            print(f"WARNING: report skipped, nothing to show yet: {request.describe()}: {exc}")
            continue
        except ReportError as exc:
            errors.append(f"{request.describe()}: {exc}")
            print(f"REPORT NOT BUILT: {request.describe()}: {exc}")
            continue
        built.append(files.html)
        print(f"Report: {files.html} ({files.pdf_note or 'with PDF'})")
    return built, errors, notes


def _start_sandbox(stack: ExitStack, run_date: date) -> str:
    from sandbox.process import SandboxProcess

    server = stack.enter_context(SandboxProcess(run_date))
    print(f"No credentials configured: using the sandbox brand at {server.url}")
    return server.url


def _selected_specs(sources: tuple[str, ...] | None) -> tuple[SourceSpec, ...]:
    """The catalog sources a run loads: all of them by default, else those named in `sources`."""
    if sources is None:
        return SOURCES
    return tuple(spec for spec in SOURCES if spec.name in sources)


@flow(
    name="nightly",
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=LOAD_WORKERS),
    on_failure=[nightly_alerts.alert_failed_run],
    on_crashed=[nightly_alerts.alert_failed_run],
    on_completion=[nightly_alerts.forget],
)
def nightly(
    run_date: date | None = None,
    sandbox: bool | None = None,
    sources: tuple[str, ...] | None = None,
    exports_dir: Path | None = None,
    warehouse_file: Path | None = None,
    inputs_dir: Path | None = None,
    window_start: date | None = None,
) -> RunSummary:
    """Load the sources, transform, gate and publish the warehouse, then build the reports.

    `sandbox=None` follows the configured mode (the sandbox when no credentials are set). `sources` names the
    sources to load (catalog names, plus `exports` for the files in `exports_dir`); None = every catalog source.
    `warehouse_file` replaces the published file (its build folder sits next to it) and `inputs_dir` the
    business-input folder. A source or export file that fails is recorded, the others still load and publish, and
    the run then ends failed with its message. `window_start` (used by flows/backfill.py) makes every source re-read
    from that day regardless of its incremental cursor.
    """
    settings = load_settings()
    notify.announce_alerts_off(settings.alert_webhook_url)
    if settings.on_postgres and warehouse_file is not None:
        raise ConfigError(
            f'--warehouse {warehouse_file} names a DuckDB file, but [socialmart] warehouse = "postgres" builds in '
            f"{settings.postgres}: leave --warehouse out, or set SOCIALMART__WAREHOUSE=duckdb."
        )
    if inputs_dir is not None:
        settings = replace(settings, inputs_dir=Path(inputs_dir).resolve())
    if warehouse_file is not None:
        settings = replace(settings, warehouse_dir=Path(warehouse_file).resolve().parent)
    published = Path(warehouse_file).resolve() if warehouse_file is not None else settings.published_path
    specs = _selected_specs(sources)
    run_date = run_date or _default_run_date(settings)
    use_sb = use_sandbox(settings) if sandbox is None else sandbox
    started_at = datetime.now(UTC)
    if any(spec.reads_customers and (use_sb or spec.is_configured()) for spec in specs):
        settings.customer_salt(sandbox=use_sb)  # a live run without [socialmart] pii_salt stops here, before loading
    run_id = f"{run_date:%Y%m%d}-{datetime.now():%H%M%S}-{uuid.uuid4().hex[:6]}"
    summary = RunSummary(run_id=run_id, run_date=run_date, sandbox=use_sb)
    stage = _Stopwatch(summary)
    nightly_alerts.track(summary, stage)
    targets_before = None  # the published target statuses this run replaces (nightly_alerts.targets_before_publish)

    with ExitStack() as stack:
        stack.enter_context(warehouse.run_lock(settings.warehouse_dir))
        if settings.on_postgres:
            stack.enter_context(postgres_publish.run_lock(settings.postgres, run_id))
        pipelines_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="socialmart-dlt-")))
        sandbox_url = _start_sandbox(stack, run_date) if use_sb and specs else None
        if settings.on_postgres:
            build, target = None, BuildTarget(postgres=settings.postgres)
            postgres_publish.prepare_build(settings.postgres)
        else:
            build = warehouse.start_build(published, settings.build_dir)
            target = BuildTarget(duckdb_file=build)
        gate = None
        try:
            loaded: list[str] = []  # the sources this run is expected to load: the gate judges exactly these
            with stage("load"), target.loading():
                running = {}
                for number, spec in enumerate(specs, start=1):
                    if not use_sb and not spec.is_configured():
                        print(f"{spec.name}: no credentials configured, skipped")
                        continue
                    loaded.append(spec.name)
                    print(f"[load {number}/{len(specs)}] {spec.name} ...")
                    running[spec.name] = extract_load.submit(
                        spec, settings, target, run_date, sandbox_url, pipelines_dir, window_start
                    )
                for name, future in running.items():
                    try:
                        summary.rows_extracted[name] = future.result()
                    except Exception as exc:  # one failing source must not stop the others
                        error = find_source_error(exc) or exc
                        summary.source_errors[name] = f"{type(error).__name__}: {error}"
                        print(f"{name}: FAILED: {error}")
                if sources is not None and "exports" in sources:
                    print(f"[load] exports from {exports_dir} ...")
                    loaded.append("exports")
                    rows, rejected, raw, summary.export_warnings = load_exports(
                        Path(exports_dir), target, pipelines_dir, settings.pii_salt
                    )
                    summary.rows_extracted["exports"], summary.rejected_files = rows, rejected
                    if raw[0] and not rows and not rejected:  # only raw files: raw_exports is not loaded, not judged
                        loaded.remove("exports")
                    for source, tables in raw[0].items():  # raw Parquet files: judged as their connector's load
                        loaded.append(source)
                        summary.rows_extracted[source] = tables
                        summary.seconds[f"load:{source}"] = raw[1][source]
                    if rejected:
                        summary.source_errors["exports"] = f"{len(rejected)} file(s) rejected: " + "; ".join(rejected)
                print(f"[load] business inputs from {settings.inputs_dir} ...")
                summary.rows_extracted["business_inputs"] = load_business_inputs(settings, target, pipelines_dir)
            with stage("dbt"):
                print("[dbt] building the models and running the dbt tests ...")
                summary.dbt = transform(settings, target, run_date)
            with stage("gate"):
                print("[gate] validating the build ...")
                gate, summary.validation_results, summary.data_docs = validate(
                    settings, target, run_date, run_id, tuple(loaded)
                )
            summary.gate_success, summary.gate_summary = gate.success, gate.summary()
            if not gate.success:
                kept = f" The rejected marts are in schema {target.marts_schema}." if settings.on_postgres else ""
                raise PipelineError(
                    f"The quality gate failed, so nothing was published and no report was built.{kept}\n"
                    f"{gate.summary()}\nResults: {summary.validation_results}",
                    step="gate",
                )
            if settings.on_postgres:
                with stage("publish"):
                    print(f"[publish] schema {postgres_publish.PUBLISHED_SCHEMA} of {settings.postgres} ...")
                    targets_before = nightly_alerts.targets_before_publish(settings.postgres, run_date)
                    run_records.write_run_records(target, _run_record(summary, started_at, gate, True), gate.checks)
                    summary.published = publish_postgres(settings, run_id)
            else:
                with stage("parquet"):
                    parquet_copies.write_set(build, settings.warehouse_dir, run_id)
                with stage("publish"):
                    print(f"[publish] {published} ...")
                    record = _run_record(summary, started_at, gate, is_published=True)
                    run_records.write_run_records(target, record, gate.checks)
                    targets_before = nightly_alerts.targets_before_publish(published, run_date)
                    warehouse.publish(build, published)
                    summary.published = published
                    summary.parquet = parquet_copies.publish_set(settings.warehouse_dir, run_id)
        except Exception as exc:
            if summary.published is None:  # the published marts stay as they were
                _record_failed_run(settings, target, published, summary, started_at, gate, stage.last, exc)
            raise
        finally:
            if build is not None:
                warehouse.discard(build)
        with stage("report"):  # still under the run lock: a failed report is recorded in the published warehouse
            print("[report] building the reports due ...")
            marts = settings.postgres if settings.on_postgres else published
            summary.reports, summary.report_errors, summary.report_notes = build_reports(
                settings, run_date, gate.to_records(), marts
            )
            if summary.report_errors:
                _record_failed_reports(settings, target if settings.on_postgres else published, summary)
    nightly_alerts.alert_targets(summary, marts, targets_before, settings.alert_webhook_url)
    return _finish(summary)


def _run_record(
    summary: RunSummary,
    started_at: datetime,
    gate: GateResult | None,
    is_published: bool,
    failed_step: str | None = None,
    error: str | None = None,
) -> run_records.PipelineRun:
    """The run's row of ops.pipeline_runs. A published run whose sources partly failed is a failed `load`."""
    if failed_step is None and summary.source_errors:
        failed_step, error = "load", _sources_failed_message(summary, is_published)
    finished_at = datetime.now(UTC)
    return run_records.PipelineRun(
        run_id=summary.run_id,
        run_date=summary.run_date,
        started_at=started_at,
        finished_at=finished_at,
        status="failed" if failed_step else "success",
        failed_step=failed_step,
        error_message=error,
        is_sandbox=summary.sandbox,
        sources_loaded=len(summary.rows_extracted.keys() - summary.source_errors.keys()),
        sources_failed=len(summary.source_errors),
        failed_sources=", ".join(summary.source_errors) or None,
        rows_loaded=sum(sum(tables.values()) for tables in summary.rows_extracted.values()),
        dbt_models=summary.dbt.get("models"),
        dbt_tests_passed=summary.dbt.get("tests_passed"),
        dbt_tests_warned=summary.dbt.get("tests_warned"),
        gate_checks=len(gate.checks) if gate else None,
        gate_errors=len(gate.errors) if gate else None,
        gate_warnings=len(gate.warnings) if gate else None,
        is_published=is_published,
        load_seconds=summary.seconds.get("load"),
        dbt_seconds=summary.seconds.get("dbt"),
        gate_seconds=summary.seconds.get("gate"),
        parquet_seconds=summary.seconds.get("parquet"),
        total_seconds=round((finished_at - started_at).total_seconds(), 3),
    )


def _record_failed_run(
    settings: Settings,
    target: BuildTarget,
    published: Path,
    summary: RunSummary,
    started_at: datetime,
    gate: GateResult | None,
    step: str | None,
    error: Exception,
) -> None:
    """Store a failed run in the published warehouse's ops tables, its marts untouched (on PostgreSQL the ops schema
    is written in place, outside the swapped marts); a failure to record is printed and never hides the run's own
    error."""
    message = str(error) if isinstance(error, PipelineError) else f"{type(error).__name__}: {error}"
    record = _run_record(summary, started_at, gate, is_published=False, failed_step=step, error=message)
    checks = gate.checks if gate else []
    try:
        if target.postgres is not None:
            run_records.write_run_records(target, record, checks)
        else:
            parquet_copies.discard_set(settings.warehouse_dir, summary.run_id)
            run_records.publish_failed_run(published, settings.build_dir, record, checks)
    except Exception as exc:
        print(f"WARNING: the failed run was not recorded in {published}: {type(exc).__name__}: {exc}")


def _record_failed_reports(settings: Settings, published: Path | BuildTarget, summary: RunSummary) -> None:
    """Turn the published run's ops.pipeline_runs row into a failed `report` step; a failure to record is printed."""
    try:
        run_records.record_failed_reports(
            published, settings.build_dir, summary.run_id, _reports_failed_message(summary)
        )
    except Exception as exc:
        print(f"WARNING: the failed reports were not recorded in ops.pipeline_runs: {type(exc).__name__}: {exc}")


def _reports_failed_message(summary: RunSummary) -> str:
    return "Published, but these reports could not be built:\n" + "\n".join(
        f"  {error}" for error in summary.report_errors
    )


def _sources_failed_message(summary: RunSummary, published: bool) -> str:
    names = ", ".join(summary.source_errors)
    return (
        f"{'Published' if published else 'Built'}, but these sources failed to load: {names}. "
        "Their data is as of the previous run.\n"
        + "\n".join(f"  {name}: {error}" for name, error in summary.source_errors.items())
    )


def _finish(summary: RunSummary) -> RunSummary:
    """Publish the summary artifact, and fail when a source failed to load or a due report could not be built."""
    create_markdown_artifact(summary.markdown(), key="nightly-run-summary", description="socialmart nightly run")
    if summary.source_errors:
        raise PipelineError(_sources_failed_message(summary, summary.published is not None), step="load")
    if summary.report_errors:
        raise PipelineError(_reports_failed_message(summary), step="report")
    return summary


def summary_as_dict(summary: RunSummary) -> dict:
    """The run summary as plain JSON-ready data."""
    return json.loads(json.dumps(asdict(summary), default=str))


if __name__ == "__main__":
    result = nightly()
    print(result.markdown())
