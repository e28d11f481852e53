"""FX rates: bands, smoothness, horizon behaviour and rounding."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sandbox import fx
from sandbox.constants import EPOCH


def test_rates_stay_in_their_bands_and_move_smoothly() -> None:
    for cur, (lo, hi) in (("EUR", (1.05, 1.15)), ("GBP", (1.22, 1.35))):
        days = [EPOCH + timedelta(days=i) for i in range((fx.FX_HORIZON - EPOCH).days + 1)]
        rates = [fx.rate(cur, d) for d in days]
        assert all(Decimal(str(lo)) <= r <= Decimal(str(hi)) for r in rates)
        assert max(abs(a - b) for a, b in itertools.pairwise(rates)) < Decimal("0.005")
        assert max(rates) - min(rates) > Decimal("0.02")  # it does move
        assert all(r == r.quantize(Decimal("0.00000001")) for r in rates)


def test_horizon_and_usd() -> None:
    assert fx.rate("USD", date(2026, 5, 1)) == 1
    assert fx.rate("EUR", date(2030, 1, 1)) == fx.rate("EUR", fx.FX_HORIZON)
    assert fx.rate("GBP", date(2024, 6, 1)) == fx.rate("GBP", EPOCH)
    assert len(fx.rate_rows()) == 2 * ((fx.FX_HORIZON - EPOCH).days + 1)


def test_convert_rounds_half_away_from_zero() -> None:
    d = date(2026, 3, 3)
    assert fx.convert(Decimal("10.005"), "USD", d) == Decimal("10.01")
    assert fx.convert(Decimal("-10.005"), "USD", d) == Decimal("-10.01")
    amount = Decimal("123.45")
    assert fx.convert(amount, "EUR", d) == (amount * fx.rate("EUR", d)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    cross = fx.convert(amount, "GBP", d, "EUR")
    assert abs(cross - amount * fx.rate("GBP", d) / fx.rate("EUR", d)) <= Decimal("0.005")
