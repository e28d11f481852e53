"""The sandbox brand's monthly ad budgets (inputs/budgets.csv): every ad channel and `all`, every month.

A budget is the channel's true final ad spend of the month (reporting currency, the Truth at
`sandbox.inputs.TRUTH_AS_OF`) times a deterministic factor in FACTOR_RANGE, converted into the budget's currency at
the rate of the month's first day and rounded like a planner would. Factors below 1 make a channel over-pace, above
1 under-pace (fct_budget_pacing's default thresholds are 0.9 and 1.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sandbox import fx
from sandbox.campaigns import month_index, month_start
from sandbox.constants import KIND_BUDGETS
from sandbox.promo import INPUTS_HORIZON
from sandbox.rng import rng_for

FACTOR_RANGE = (0.8, 1.25)
# The ad channels (their ad platform has the same name) and `all`, every channel's ad spend together.
AD_CHANNELS = ("meta", "tiktok", "google", "linkedin", "x", "snapchat", "pinterest")
BUDGET_CHANNELS = (*AD_CHANNELS, "all")
# The agencies of these channels bill in their own currency; the others are budgeted in USD.
BUDGET_CURRENCIES = {"linkedin": "EUR", "snapchat": "GBP"}
MIN_BUDGET = Decimal(100)


@dataclass(frozen=True)
class Budget:
    """One row of budgets.csv: the ad budget of a channel's month ('YYYY-MM') in `currency`."""

    month: str
    channel: str
    currency: str
    amount: Decimal


def _round_budget(value: Decimal) -> Decimal:
    """To the nearest 100 from 10,000 up, else to the nearest 10; at least MIN_BUDGET."""
    step = Decimal(100) if value >= 10_000 else Decimal(10)
    return max((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step, MIN_BUDGET)


def budgets(final_spend: Mapping[tuple[str, str], Decimal]) -> list[Budget]:
    """The budgets of every month EPOCH..INPUTS_HORIZON from the final spend per (platform, 'YYYY-MM') in USD."""
    rows = []
    for m in range(month_index(INPUTS_HORIZON) + 1):
        first_day = month_start(m)
        month = first_day.strftime("%Y-%m")
        factors = rng_for(KIND_BUDGETS, 0, m).uniform(*FACTOR_RANGE, len(BUDGET_CHANNELS))
        for channel, factor in zip(BUDGET_CHANNELS, factors, strict=True):
            platforms = AD_CHANNELS if channel == "all" else (channel,)
            spend = sum((final_spend.get((p, month), Decimal(0)) for p in platforms), Decimal(0))
            currency = BUDGET_CURRENCIES.get(channel, "USD")
            local = spend / fx.rate(currency, first_day) * Decimal(f"{factor:.4f}")
            rows.append(Budget(month, channel, currency, _round_budget(local)))
    return rows


@cache
def final_budgets() -> dict[tuple[str, str], Budget]:
    """The committed budgets by ('YYYY-MM', channel), from the final truth (builds it: several seconds)."""
    from sandbox.inputs import TRUTH_AS_OF
    from sandbox.truth import Truth

    return {(b.month, b.channel): b for b in budgets(Truth(TRUTH_AS_OF).spend_by_platform_month())}
