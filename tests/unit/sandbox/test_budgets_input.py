"""The sandbox's budgets.csv: committed copy equals the generator, every ad channel and month, some channels over
and some under their budget, and the truth's budget() converts it at the month's first-day rate."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox import fx, inputs
from sandbox.budgets import BUDGET_CHANNELS, BUDGET_CURRENCIES
from sandbox.truth import Truth

INPUTS = Path(__file__).resolve().parents[3] / "inputs"


@pytest.fixture(scope="module")
def final_truth() -> Truth:
    return Truth(inputs.TRUTH_AS_OF)


@pytest.fixture(scope="module")
def rows(final_truth: Truth) -> list[dict[str, str]]:
    text = inputs.budgets_csv(final_truth)
    committed = (INPUTS / "budgets.csv").read_text(encoding="utf-8")
    assert committed == text, "regenerate with: python -m sandbox.inputs inputs (budgets.csv differs)"
    return list(csv.DictReader(io.StringIO(text)))


def test_every_month_has_every_ad_channel_and_all(rows: list[dict[str, str]]) -> None:
    keys = Counter((r["month"], r["channel"]) for r in rows)
    months = sorted({m for m, _ in keys})
    assert (months[0], months[-1], len(months)) == ("2025-01", "2027-12", 36)
    assert set(keys.values()) == {1} and len(keys) == 36 * len(BUDGET_CHANNELS)
    assert {(r["channel"], r["currency"]) for r in rows} == {
        (c, BUDGET_CURRENCIES.get(c, "USD")) for c in BUDGET_CHANNELS
    }


def test_channels_pace_over_and_under_their_budgets(rows: list[dict[str, str]], final_truth: Truth) -> None:
    ratios = []
    for r in rows:
        budget = final_truth.budget(r["channel"], r["month"])
        spend = final_truth.ad_spend_to_date(r["channel"], r["month"])
        if spend > 1000:
            ratios.append(float(spend / budget))
    assert min(ratios) > 0.75 and max(ratios) < 1.3
    assert sum(r > 1.1 for r in ratios) > len(ratios) / 6  # over_pacing
    assert sum(r < 0.9 for r in ratios) > len(ratios) / 6  # under_pacing


def test_truth_converts_a_budget_at_the_first_day_rate(rows: list[dict[str, str]], final_truth: Truth) -> None:
    snapchat = next(r for r in rows if (r["month"], r["channel"]) == ("2026-10", "snapchat"))
    assert snapchat["currency"] == "GBP"
    rate = fx.rate("GBP", date(2026, 10, 1))
    expected = fx.round_cents(Decimal(snapchat["budget"]) * rate)
    assert final_truth.budget("snapchat", "2026-10") == expected
    assert final_truth.budget("meta", "2026-10") == Decimal(next(
        r["budget"] for r in rows if (r["month"], r["channel"]) == ("2026-10", "meta")
    ))  # fmt: skip
    assert final_truth.budget("instagram", "2026-10") is None
    assert final_truth.ad_spend_to_date("all", "2026-10") == sum(
        (final_truth.spend(p, "2026-10") for p in BUDGET_CHANNELS[:-1]), Decimal(0)
    )
