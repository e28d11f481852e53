"""CSV and XLSX copies of a report's tables, written atomically next to its HTML.

CSV: one file per table, a header of column keys, raw values (full precision, ISO dates, empty for NULL), for
scripts and spreadsheets. XLSX: one workbook, a first sheet saying what the report is, then one sheet per table
with typed cells (numbers stay numbers) and a number format per column, for a person who opens it in Excel.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.formatting import CURRENCY_SYMBOLS, metric_spec
from reports.tables import Column, Table, format_cell, is_missing, raw_text

SHEET_NAME_MAX = 31  # Excel's limit


def write_atomic_text(path: Path, write: Callable[[TextIO], object]) -> None:
    """Write a text file through a temporary file and `os.replace`, so a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        write(handle)
    os.replace(tmp, path)


def write_atomic_bytes(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a binary file through a temporary file and `os.replace`."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        write(handle)
    os.replace(tmp, path)


def write_csv(table: Table, path: Path) -> None:
    """Write `table`'s rows with a header of column keys."""

    def write(handle: TextIO) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([column.key for column in table.columns])
        for row in table.rows:
            writer.writerow([raw_text(row.get(column.key)) for column in table.columns])

    write_atomic_text(path, write)


def write_xlsx(
    tables: Sequence[Table], path: Path, *, title: str, about: Sequence[tuple[str, str]], currency: str
) -> None:
    """Write one workbook: an `About` sheet (title and `about` label/value lines), then a sheet per table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "About"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in about:
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80
    for table in tables:
        _table_sheet(workbook, table, currency)
    write_atomic_bytes(path, workbook.save)


def _table_sheet(workbook: Workbook, table: Table, currency: str) -> None:
    sheet = workbook.create_sheet(table.name[:SHEET_NAME_MAX])
    sheet.append([column.label for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in table.rows:
        sheet.append([_xlsx_value(column, row, currency) for column in table.columns])
        for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
            number_format = _number_format(column, row, currency)
            if number_format:
                cell.number_format = number_format
    for index, column in enumerate(table.columns, start=1):
        width = max([len(column.label), *(len(format_cell(column, row, currency)) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)


def _xlsx_value(column: Column, row: dict[str, Any], currency: str) -> Any:
    """A typed cell value: numbers as numbers, dates as dates, keys as their readable labels."""
    value = row.get(column.key)
    if is_missing(value):
        return None
    if column.kind in ("metric", "channel", "segment", "status"):
        return format_cell(column, row, currency)
    if isinstance(value, Decimal | int | float | bool | date | datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones: the value is in UTC (see the column label)
        return value
    return str(value)


def _money_format(currency: str, decimals: int) -> str:
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f'"{symbol}"{digits}' if symbol else f'{digits} "{currency.upper()}"'


def _number_format(column: Column, row: dict[str, Any], currency: str) -> str | None:
    kind = column.kind
    if kind == "metric_value":
        spec = metric_spec(row.get(column.metric_field) or "")
        kind, decimals = spec.kind, spec.decimals
    else:
        decimals = column.decimals
    if kind == "money":
        return _money_format(currency, 2 if decimals is None else max(decimals, 2))
    if kind == "count":
        return "#,##0"
    if kind == "percent":
        return "0." + "0" * (1 if decimals is None else max(decimals, 1)) + "%"
    if kind == "ratio":
        return "0." + "0" * (2 if decimals is None else max(decimals, 1))
    if kind == "date":
        return "yyyy-mm-dd"
    return None
