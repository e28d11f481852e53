"""The nightly run: extract and load every source, build the dbt models, gate, publish, report."""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults before they are imported)
from socialmart import warehouse
from socialmart.catalog import SOURCES, SourceSpec, use_sandbox
from socialmart.config import Settings, load_settings


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
    dbt: dict[str, int] = field(default_factory=dict)
    gate_success: bool | None = None
    gate_summary: str = ""
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
        lines += ["", f"dbt: {self.dbt}", "", f"Gate: {'passed' if self.gate_success else 'FAILED'}"]
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
    build: Path,
    run_date: date,
    sandbox_url: str | None,
    pipelines_dir: Path,
) -> dict[str, int]:
    """Extract one source and load it into its raw dataset in the build file; return rows per table."""
    import dlt

    pipeline = dlt.pipeline(
        pipeline_name=f"socialmart_{spec.name}",
        destination=dlt.destinations.duckdb(str(build)),
        dataset_name=spec.dataset,
        pipelines_dir=str(pipelines_dir),
    )
    pipeline.run(spec.build(settings, run_date, sandbox_url))
    counts = pipeline.last_trace.last_normalize_info.row_counts
    rows = {table: count for table, count in counts.items() if not table.startswith("_dlt")}
    print(f"{spec.name}: loaded {sum(rows.values()):,} rows into {spec.dataset} ({rows})")
    return rows


@task(timeout_seconds=600, cache_policy=NO_CACHE)
def load_business_inputs(settings: Settings, build: Path, pipelines_dir: Path) -> dict[str, int]:
    """Validate and load the business-input CSVs (targets, FX rates, promo codes) into raw_inputs."""
    import dlt

    from sources.business_inputs import business_inputs_source

    pipeline = dlt.pipeline(
        pipeline_name="socialmart_business_inputs",
        destination=dlt.destinations.duckdb(str(build)),
        dataset_name="raw_inputs",
        pipelines_dir=str(pipelines_dir),
    )
    pipeline.run(business_inputs_source(inputs_dir=str(settings.inputs_dir)))
    counts = pipeline.last_trace.last_normalize_info.row_counts
    return {table: count for table, count in counts.items() if not table.startswith("_dlt")}


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def transform(settings: Settings, build: Path, run_date: date) -> dict[str, int]:
    """Build every dbt model and run the dbt tests; fails with the failed model's name and error."""
    from socialmart.dbt import run_dbt_build

    result = run_dbt_build(settings, build, run_date)
    return {"models": result.models, "tests_passed": result.tests_passed, "tests_warned": result.tests_warned}


@task(timeout_seconds=1800, cache_policy=NO_CACHE)
def validate(settings: Settings, build: Path, run_date: date, run_id: str):
    """Run the Great Expectations gate over the build; store results as JSON and Data Docs."""
    from expectations.gate import GateParams, run_gate

    docs_dir = settings.validation_dir / "docs"
    result = run_gate(build, GateParams(run_date=run_date, freshness_days=settings.freshness_days), docs_dir)
    settings.validation_dir.mkdir(parents=True, exist_ok=True)
    results_path = settings.validation_dir / f"gate-{run_id}.json"
    results_path.write_text(json.dumps(result.to_records(), indent=2, default=str))
    (settings.validation_dir / "latest.json").write_text(results_path.read_text())
    return result, results_path, docs_dir


@task(timeout_seconds=600, cache_policy=NO_CACHE)
def build_reports(settings: Settings, run_date: date, gate_records: list[dict]) -> list[Path]:
    """Build the monthly target report for the last closed month from the published warehouse."""
    from reports.monthly_targets import build_monthly_target_report

    last_closed = (run_date.replace(day=1) - timedelta(days=1)).replace(day=1)
    files = build_monthly_target_report(
        settings.published_path, last_closed, settings.reports_dir, gate_records, currency=settings.reporting_currency
    )
    return [files.html, files.csv]


def _start_sandbox(stack: ExitStack, run_date: date) -> str:
    from sandbox.server import SandboxServer

    server = stack.enter_context(SandboxServer(as_of=run_date))
    print(f"No credentials configured: using the sandbox brand at {server.url}")
    return server.url


@flow(name="nightly", log_prints=True)
def nightly(run_date: date | None = None, sandbox: bool | None = None) -> RunSummary:
    """Load every source, transform, gate and publish the warehouse, then build the reports.

    `sandbox=None` follows the configured mode (the sandbox when no credentials are set).
    """
    settings = load_settings()
    run_date = run_date or _default_run_date(settings)
    use_sb = use_sandbox(settings) if sandbox is None else sandbox
    run_id = f"{run_date:%Y%m%d}-{datetime.now():%H%M%S}-{uuid.uuid4().hex[:6]}"
    summary = RunSummary(run_id=run_id, run_date=run_date, sandbox=use_sb)
    stage = _Stopwatch(summary.seconds)

    with ExitStack() as stack:
        stack.enter_context(warehouse.run_lock(settings.warehouse_dir))
        pipelines_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="socialmart-dlt-")))
        sandbox_url = _start_sandbox(stack, run_date) if use_sb else None
        build = warehouse.start_build(settings.published_path, settings.build_dir, run_id)
        try:
            with stage("load"):
                for spec in SOURCES:
                    if not use_sb and not spec.is_configured():
                        print(f"{spec.name}: no credentials configured, skipped")
                        continue
                    try:
                        summary.rows_extracted[spec.name] = extract_load(
                            spec, settings, build, run_date, sandbox_url, pipelines_dir
                        )
                    except Exception as exc:  # one failing source must not stop the others
                        summary.source_errors[spec.name] = f"{type(exc).__name__}: {exc}"
                        print(f"{spec.name}: FAILED: {exc}")
                summary.rows_extracted["business_inputs"] = load_business_inputs(settings, build, pipelines_dir)
            with stage("dbt"):
                summary.dbt = transform(settings, build, run_date)
            with stage("gate"):
                gate, summary.validation_results, summary.data_docs = validate(settings, build, run_date, run_id)
            summary.gate_success, summary.gate_summary = gate.success, gate.summary()
            if not gate.success:
                raise PipelineError(
                    "The quality gate failed, so nothing was published and no report was built.\n"
                    f"{gate.summary()}\nResults: {summary.validation_results}"
                )
            with stage("publish"):
                warehouse.publish(build, settings.published_path)
            summary.published = settings.published_path
        finally:
            warehouse.discard(build)
    with stage("report"):
        summary.reports = build_reports(settings, run_date, [r for r in gate.to_records() if not r.get("success")])
    create_markdown_artifact(summary.markdown(), key="nightly-run-summary", description="socialmart nightly run")
    if summary.source_errors:
        names = ", ".join(summary.source_errors)
        raise PipelineError(
            f"Published, but these sources failed to load: {names}. Their data is as of the previous run.\n"
            + "\n".join(f"  {name}: {error}" for name, error in summary.source_errors.items())
        )
    return summary


def summary_as_dict(summary: RunSummary) -> dict:
    """The run summary as plain JSON-ready data."""
    return json.loads(json.dumps(asdict(summary), default=str))


if __name__ == "__main__":
    result = nightly()
    print(result.markdown())
