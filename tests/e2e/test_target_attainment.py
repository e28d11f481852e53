"""rpt_monthly_targets for a closed month equals the ground truth: every target row of inputs/targets.csv gets the
true actual, attainment and status, on DuckDB and on PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from e2e_scenario import RUN_DATE, Scenario, query, run_truth
from postgres_support import PostgresRun

from socialmart.config import load_settings

pytestmark = pytest.mark.e2e

MONTH = "2026-10"  # closed at RUN_DATE: the projection is the actual
TARGETS = Path(__file__).resolve().parents[2] / "inputs" / "targets.csv"
LOWER_IS_BETTER = {"cpa"}
MONEY = {"revenue", "spend"}


def _targets() -> dict[tuple[str, str, str], Decimal]:
    with TARGETS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["month"] == MONTH]
    return {(r["metric"], r["channel"], r["segment"]): Decimal(r["target"]) for r in rows}


def _status(attainment: float | None, on_track_min: float, at_risk_min: float) -> str:
    if attainment is None:
        return "no_data"
    if attainment >= on_track_min:
        return "on_track"
    return "at_risk" if attainment >= at_risk_min else "off_track"


def _assert_attainment_equals_truth(run_query: Callable[[str], list[tuple]]) -> None:
    rows = run_query(
        "select metric, channel, segment, target, actual, attainment, projection, status, is_month_closed "
        f"from marts.rpt_monthly_targets where month = date '{MONTH}-01'"
    )
    targets = _targets()
    assert {(m, c, s) for m, c, s, *_ in rows} == set(targets)
    assert {"revenue", "sessions", "new_customers", "followers_gained", "engagement_rate", "spend", "cpa", "roas"} <= {
        m for m, _, _ in targets
    }
    truth = run_truth(RUN_DATE)
    settings = load_settings()
    for metric, channel, segment, target, actual, attainment, projection, status, closed in rows:
        key = (metric, channel, segment)
        true_actual = truth.target_actual(metric, channel, segment, MONTH)
        assert true_actual is not None, key
        if metric in MONEY:
            assert Decimal(str(actual)).quantize(Decimal("0.01")) == true_actual, key
        else:
            assert float(actual) == pytest.approx(float(true_actual), rel=1e-9), key
        true_attainment = (
            float(targets[key] / true_actual) if metric in LOWER_IS_BETTER else float(true_actual / targets[key])
        )
        assert float(target) == float(targets[key]), key
        assert float(attainment) == pytest.approx(true_attainment, rel=1e-9), key
        assert closed and float(projection) == pytest.approx(float(actual), rel=1e-12), key
        assert status == _status(true_attainment, settings.on_track_min, settings.at_risk_min), key
    assert len({status for *_, status, _ in rows}) >= 2, "the sandbox targets should not all share one status"


def test_closed_month_attainment_equals_truth_on_duckdb(scenario: Scenario) -> None:
    _assert_attainment_equals_truth(lambda sql: query(scenario.first_snapshot, sql))


@pytest.mark.postgres
def test_closed_month_attainment_equals_truth_on_postgres(postgres_nightly: PostgresRun) -> None:
    _assert_attainment_equals_truth(postgres_nightly.query)
