"""The convert_currency macro as dbt compiles it for DuckDB (a floating-point estimate checked exactly, issue 8) gives
the same cents as exact decimal rounding, half away from zero, on every kind of amount: exact half cents either
side of zero, rates with 18 decimals, amounts too large for the estimate (the exact fallback) and nulls.

The expected cents come from Python's Decimal, not from DuckDB; the compiled portable version (the one PostgreSQL
runs) is checked against the same numbers.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

CENT = Decimal("0.01")
RUN_DATE = "2025-03-11"


def _cases() -> list[tuple[Decimal | None, Decimal | None]]:
    """(amount_local, fx_rate) pairs: ties, signs, zero, nulls, huge amounts, then random amounts and long rates."""
    rng = random.Random(8)
    ties = [
        (Decimal(sign) * Decimal(cents) / 100, rate)
        for sign in ("1", "-1")
        for cents in (1, 3, 5, 7, 100, 300, 12345)
        for rate in (Decimal("0.5"), Decimal("1.005"), Decimal("0.0050"), Decimal("2.5"))
    ]
    edges = [
        (Decimal("0.00"), Decimal("1.2")),
        (None, Decimal("1.2")),
        (Decimal("1.50"), None),
        (Decimal("999999999999999.99"), Decimal("0.000000000000000001")),
        (Decimal("999999999999999.97"), Decimal("1.000000000000000101")),
        (Decimal("-99999999999999.99"), Decimal("99.123456789012345678")),
        (Decimal("123456789012.34"), Decimal("1.234567890123456789")),
    ]
    randoms = [
        (
            Decimal(rng.randint(-(10**9), 10**9)) / 100,
            Decimal(rng.randint(1, 200 * 10**18)) / 10**18,
        )
        for _ in range(20_000)
    ]
    return ties + edges + randoms


def _expected(amount: Decimal | None, rate: Decimal | None) -> Decimal | None:
    if amount is None or rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _compiled(macro: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, harness: Any) -> str:
    """`macro('amount_local', 'fx_rate')` compiled by dbt against the project's DuckDB profile."""
    result = harness.run_dbt(
        ["compile", "--inline", f"select n, {{{{ {macro}('amount_local', 'fx_rate') }}}} as amount from cases"],
        tmp_path / "empty.duckdb",
        tmp_path,
        monkeypatch,
        RUN_DATE,
    )
    assert result.success, result.exception
    return result.result.results[0].node.compiled_code


@pytest.mark.parametrize("macro", ["convert_currency", "default__convert_currency"])
def test_convert_currency_rounds_half_away_from_zero_to_the_cent(
    macro: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dbt_harness: Any
) -> None:
    sql = _compiled(macro, tmp_path, monkeypatch, dbt_harness)
    cases = _cases()
    table = pa.table(
        {
            "n": range(len(cases)),
            "amount_local": pa.array([amount for amount, _ in cases], pa.decimal128(18, 2)),
            "fx_rate": pa.array([rate for _, rate in cases], pa.decimal128(38, 18)),
        }
    )
    with duckdb.connect() as con:
        con.register("cases", table)
        got = con.execute(f"select * from ({sql}) order by n").fetchall()
    wrong = [(cases[n], amount, _expected(*cases[n])) for n, amount in got if amount != _expected(*cases[n])]
    assert len(got) == len(cases)
    assert not wrong, wrong[:10]
