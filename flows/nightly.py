"""The nightly run: extract and load every source, build the dbt models, gate, publish, report."""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults before they are imported)
from socialmart import warehouse
from socialmart.catalog import SOURCES, SourceSpec, use_sandbox
from socialmart.config import ConfigError, Settings, load_settings
from socialmart.warehouse import BuildTarget
from sources.common.errors import find_source_error

# What a PostgreSQL run does not do yet (issue 5): it stops after dbt and says so.
POSTGRES_NOT_YET = (
    "quality gate: Great Expectations does not run on the PostgreSQL warehouse yet; nothing was validated",
    "publish: the marts were built in place in the database's marts schema; there is no schema swap yet",
    "reports: the monthly target report reads the published DuckDB file; none was built",
)


class PipelineError(RuntimeError):
    """The run failed; the message says which step, what went wrong and what to do."""


@dataclass
class RunSummary:
    """What a nightly run did, for the console, the Prefect artifact and the tests."""

    run_id: str
    run_date: date
    sandbox: bool
    rows_extracted: dict[str, dict[str, int]] = field(default_factory=dict)
    source_errors: dict[str, str] = field(default_factory=dict)
    rejected_files: list[str] = field(default_factory=list)
    dbt: dict[str, int] = field(default_factory=dict)
    gate_success: bool | None = None  # None: the gate did not run
    gate_summary: str = ""
    skipped: list[str] = field(default_factory=list)  # steps this run did not run, each with the reason
    published: Path | None = None
    validation_results: Path | None = None
    data_docs: Path | None = None
    reports: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def markdown(self) -> str:
        """A short human-readable summary of the run."""
        lines = [
            f"# socialmart nightly run {self.run_id}",
            "",
            f"Run date: {self.run_date} ({'sandbox' if self.sandbox else 'live APIs'})",
            "",
            "| source | table | rows extracted |",
            "|---|---|---|",
        ]
        for source, tables in self.rows_extracted.items():
            for table, rows in sorted(tables.items()):
                lines.append(f"| {source} | {table} | {rows:,} |")
        for source, error in self.source_errors.items():
            lines.append(f"| {source} | FAILED | {error.splitlines()[0]} |")
        if self.rejected_files:
            lines += ["", "Rejected export files:", *(f"- {rejected}" for rejected in self.rejected_files)]
        gate = "not run" if self.gate_success is None else "passed" if self.gate_success else "FAILED"
        lines += ["", f"dbt: {self.dbt}", "", f"Gate: {gate}"]
        lines += [f"Skipped: {step}" for step in self.skipped]
        if self.gate_summary:
            lines += ["", "```", self.gate_summary, "```"]
        if self.published:
            lines += ["", f"Published: `{self.published}`"]
        lines += [f"Report: `{path}`" for path in self.reports]
        return "\n".join(lines)


class _Stopwatch:
    """Adds the wall time of each `with stopwatch("stage"):` block to the summary."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def _default_run_date(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.reporting_timezone)).date()


@task(retries=1, retry_delay_seconds=5, timeout_seconds=1800, cache_policy=NO_CACHE)
def extract_load(
    spec: SourceSpec,
    settings: Settings,
    target: BuildTarget,
    run_date: date,
    sandbox_url: str | None,
    pipelines_dir: Path,
) -> dict[str, int]:
    """Extract one source and load it into its raw dataset in the build target; return rows per table."""
    import dlt

    pipeline = dlt.pipeline(
        pipeline_name=f"socialmart_{spec.name}",
        destination=target.dlt_destination(),
        dataset_name=spec.dataset,
        pipelines_dir=str(pipelines_dir),
    )
    pipeline.run(spec.build(settings, run_date, sandbox_url))
    counts = pipeline.last_trace.last_normalize_info.row_counts
    rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    print(f"{spec.name}: loaded {sum(rows.values()):,} rows into {spec.dataset} ({rows})")
    return rows


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
def load_exports(exports_dir: Path, target: BuildTarget, pipelines_dir: Path) -> tuple[dict[str, int], list[str]]:
    """Load the export files of `exports_dir` into raw_exports; return rows per table and the rejected files."""
    import dlt

    from sources.exports import exports_source, read_exports

    batch = read_exports(exports_dir)
    for error in batch.errors:
        print(f"exports: REJECTED {error}")
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
    return rows, [str(error) for error in batch.errors]


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def transform(settings: Settings, target: BuildTarget, run_date: date) -> dict[str, int]:
    """Build every dbt model and run the dbt tests; fails with the failed model's name and error."""
    from socialmart.dbt import run_dbt_build

    result = run_dbt_build(settings, target, run_date)
    return {"models": result.models, "tests_passed": result.tests_passed, "tests_warned": result.tests_warned}


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def validate(settings: Settings, build: Path, run_date: date, run_id: str, sources: tuple[str, ...]):
    """Run the Great Expectations gate over the build (raw checks for the run's `sources`); store results as JSON
    and Data Docs."""
    from expectations.gate import GateParams, run_gate

    docs_dir = settings.validation_dir / "docs"
    params = GateParams(
        run_date=run_date,
        freshness_days=settings.freshness_days,
        sources=sources,
        fx_max_carry_forward_days=settings.fx_max_carry_forward_days,
    )
    result = run_gate(build, params, docs_dir)
    settings.validation_dir.mkdir(parents=True, exist_ok=True)
    results_path = settings.validation_dir / f"gate-{run_id}.json"
    results_path.write_text(json.dumps(result.to_records(), indent=2, default=str))
    (settings.validation_dir / "latest.json").write_text(results_path.read_text())
    return result, results_path, docs_dir


@task(timeout_seconds=600, cache_policy=NO_CACHE)
def build_reports(settings: Settings, run_date: date, gate_records: list[dict], published: Path) -> list[Path]:
    """Build the monthly target report for the last closed month from the published warehouse."""
    from reports.monthly_targets import build_monthly_target_report

    last_closed = (run_date.replace(day=1) - timedelta(days=1)).replace(day=1)
    files = build_monthly_target_report(
        published, last_closed, settings.reports_dir, gate_records, currency=settings.reporting_currency
    )
    return [files.html, files.csv]


def _start_sandbox(stack: ExitStack, run_date: date) -> str:
    from sandbox.server import SandboxServer

    server = stack.enter_context(SandboxServer(as_of=run_date))
    print(f"No credentials configured: using the sandbox brand at {server.url}")
    return server.url


def _selected_specs(sources: tuple[str, ...] | None) -> tuple[SourceSpec, ...]:
    """The catalog sources a run loads: all of them by default, else those named in `sources`."""
    if sources is None:
        return SOURCES
    return tuple(spec for spec in SOURCES if spec.name in sources)


@flow(name="nightly", log_prints=True)
def nightly(
    run_date: date | None = None,
    sandbox: bool | None = None,
    sources: tuple[str, ...] | None = None,
    exports_dir: Path | None = None,
    warehouse_file: Path | None = None,
    inputs_dir: Path | None = None,
) -> RunSummary:
    """Load the sources, transform, gate and publish the warehouse, then build the reports.

    `sandbox=None` follows the configured mode (the sandbox when no credentials are set). `sources` names the
    sources to load (catalog names, plus `exports` for the files in `exports_dir`); None = every catalog source.
    `warehouse_file` replaces the published file (its build folder sits next to it) and `inputs_dir` the
    business-input folder. A source or export file that fails is recorded, the others still load and publish, and
    the run then ends failed with its message.
    """
    settings = load_settings()
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
    run_id = f"{run_date:%Y%m%d}-{datetime.now():%H%M%S}-{uuid.uuid4().hex[:6]}"
    summary = RunSummary(run_id=run_id, run_date=run_date, sandbox=use_sb)
    stage = _Stopwatch(summary.seconds)

    with ExitStack() as stack:
        stack.enter_context(warehouse.run_lock(settings.warehouse_dir))
        pipelines_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="socialmart-dlt-")))
        sandbox_url = _start_sandbox(stack, run_date) if use_sb and specs else None
        if settings.on_postgres:
            build, target = None, BuildTarget(postgres=settings.postgres)
        else:
            build = warehouse.start_build(published, settings.build_dir, run_id)
            target = BuildTarget(duckdb_file=build)
        try:
            loaded: list[str] = []  # the sources this run is expected to load: the gate judges exactly these
            with stage("load"):
                for spec in specs:
                    if not use_sb and not spec.is_configured():
                        print(f"{spec.name}: no credentials configured, skipped")
                        continue
                    loaded.append(spec.name)
                    try:
                        summary.rows_extracted[spec.name] = extract_load(
                            spec, settings, target, run_date, sandbox_url, pipelines_dir
                        )
                    except Exception as exc:  # one failing source must not stop the others
                        error = find_source_error(exc) or exc
                        summary.source_errors[spec.name] = f"{type(error).__name__}: {error}"
                        print(f"{spec.name}: FAILED: {error}")
                if sources is not None and "exports" in sources:
                    loaded.append("exports")
                    rows, rejected = load_exports(Path(exports_dir), target, pipelines_dir)
                    summary.rows_extracted["exports"], summary.rejected_files = rows, rejected
                    if rejected:
                        summary.source_errors["exports"] = f"{len(rejected)} file(s) rejected: " + "; ".join(rejected)
                summary.rows_extracted["business_inputs"] = load_business_inputs(settings, target, pipelines_dir)
            with stage("dbt"):
                summary.dbt = transform(settings, target, run_date)
            if settings.on_postgres:
                return _finish(summary, skipped=POSTGRES_NOT_YET)
            with stage("gate"):
                gate, summary.validation_results, summary.data_docs = validate(
                    settings, build, run_date, run_id, tuple(loaded)
                )
            summary.gate_success, summary.gate_summary = gate.success, gate.summary()
            if not gate.success:
                raise PipelineError(
                    "The quality gate failed, so nothing was published and no report was built.\n"
                    f"{gate.summary()}\nResults: {summary.validation_results}"
                )
            with stage("publish"):
                warehouse.publish(build, published)
            summary.published = published
        finally:
            if build is not None:
                warehouse.discard(build)
    with stage("report"):
        failed_checks = [r for r in gate.to_records() if not r.get("success")]
        summary.reports = build_reports(settings, run_date, failed_checks, published)
    return _finish(summary)


def _finish(summary: RunSummary, skipped: tuple[str, ...] = ()) -> RunSummary:
    """Record the steps the run skipped, publish the summary artifact, and fail when a source failed to load."""
    for step in skipped:
        print(f"SKIPPED: {step}")
    summary.skipped.extend(skipped)
    create_markdown_artifact(summary.markdown(), key="nightly-run-summary", description="socialmart nightly run")
    if summary.source_errors:
        names = ", ".join(summary.source_errors)
        done = "Published" if summary.published else "Built"
        raise PipelineError(
            f"{done}, but these sources failed to load: {names}. Their data is as of the previous run.\n"
            + "\n".join(f"  {name}: {error}" for name, error in summary.source_errors.items())
        )
    return summary


def summary_as_dict(summary: RunSummary) -> dict:
    """The run summary as plain JSON-ready data."""
    return json.loads(json.dumps(asdict(summary), default=str))


if __name__ == "__main__":
    result = nightly()
    print(result.markdown())
