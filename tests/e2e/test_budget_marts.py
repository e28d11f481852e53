"""fct_budget_pacing of the first nightly run against the sandbox's ground truth, to the cent.

The committed inputs/budgets.csv holds a budget for every ad channel and `all` every month (sandbox.budgets). For
the last closed month and the run month, every channel's budget (converted at the month's first-day rate) and
spend to date equal the truth; the pacing columns follow from them by the documented formulas. On DuckDB and on
PostgreSQL (the `first_run` fixture).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from e2e_scenario import RUN_DATE, FirstRun, month_of, run_truth

from sandbox.budgets import BUDGET_CHANNELS
from socialmart.config import load_settings

pytestmark = pytest.mark.e2e

CLOSED_MONTH = (RUN_DATE.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
RUN_MONTH = RUN_DATE.strftime("%Y-%m")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _status(ratio: Decimal | None, spend: Decimal, under: float, over: float) -> str:
    if ratio is None:
        return "over_pacing" if spend > 0 else "on_pace"
    if ratio < Decimal(str(under)):
        return "under_pacing"
    return "over_pacing" if ratio > Decimal(str(over)) else "on_pace"


def test_budget_pacing_equals_the_truth(first_run: FirstRun) -> None:
    truth = run_truth(RUN_DATE)
    settings = load_settings()
    rows = {
        (month, channel): rest
        for month, channel, *rest in first_run.query(
            f"select {month_of('month')}, channel, budget, spend_to_date, days_elapsed, days_in_month, "
            "expected_spend_to_date, projected_spend, projected_vs_budget, pacing_ratio, pacing_status, "
            f"is_month_closed from marts.fct_budget_pacing where month >= date '{CLOSED_MONTH}-01'",
        )
    }
    assert set(rows) == {(m, c) for m in (CLOSED_MONTH, RUN_MONTH) for c in BUDGET_CHANNELS}
    for month in (CLOSED_MONTH, RUN_MONTH):
        days_in_month = monthrange(int(month[:4]), int(month[5:]))[1]
        closed = month == CLOSED_MONTH
        elapsed = days_in_month if closed else RUN_DATE.day - 1
        for channel in BUDGET_CHANNELS:
            budget = truth.budget(channel, month)
            spend = truth.ad_spend_to_date(channel, month)
            assert budget is not None
            projected = spend if closed else _cents(spend * days_in_month / elapsed)
            ratio = None if budget == 0 else spend * days_in_month / (budget * elapsed)
            expected = (
                budget,
                spend,
                elapsed,
                days_in_month,
                _cents(budget * elapsed / days_in_month),
                projected,
                projected - budget,
            )
            got = rows[(month, channel)]
            assert tuple(got[:7]) == expected, (month, channel)
            assert got[7] == pytest.approx(float(ratio), rel=1e-12), (month, channel)
            status = _status(ratio, spend, settings.pacing_under_below, settings.pacing_over_above)
            assert (got[8], got[9]) == (status, closed), (month, channel)
        assert truth.ad_spend_to_date("all", month) > 0
    statuses = first_run.query("select distinct pacing_status from marts.fct_budget_pacing")
    assert {status for (status,) in statuses} == {"under_pacing", "on_pace", "over_pacing"}
