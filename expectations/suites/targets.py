"""Suite family ``targets``: every target is in the target report, and every target of a started month has an actual.

The rows of ``raw_inputs.targets`` (inputs/targets.csv, a marketer's file) are matched to ``marts.rpt_monthly_targets``
on month, metric, channel and segment, normalized as staging does. Two checks, with their samples naming the file
and line of each target:

- ``target_in_report`` (error): every target has its row in the report. A missing row is the pipeline losing a
  target, and the report a person forwards would silently leave it out.
- ``target_coverage`` (warning): every target of a month whose first day is before the run date has an actual and
  a status other than ``no_data``. A target without data is most often the team's setup, not a defect of the run: a
  segment spelled differently from the data, or a channel whose source this deployment does not load (a run of
  export files alone has no organic followers). The report then shows "no data" for it, and its data-quality section
  names the target, so the data the run did load is still published.
"""

from __future__ import annotations

import great_expectations.expectations as gxe

from expectations.params import GateParams
from expectations.specs import AssetSpec, CheckSpec
from expectations.sql import date_literal, qualified
from expectations.suites.common import bad_row_count

FAMILY = "targets"
TARGETS = "raw_inputs.targets"
REPORT = "marts.rpt_monthly_targets"
KEY = ("metric", "channel", "segment")


def _query(params: GateParams) -> str:
    same_key = " AND ".join(f"report.{c} = LOWER(TRIM(CAST(target.{c} AS VARCHAR)))" for c in KEY)
    missing = "CASE WHEN report.month IS NULL THEN 'no row in rpt_monthly_targets' END"
    started = f"CAST(target.month AS DATE) < {date_literal(params.run_date)}"
    no_actual = (
        f"CASE WHEN NOT {started} THEN NULL WHEN report.month IS NULL THEN 'no row in rpt_monthly_targets' "
        "WHEN report.actual IS NULL THEN 'actual is null (status ' || COALESCE(report.status, 'null') || ')' "
        "WHEN report.status = 'no_data' THEN 'status no_data' END"
    )
    return (
        "SELECT CAST(target.month AS DATE) AS month, "
        + ", ".join(f"LOWER(TRIM(CAST(target.{c} AS VARCHAR))) AS {c}" for c in KEY)
        + f", target.source_file, target.source_line, {missing} AS missing_from_report, {no_actual} AS coverage_issue "
        f"FROM {qualified(TARGETS)} AS target LEFT JOIN {qualified(REPORT)} AS report "
        f"ON report.month = CAST(target.month AS DATE) AND {same_key}"
    )


def checks(params: GateParams) -> AssetSpec:
    """raw_inputs.targets vs marts.rpt_monthly_targets: every target reported, and covered once its month started."""
    in_report = CheckSpec(
        name=f"target_in_report.{REPORT}",
        expectation=gxe.ExpectColumnValuesToBeNull(column="missing_from_report"),
        table=REPORT,
        column="month, metric, channel, segment",
        rule=f"every target in {TARGETS} has its row in {REPORT}",
        observe=bad_row_count,
        explain=lambda n: f"{n} target(s) are missing from the report" if n else "every target is in the report",
    )
    coverage = CheckSpec(
        name=f"target_coverage.{REPORT}",
        expectation=gxe.ExpectColumnValuesToBeNull(column="coverage_issue"),
        table=REPORT,
        column="actual",
        rule=(
            f"every target in {TARGETS} for a month starting before {params.run_date.isoformat()} has an actual "
            "and a status other than no_data"
        ),
        severity="warning",
        observe=bad_row_count,
        explain=lambda n: f"{n} target(s) have no actual" if n else "every target has an actual",
    )
    return AssetSpec(
        name="targets_report",
        suite=f"{FAMILY}.report",
        query=_query(params),
        requires=(TARGETS, REPORT),
        checks=(in_report, coverage),
        index_columns=("month", *KEY, "source_file", "source_line"),
    )


def build(params: GateParams, tables: set[str]) -> list[AssetSpec]:
    """The targets asset when the warehouse has targets (no targets file loaded: nothing to check)."""
    return [checks(params)] if TARGETS in tables else []
