"""ECB reference-rates files: found by header anywhere under the inputs folder, read into EUR-based rates, merged
with fx_rates.csv (which wins), and malformed files reported with file, line and column.

The fixtures in tests/fixtures/ecb have the ECB's layout (eurofxref-hist.csv: `Date,USD,...,ZAR,` with the retired
currencies, newest day first, `N/A`, a trailing comma on every line; eurofxref.csv: `Date, USD, ...` and
`10 March 2025, 1.0441, ...`) with made-up values.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sources.business_inputs import InputFileError, load_business_inputs
from sources.business_inputs.ecb import find_ecb_files, read_ecb_file
from sources.business_inputs.errors import InputProblem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ecb"
HIST = FIXTURES / "eurofxref-hist.csv"
DAILY = FIXTURES / "eurofxref.csv"
SEGMENTS = ("genz", "millennial", "parents")
LIVE_CURRENCIES = 30  # the hist header's 41 currencies minus the 11 the ECB no longer quotes (N/A)


def _inputs(folder: Path, fx: str = "rate_date,base_currency,quote_currency,rate\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "targets.csv").write_text("month,metric,channel,segment,target\n2025-03,revenue,all,all,100\n")
    (folder / "promo_codes.csv").write_text("code,kind,channel,campaign_id,influencer\n")
    (folder / "fx_rates.csv").write_text(fx)
    return folder


def test_files_are_found_by_their_header_at_any_depth(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "inputs")
    (inputs / "ecb" / "2025").mkdir(parents=True)
    shutil.copy(HIST, inputs / "ecb" / "eurofxref-hist.csv")
    shutil.copy(DAILY, inputs / "ecb" / "2025" / "rates-of-the-day.csv")
    (inputs / "notes.csv").write_text("note,author\nDate, not a rate file,me\n")
    (inputs / "ecb" / "eurofxref-hist.zip").write_bytes(b"PK")
    found = [p.relative_to(inputs).as_posix() for p in find_ecb_files(inputs)]
    assert found == ["ecb/2025/rates-of-the-day.csv", "ecb/eurofxref-hist.csv"]


def test_hist_file_gives_eur_based_rates_and_skips_na() -> None:
    problems: list[InputProblem] = []
    rates = read_ecb_file(HIST, "inputs/ecb/eurofxref-hist.csv", problems)
    assert problems == []
    by_key = {(r.rate_date, r.quote_currency): r for r in rates}
    assert len(rates) == 10 * LIVE_CURRENCIES - 1  # ISK is N/A on 2025-03-04
    assert by_key[(date(2025, 3, 7), "USD")].rate == Decimal("1.0409")
    assert by_key[(date(2025, 3, 7), "USD")].line == 2  # newest first, right under the header
    assert by_key[(date(2025, 2, 28), "GBP")].rate == Decimal("0.82793")
    assert by_key[(date(2025, 2, 24), "IDR")].line == 11
    assert (date(2025, 3, 4), "ISK") not in by_key and (date(2025, 3, 3), "ISK") in by_key
    assert not {"CYP", "HRK", "RUB", "TRL"} & {r.quote_currency for r in rates}
    assert {r.rate_date for r in rates} == {date(2025, 2, d) for d in (24, 25, 26, 27, 28)} | {
        date(2025, 3, d) for d in (3, 4, 5, 6, 7)
    }


def test_daily_file_with_spaces_and_long_date() -> None:
    problems: list[InputProblem] = []
    rates = read_ecb_file(DAILY, "inputs/eurofxref.csv", problems)
    assert problems == []
    assert len(rates) == LIVE_CURRENCIES
    assert {r.rate_date for r in rates} == {date(2025, 3, 10)}
    by_currency = {r.quote_currency: r.rate for r in rates}
    assert by_currency["USD"] == Decimal("1.0441") and by_currency["ZAR"] == Decimal("19.2783")


def test_malformed_file_names_file_line_and_column(tmp_path: Path) -> None:
    lines = HIST.read_text().splitlines()
    lines[2] = lines[2].replace(",1.0420,", ",1.04x0,", 1)  # line 3: USD of 2025-03-06
    lines[4] = lines[4].replace("2025-03-04", "2025-02-30", 1)  # line 5: not a date
    lines[6] = lines[6] + "1.5,"  # line 7: one value too many
    lines[7] = lines[7].replace(",0.82892,", ",-0.82892,", 1)  # line 8: GBP negative
    inputs = _inputs(tmp_path / "inputs")
    (inputs / "ecb").mkdir()
    (inputs / "ecb" / "eurofxref-hist.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(inputs), SEGMENTS)
    message = str(raised.value)
    expected = [
        'inputs/ecb/eurofxref-hist.csv line 3, field "USD": "1.04x0" is not a number (units of USD per 1 EUR) — '
        "write the rate with a dot as decimal separator (e.g. 1.0812) or N/A",
        'inputs/ecb/eurofxref-hist.csv line 5, field "Date": "2025-02-30" is not a date — use the ECB\'s format',
        "inputs/ecb/eurofxref-hist.csv line 7: has 43 values but the header has 42 columns",
        'inputs/ecb/eurofxref-hist.csv line 8, field "GBP": "-0.82892" is not a positive number',
    ]
    for line in expected:
        assert line in message, f"{line!r} not in:\n{message}"
    assert len(raised.value.problems) == len(expected)


def test_bad_header_is_reported_on_line_one(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "inputs")
    (inputs / "rates.csv").write_text("Date,USD,euro,\n2025-03-07,1.04,1,\n")
    with pytest.raises(InputFileError, match=r"inputs/rates.csv line 1: the header names 'euro'; an ECB file's header"):
        load_business_inputs(str(inputs), SEGMENTS)


def test_ecb_rates_load_beside_the_editable_ones(tmp_path: Path) -> None:
    fx = "rate_date,base_currency,quote_currency,rate\n2025-03-07,EUR,USD,1.05\n2025-03-07,GBP,USD,1.2\n"
    inputs = _inputs(tmp_path / "inputs", fx)
    (inputs / "ecb").mkdir()
    shutil.copy(HIST, inputs / "ecb" / "eurofxref-hist.csv")
    shutil.copy(DAILY, inputs / "ecb" / "eurofxref.csv")
    rows = load_business_inputs(str(inputs), SEGMENTS)["fx_rates"].to_pylist()
    assert len(rows) == 2 + (10 * LIVE_CURRENCIES - 1) + LIVE_CURRENCIES
    eur_usd = [
        r for r in rows if (r["rate_date"], r["base_currency"], r["quote_currency"]) == (date(2025, 3, 7), "EUR", "USD")
    ]
    # Both kept; int_fx_rates_daily prefers fx_rates.csv (tested in tests/unit/dbt/test_fx_budget_models.py).
    assert [(r["rate"], r["rate_source"], r["source_file"], r["source_line"]) for r in eur_usd] == [
        (Decimal("1.05000000"), "fx_rates_csv", "inputs/fx_rates.csv", 2),
        (Decimal("1.04090000"), "ecb", "inputs/ecb/eurofxref-hist.csv", 2),
    ]
    eur_zar = next(r for r in rows if (r["rate_date"], r["quote_currency"]) == (date(2025, 3, 10), "ZAR"))
    assert (eur_zar["base_currency"], eur_zar["rate"], eur_zar["rate_source"]) == ("EUR", Decimal("19.2783"), "ecb")
    assert eur_zar["source_file"] == "inputs/ecb/eurofxref.csv" and eur_zar["source_line"] == 2


def test_two_ecb_files_may_repeat_a_day_only_with_the_same_rates(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "inputs")
    shutil.copy(HIST, inputs / "eurofxref-hist.csv")
    newest = HIST.read_text().splitlines()[:2]
    (inputs / "eurofxref.csv").write_text("\n".join(newest) + "\n")
    assert load_business_inputs(str(inputs), SEGMENTS)["fx_rates"].num_rows == 10 * LIVE_CURRENCIES - 1
    (inputs / "eurofxref.csv").write_text("\n".join([newest[0], newest[1].replace(",1.0409,", ",1.0500,")]) + "\n")
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(inputs), SEGMENTS)
    assert str(raised.value.problems[0]) == (
        'inputs/eurofxref.csv line 2, field "USD": gives 1.05000000 USD per EUR on 2025-03-07 but '
        "inputs/eurofxref-hist.csv line 2 gives 1.04090000 — keep one of the two files (the newer download)"
    )
