"""ECB euro foreign exchange reference rates files, read into EUR-based rate rows.

The ECB publishes the rates as CSV in two shapes (both accepted, wherever they sit under the inputs folder):
- `eurofxref-hist.csv`, the time series: header `Date,USD,JPY,...,` then one line per TARGET day, newest first,
  dates `YYYY-MM-DD`, `N/A` where a currency had no rate that day;
- `eurofxref.csv`, the day's rates: header `Date, USD, JPY, ...,` then one line such as `04 April 2024, 1.0837, ...`.
Both end every line with a comma (an empty last column). A value is the number of units of the column's currency
per 1 EUR, so each value becomes a row (rate_date, EUR, <currency>, value). A file is recognised by its header (it
starts with `Date,`), not by its name.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sources.business_inputs import settings
from sources.business_inputs.errors import InputProblem
from sources.business_inputs.validators import FieldProblem, parse_positive_decimal

__all__ = ["EcbRate", "find_ecb_files", "read_ecb_file"]

_CURRENCY = re.compile(r"[A-Z]{3}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONG_DAY = re.compile(r"(\d{1,2}) ([A-Za-z]+) (\d{4})")
# English month names, as the ECB writes them (not the locale's).
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_DATE_FIX = "use the ECB's format: YYYY-MM-DD (eurofxref-hist.csv) or DD Month YYYY (eurofxref.csv)"
_FILE_FIX = "download the file again from the ECB (euro foreign exchange reference rates, CSV) or delete it"


@dataclass(frozen=True)
class EcbRate:
    """One reference rate: 1 EUR = `rate` units of `quote_currency` on `rate_date`; `line` in its file."""

    rate_date: dt.date
    quote_currency: str
    rate: Decimal
    line: int


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return line.strip()
    return ""


def find_ecb_files(inputs_dir: str | Path) -> list[Path]:
    """Every `*.csv` under `inputs_dir` (any depth) whose first line starts with `Date,`, in path order."""
    root = Path(inputs_dir)
    if not root.is_dir():
        return []
    return [
        p for p in sorted(root.rglob("*.csv")) if p.is_file() and _first_line(p).startswith(settings.ECB_HEADER_START)
    ]


def _parse_day(value: str) -> dt.date:
    """`YYYY-MM-DD` or `DD Month YYYY` (English month name)."""
    try:
        if _ISO_DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
        match = _LONG_DAY.fullmatch(value)
        if match and match.group(2).lower() in _MONTHS:
            return dt.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        pass
    raise FieldProblem(f'"{value}" is not a date', _DATE_FIX)


def _without_trailing_empty(cells: list[str]) -> list[str]:
    """The cells with the ECB's empty last column (the trailing comma) removed."""
    cells = [cell.strip() for cell in cells]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, _without_trailing_empty(cells)


def read_ecb_file(path: Path, display: str, problems: list[InputProblem]) -> list[EcbRate]:
    """Read one ECB file; note every problem (file, line, column, fix) in `problems` and return the valid rates."""

    def add(problem: str, fix: str, line: int | None = None, column: str | None = None) -> None:
        problems.append(InputProblem(display, problem, fix, line, column))

    rows = _rows(path)
    header_line, header = next(rows, (1, []))
    currencies = header[1:]
    bad = [c for c in currencies if not _CURRENCY.fullmatch(c)]
    if bad or not currencies:
        what = f"the header names {', '.join(repr(c) for c in bad)}" if bad else "the header names no currency"
        add(f"{what}; an ECB file's header is Date then one currency code per column", _FILE_FIX, header_line)
        return []
    repeated = sorted({c for c in currencies if currencies.count(c) > 1})
    if repeated:
        add(f"the header repeats {', '.join(repeated)}", _FILE_FIX, header_line)
        return []
    rates: list[EcbRate] = []
    seen: dict[dt.date, int] = {}
    for line, cells in rows:
        if len(cells) > len(header):
            add(f"has {len(cells)} values but the header has {len(header)} columns", _FILE_FIX, line)
            continue
        try:
            day = _parse_day(cells[0])
        except FieldProblem as exc:
            add(exc.problem, exc.fix, line, "Date")
            continue
        if day in seen:
            add(f"repeats the date {day.isoformat()} of line {seen[day]}", "keep one of the two lines", line, "Date")
            continue
        seen[day] = line
        for currency, value in zip(currencies, cells[1:], strict=False):
            if value in ("", settings.ECB_MISSING_VALUE):
                continue
            try:
                rates.append(EcbRate(day, currency, parse_positive_decimal(value), line))
            except FieldProblem as exc:
                fix = f"write the rate with a dot as decimal separator (e.g. 1.0812) or {settings.ECB_MISSING_VALUE}"
                add(f"{exc.problem} (units of {currency} per 1 EUR)", fix, line, currency)
    if not seen and not any(p.file == display for p in problems):
        add("the file has a header but no rates", _FILE_FIX, header_line)
    return rates
