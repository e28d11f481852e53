"""Targets: every target is in rpt_monthly_targets (error), and every target of a started month has an actual
(warning)."""

from __future__ import annotations

from datetime import date

from expectations import GateParams, run_gate

IN_REPORT = "target_in_report.marts.rpt_monthly_targets"
COVERAGE = "target_coverage.marts.rpt_monthly_targets"


def _target(month: str, metric: str, channel: str, segment: str, line: int, **issue: str) -> dict[str, object]:
    """A sample: the target's key, its file line and what is wrong with it (the checked column)."""
    return {
        "month": date.fromisoformat(month),
        "metric": metric,
        "channel": channel,
        "segment": segment,
        "source_file": "inputs/targets.csv",
        "source_line": line,
        **issue,
    }


def test_every_target_is_reported_and_every_started_one_covered(warehouse, params: GateParams) -> None:
    """The fixture's targets: February and March (channel ' Meta ' normalized as staging does) have actuals; April
    has not started on 2025-03-06, so its no_data row is right."""
    result = run_gate(warehouse(), params)

    assert (result.check(IN_REPORT).success, result.check(IN_REPORT).observed_value) == (True, 0)
    coverage = result.check(COVERAGE)
    assert (coverage.success, coverage.observed_value, coverage.message) == (True, 0, "every target has an actual")


def test_a_started_target_without_an_actual_warns_naming_its_line(warehouse, params: GateParams) -> None:
    path = warehouse(
        "UPDATE marts.rpt_monthly_targets SET actual = NULL, attainment = NULL, status = 'no_data' "
        "WHERE month = DATE '2025-03-01'",
        "INSERT INTO raw_inputs.targets VALUES "
        "(DATE '2025-03-01', 'sessions', 'all', 'all', 9000, 'inputs/targets.csv', 5)",
        "INSERT INTO marts.rpt_monthly_targets VALUES "
        "(DATE '2025-03-01', 'sessions', 'all', 'all', 9000, 0, 0, 'no_data')",
    )
    result = run_gate(path, params)

    assert result.success, result.summary()
    assert result.failed == {COVERAGE}
    bad = result.check(COVERAGE)
    assert (bad.severity, bad.table, bad.column, bad.observed_value) == (
        "warning",
        "marts.rpt_monthly_targets",
        "actual",
        2,
    )
    assert bad.message == "2 target(s) have no actual"
    assert sorted(bad.samples, key=lambda s: s["source_line"]) == [
        _target("2025-03-01", "spend", "meta", "all", 3, coverage_issue="actual is null (status no_data)"),
        _target("2025-03-01", "sessions", "all", "all", 5, coverage_issue="status no_data"),
    ]


def test_a_target_missing_from_the_report_fails(warehouse, params: GateParams) -> None:
    path = warehouse(
        "INSERT INTO raw_inputs.targets VALUES "
        "(DATE '2025-02-01', 'orders', 'meta', 'gen-z', 40, 'inputs/targets.csv', 5), "
        "(DATE '2025-05-01', 'orders', 'meta', 'all', 40, 'inputs/targets.csv', 6)"
    )
    result = run_gate(path, params)

    assert not result.success
    assert result.failed == {IN_REPORT, COVERAGE}
    missing = result.check(IN_REPORT)
    assert (missing.severity, missing.observed_value, missing.message) == (
        "error", 2, "2 target(s) are missing from the report"
    )  # fmt: skip
    assert sorted(missing.samples, key=lambda s: s["source_line"]) == [
        _target("2025-02-01", "orders", "meta", "gen-z", 5, missing_from_report="no row in rpt_monthly_targets"),
        _target("2025-05-01", "orders", "meta", "all", 6, missing_from_report="no row in rpt_monthly_targets"),
    ]
    # Of the two, only February's month has started: it is also uncovered.
    assert result.check(COVERAGE).samples == [
        _target("2025-02-01", "orders", "meta", "gen-z", 5, coverage_issue="no row in rpt_monthly_targets")
    ]
