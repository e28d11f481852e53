"""Deterministic daily FX rates to USD (EUR->USD, GBP->USD) from EPOCH through FX_HORIZON.

A rate r for (base, USD) means 1 unit of base = r USD. Rates have 8 decimals; before EPOCH the first rate
applies, after FX_HORIZON the last one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import numpy as np

from sandbox.constants import EPOCH, KIND_FX
from sandbox.rng import rng_for

FX_HORIZON = date(2027, 12, 31)
FX_CURRENCIES = ("EUR", "GBP")
_BANDS = {"EUR": (1.05, 1.15), "GBP": (1.22, 1.35)}
_CENT = Decimal("0.01")
_EIGHT = Decimal("0.00000001")


@cache
def _series(currency: str) -> tuple[Decimal, ...]:
    """Daily rates EPOCH..FX_HORIZON: a smoothed random walk squashed into the currency's band."""
    lo, hi = _BANDS[currency]
    n = (FX_HORIZON - EPOCH).days + 1
    rng = rng_for(KIND_FX, FX_CURRENCIES.index(currency), 0)
    steps = rng.normal(0.0, 1.0, n + 20)
    kernel = np.ones(21) / 21.0
    smooth = np.convolve(steps, kernel, mode="valid")[:n]
    walk = np.cumsum(smooth) * 0.09 + rng.normal(0.0, 0.002, n)
    walk = walk - walk.mean() + rng.uniform(-0.3, 0.3)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    values = mid + half * np.tanh(walk / 2.0)
    return tuple(Decimal(f"{v:.8f}") for v in values)


def rate(currency: str, day: date) -> Decimal:
    """Return the currency->USD rate for a day (1 for USD)."""
    if currency == "USD":
        return Decimal(1)
    series = _series(currency)
    idx = min(max((day - EPOCH).days, 0), len(series) - 1)
    return series[idx]


def cross_rate(from_currency: str, to_currency: str, day: date) -> Decimal:
    """Return the from->to rate for a day via USD (not rounded)."""
    if from_currency == to_currency:
        return Decimal(1)
    return rate(from_currency, day) / rate(to_currency, day)


def round_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def convert(amount: Decimal, from_currency: str, day: date, to_currency: str = "USD") -> Decimal:
    """Convert an amount at the day's rate, rounded half away from zero to the cent."""
    if from_currency == to_currency:
        return round_cents(amount)
    if to_currency == "USD":
        return round_cents(amount * rate(from_currency, day))
    return round_cents(amount * rate(from_currency, day) / rate(to_currency, day))


def rate_rows(start: date = EPOCH, end: date = FX_HORIZON) -> list[tuple[date, str, str, Decimal]]:
    """Return (rate_date, base_currency, quote_currency, rate) rows for every day and currency."""
    rows = []
    day = start
    while day <= end:
        for cur in FX_CURRENCIES:
            rows.append((day, cur, "USD", rate(cur, day).quantize(_EIGHT)))
        day += timedelta(days=1)
    return rows
