"""Field parsers for the business-input files: each returns the parsed value or raises `FieldProblem`."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from sources.business_inputs import settings

__all__ = [
    "FieldProblem",
    "parse_choice",
    "parse_currency",
    "parse_day",
    "parse_money",
    "parse_month",
    "parse_non_negative_number",
    "parse_positive_decimal",
    "parse_required",
]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FieldProblem(ValueError):
    """A value that cannot be used; `fix` tells the person editing the file what to do."""

    def __init__(self, problem: str, fix: str = settings.FIX_VALUE) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem)


def parse_required(value: str) -> str:
    """A non-empty text."""
    if not value:
        raise FieldProblem("is empty", "fill it in or delete the row")
    return value


def parse_month(value: str) -> dt.date:
    """`YYYY-MM` to the first day of that month."""
    parse_required(value)
    match = _MONTH.fullmatch(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise FieldProblem(f'"{value}" is not a month in YYYY-MM format (e.g. 2025-03)')
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_day(value: str) -> dt.date:
    """`YYYY-MM-DD` to a date."""
    parse_required(value)
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldProblem(f'"{value}" is not a date in YYYY-MM-DD format (e.g. 2025-03-31)') from None


def parse_choice(value: str, allowed: Collection[str], fix: str = "use one of those values") -> str:
    """One of `allowed` (exact, lowercase); `fix` says where the allowed values come from when it is not obvious."""
    parse_required(value)
    if value not in allowed:
        raise FieldProblem(f'"{value}" is not one of {", ".join(allowed)}', fix)
    return value


def _number(value: str) -> float:
    parse_required(value)
    try:
        number = float(value)
    except ValueError:
        raise FieldProblem(f'"{value}" is not a number') from None
    if not math.isfinite(number):
        raise FieldProblem(f'"{value}" is not a number')
    return number


def parse_non_negative_number(value: str) -> float:
    """A finite number >= 0 (plain digits with an optional `.` decimal point)."""
    number = _number(value)
    if number < 0:
        raise FieldProblem(f'"{value}" is negative; it must be 0 or more')
    return number


def parse_money(value: str) -> Decimal:
    """An amount >= 0 in currency units with at most two decimals (e.g. 12500 or 12500.50)."""
    number = parse_non_negative_number(value)
    amount = Decimal(value)
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldProblem(f'"{value}" has more than two decimals', "round it to the cent")
    if number >= 1e16:
        raise FieldProblem(f'"{value}" is too large')
    return amount.quantize(Decimal("0.01"))


def parse_positive_decimal(value: str, scale: int = 8) -> Decimal:
    """A number > 0, as a Decimal rounded to `scale` places."""
    number = _number(value)
    if number <= 0:
        raise FieldProblem(f'"{value}" is not a positive number')
    try:
        return Decimal(value).quantize(Decimal(1).scaleb(-scale))
    except InvalidOperation:
        raise FieldProblem(f'"{value}" is too large') from None


def parse_currency(value: str) -> str:
    """An ISO 4217 currency code in capitals."""
    parse_required(value)
    if value not in settings.CURRENCY_CODES:
        hint = f" (did you mean {value.upper()}?)" if value.upper() in settings.CURRENCY_CODES else ""
        raise FieldProblem(
            f'"{value}" is not an ISO 4217 currency code{hint}', "use a three-capital-letter code such as USD"
        )
    return value
