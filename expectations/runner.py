"""Run asset specs through Great Expectations and convert the validation results into CheckResults.

Each asset's query runs once, in the warehouse, and GX validates its result: an ExpectationSuite, a
ValidationDefinition and a Checkpoint over a dataframe asset. Every asset query already does the work in the
database and returns only aggregates or the bad rows (at most a few thousand rows at agency scale). Handing that
result to GX as a dataframe, instead of as a SQL query asset, matters for speed: GX's SQL engine re-runs the asset
query once per metric (four to five times for a SUMMARY result), so the two costliest assets, the order
reconciliation and the daily volumes over 3 years of raw rows, took 9 s and 8 s instead of 2 s each (issue 8).
One Checkpoint per asset because the result format (which key columns to report with bad rows) is per asset;
GX lets a run-time result format override an expectation's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import sqlalchemy as sa
from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.datasource.fluent import PandasDatasource, SQLDatasource
from great_expectations.expectations.metadata_types import FailureSeverity

from expectations.results import CheckResult
from expectations.specs import AssetSpec, CheckSpec

DOCS_SITE = "socialmart_gate"
RESULTS_DATASOURCE = "gate_results"
_SEVERITY = {"error": FailureSeverity.CRITICAL, "warning": FailureSeverity.WARNING}


def new_context(docs_dir: Path | None, config_variables: dict[str, str] | None = None) -> AbstractDataContext:
    """An ephemeral GX context without progress bars, with a Data Docs site in ``docs_dir`` when given.

    ``config_variables`` are the values of the ``${NAME}`` variables in datasource settings (secrets): GX
    substitutes them when it connects and keeps only the ``${NAME}`` form.
    """
    context = gx.get_context(mode="ephemeral", runtime_environment=config_variables or {})
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
    return context


def build_docs(context: AbstractDataContext, docs_dir: Path) -> Path:
    """Render the Data Docs of every validation run so far into ``docs_dir``; return the index page."""
    context.build_data_docs(site_names=[DOCS_SITE])
    return docs_dir / "index.html"


def not_evaluated(asset: AssetSpec, reason: str) -> list[CheckResult]:
    """Failed, not-evaluated results for every check of an asset (missing table, query error)."""
    return [
        CheckResult(
            name=c.name,
            suite=asset.suite,
            severity=c.severity,
            success=False,
            table=c.table,
            column=c.column,
            rule=c.rule,
            message=reason,
            evaluated=False,
        )
        for c in asset.checks
    ]


def run_asset(
    context: AbstractDataContext, datasource: SQLDatasource, asset: AssetSpec, sample_rows: int
) -> list[CheckResult]:
    """Validate one asset with a Checkpoint and return one CheckResult per check."""
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": max(sample_rows, 1)}
    if asset.index_columns:
        result_format["unexpected_index_column_names"] = list(asset.index_columns)
    try:
        frame = _query_result(datasource, asset.query)
        batch = _results_datasource(context).add_dataframe_asset(asset.name).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=asset.suite, expectations=_expectations(asset)))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate.{asset.name}", data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=f"gate.{asset.name}", validation_definitions=[validation], result_format=result_format)
        )
        run = checkpoint.run(batch_parameters={"dataframe": frame})
    except Exception as exc:  # a failing query must fail the asset's checks, not crash the gate
        error = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc  # the database's own error, not SQLAlchemy's
        return not_evaluated(asset, f"query failed: {type(error).__name__}: {_first_line(error)}")
    by_name = {
        r.expectation_config.meta["check"]: r for suite_result in run.run_results.values() for r in suite_result.results
    }
    return [_to_check_result(asset, check, by_name.get(check.name), sample_rows) for check in asset.checks]


def _query_result(datasource: SQLDatasource, query: str) -> pd.DataFrame:
    """Run the asset's query once on the datasource's connection and return its rows, as the driver's Python values
    (object columns: observed values and bad-row samples keep the types the SQL path gave, not numpy's)."""
    with datasource.get_engine().connect() as connection:
        result = connection.execute(sa.text(query))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()), dtype=object)


def _results_datasource(context: AbstractDataContext) -> PandasDatasource:
    """The context's datasource of query results (added on first use)."""
    try:
        return context.data_sources.get(RESULTS_DATASOURCE)
    except KeyError:
        return context.data_sources.add_pandas(RESULTS_DATASOURCE)


def _expectations(asset: AssetSpec) -> list[Any]:
    """Copies of the asset's expectations carrying their check's severity and identity (in meta)."""
    expectations = []
    for check in asset.checks:
        expectation = check.expectation.copy(deep=True)
        expectation.severity = _SEVERITY[check.severity]
        expectation.meta = {"check": check.name, "table": check.table, "column": check.column}
        expectations.append(expectation)
    return expectations


def _to_check_result(
    asset: AssetSpec, check: CheckSpec, result: ExpectationValidationResult | None, sample_rows: int
) -> CheckResult:
    base = {
        "name": check.name,
        "suite": asset.suite,
        "severity": check.severity,
        "table": check.table,
        "column": check.column,
        "rule": check.rule,
    }
    if result is None:
        return CheckResult(success=False, message="no validation result", evaluated=False, **base)
    error = _exception_message(result)
    if error is not None:
        return CheckResult(success=False, message=f"query failed: {error}", evaluated=False, **base)
    details: dict[str, Any] = dict(result.result or {})
    observed = check.observe(details) if check.observe else _default_observed(details)
    if check.explain is not None:
        message = check.explain(observed)
    elif "unexpected_count" in details:
        message = (
            f"{details['unexpected_count']} of {details.get('element_count')} rows break the rule "
            f"({details.get('unexpected_percent') or 0:.4g}%)"
        )
    else:
        message = f"observed {observed}"
    samples = _samples(details, check.column, sample_rows) if not result.success else []
    return CheckResult(success=bool(result.success), observed_value=observed, samples=samples, message=message, **base)


def _default_observed(details: dict[str, Any]) -> Any:
    if "observed_value" in details:
        return details["observed_value"]
    return details.get("unexpected_count")


def _samples(details: dict[str, Any], column: str | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` distinct bad rows: key columns plus the offending value(s)."""
    rows = details.get("partial_unexpected_index_list") or details.get("partial_unexpected_list") or []
    samples: list[dict[str, Any]] = []
    for row in rows:
        sample = dict(row) if isinstance(row, dict) else {column or "value": row}
        if sample not in samples:
            samples.append(sample)
        if len(samples) >= limit:
            break
    return samples


def _exception_message(result: ExpectationValidationResult) -> str | None:
    """The message of an exception GX caught while evaluating the expectation, if any."""
    info = result.exception_info or {}
    candidates = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return _first_line(candidate.get("exception_message") or "unknown error")
    return None


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
